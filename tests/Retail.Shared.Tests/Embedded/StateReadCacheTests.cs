using Retail.Shared.State;

namespace Retail.Shared.Tests.Embedded;

/// <summary>The store's in-memory copy of what it read: never older than the last acknowledged write, never past a TTL.</summary>
public sealed class StateReadCacheTests : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly TempDataDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task a_read_after_a_write_sees_the_write_even_when_the_key_was_read_before()
    {
        using var store = _dir.OpenStore();
        var first = await store.TransactAsync(new StateTransaction().Upsert("price/1", Json.Bytes("1"), null), Ct);
        Assert.Equal("1", Json.Text((await store.GetAsync("price/1", Ct))!.Value));
        Assert.Equal("1", Json.Text((await store.GetBulkAsync(["price/1"], Ct)).Single().Value));

        var second = await store.TransactAsync(new StateTransaction().Upsert("price/1", Json.Bytes("2"), first.ETags["price/1"]), Ct);

        var read = await store.GetAsync("price/1", Ct);
        Assert.Equal("2", Json.Text(read!.Value));
        Assert.Equal(second.ETags["price/1"], read.ETag);
        Assert.Equal("2", Json.Text((await store.GetBulkAsync(["price/1", "price/1", "absent"], Ct)).Single().Value));

        await store.TransactAsync(new StateTransaction().Delete("price/1", second.ETags["price/1"]), Ct);
        Assert.Null(await store.GetAsync("price/1", Ct));
        Assert.Empty(await store.GetBulkAsync(["price/1"], Ct));
    }

    [Fact]
    public async Task a_refused_write_leaves_the_value_readers_see()
    {
        using var store = _dir.OpenStore();
        await store.TransactAsync(new StateTransaction().Upsert("k", Json.Bytes("1"), null), Ct);
        await store.GetAsync("k", Ct);

        var refused = await store.TransactAsync(new StateTransaction().Upsert("k", Json.Bytes("2"), "not-the-etag"), Ct);

        Assert.False(refused.Committed);
        Assert.Equal("1", Json.Text((await store.GetAsync("k", Ct))!.Value));
    }

    [Fact]
    public async Task an_entry_with_a_ttl_lapses_on_time_however_often_it_was_read()
    {
        var clock = new ManualClock(DateTimeOffset.Parse("2026-12-01T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        using var store = _dir.OpenStore(time: clock);
        await store.TransactAsync(new StateTransaction().Upsert("hold/1", Json.Bytes("1"), null, TimeSpan.FromMinutes(5)), Ct);
        Assert.NotNull(await store.GetAsync("hold/1", Ct));
        Assert.Single(await store.GetBulkAsync(["hold/1"], Ct));

        clock.Advance(TimeSpan.FromMinutes(6));

        Assert.Null(await store.GetAsync("hold/1", Ct));
        Assert.Empty(await store.GetBulkAsync(["hold/1"], Ct));
    }

    [Fact]
    public async Task readers_racing_a_writer_never_see_a_value_older_than_the_last_acknowledged_write()
    {
        using var store = _dir.OpenStore();
        var etag = (await store.TransactAsync(new StateTransaction().Upsert("stock/1", Json.Bytes("0"), null), Ct)).ETags["stock/1"];
        long acknowledged = 0;
        using var done = new CancellationTokenSource();
        var stale = 0;
        var reads = 0;
        var readers = Enumerable.Range(0, 4).Select(r => Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                var floor = Interlocked.Read(ref acknowledged);
                var entry = r % 2 == 0 ? await store.GetAsync("stock/1") : (await store.GetBulkAsync(["stock/1", "other"])).Single();
                if (long.Parse(Json.Text(entry!.Value), System.Globalization.CultureInfo.InvariantCulture) < floor)
                {
                    Interlocked.Increment(ref stale);
                }
                Interlocked.Increment(ref reads);
            }
        })).ToList();

        for (var i = 1; i <= 300; i++)
        {
            var commit = await store.TransactAsync(new StateTransaction().Upsert("stock/1", Json.Bytes(i.ToString(System.Globalization.CultureInfo.InvariantCulture)), etag), Ct);
            Assert.True(commit.Committed);
            etag = commit.ETags["stock/1"];
            Interlocked.Exchange(ref acknowledged, i);
            // Let the readers in after every commit: on a loaded machine the thread pool may otherwise run all 300 commits
            // before a reader is scheduled, and nothing would have raced.
            var seen = Volatile.Read(ref reads);
            for (var wait = 0; Volatile.Read(ref reads) <= seen && wait < 200; wait++)
            {
                await Task.Delay(1, Ct);
            }
        }
        await done.CancelAsync();
        await Task.WhenAll(readers);

        Assert.Equal(0, stale);
        Assert.True(reads > 300, $"only {reads} reads raced the writer");
        Assert.Equal("300", Json.Text((await store.GetAsync("stock/1", Ct))!.Value));
    }

    [Fact]
    public async Task with_the_cache_off_reads_still_answer_from_the_file()
    {
        using var store = new Retail.Shared.Embedded.SqliteStateStore("scm", _dir.Options(o => o.State.ReadCacheEntries = 0));
        await store.TransactAsync(new StateTransaction().Upsert("k", Json.Bytes("1"), null), Ct);

        Assert.Equal("1", Json.Text((await store.GetAsync("k", Ct))!.Value));
    }
}

/// <summary>Keys read while absent: a later create is seen at once.</summary>
public sealed class StateReadCacheAbsenceTests : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly TempDataDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task a_key_read_while_absent_is_seen_once_created_by_get_and_by_bulk_get()
    {
        using var store = _dir.OpenStore();
        Assert.Null(await store.GetAsync("price/a", Ct));
        Assert.Empty(await store.GetBulkAsync(["price/a", "price/b"], Ct));
        Assert.Null(await store.GetAsync("price/b", Ct));

        await store.TransactAsync(new StateTransaction().Upsert("price/a", Json.Bytes("1"), null).Upsert("price/b", Json.Bytes("2"), null), Ct);

        Assert.Equal("1", Json.Text((await store.GetAsync("price/a", Ct))!.Value));
        Assert.Equal(["1", "2"], (await store.GetBulkAsync(["price/a", "price/b"], Ct)).Select(e => Json.Text(e.Value)).Order());
    }
}

/// <summary>The cache's bounds: by bytes for large values, by count for small ones, and its accounting under change.</summary>
public sealed class StateReadCacheBoundsTests
{
    private static StateEntry Entry(string key, int bytes) => new(key, new byte[bytes], "1");

    [Fact]
    public void large_values_are_let_go_at_the_byte_bound_long_before_the_count_bound()
    {
        var cache = new Retail.Shared.Embedded.StateReadCache(capacity: 1_000_000, capacityBytes: 1024 * 1024);
        for (var i = 0; i < 1_000; i++)
        {
            var key = "price/" + i;
            cache.Offer(key, Entry(key, 10_000), cache.Stamp(key));
            Assert.True(cache.Bytes <= 1024 * 1024 + 10_500, $"{cache.Bytes} bytes after {i + 1} entries");
        }
        Assert.InRange(cache.Count, 80, 105);
        Assert.InRange(cache.Bytes, cache.Count * 10_160L, cache.Count * 10_200L);
    }

    [Fact]
    public void small_values_are_let_go_at_the_count_bound()
    {
        var cache = new Retail.Shared.Embedded.StateReadCache(capacity: 100, capacityBytes: 1024 * 1024);
        for (var i = 0; i < 1_000; i++)
        {
            var key = "k/" + i;
            cache.Offer(key, Entry(key, 10), cache.Stamp(key));
        }
        Assert.InRange(cache.Count, 80, 101);
    }

    [Fact]
    public void replaced_and_invalidated_entries_leave_the_byte_count_exact()
    {
        var cache = new Retail.Shared.Embedded.StateReadCache(capacity: 1_000, capacityBytes: 1024 * 1024);
        cache.Offer("a", Entry("a", 100), cache.Stamp("a"));
        cache.Offer("a", Entry("a", 300), cache.Stamp("a"));
        cache.Offer("b", null, cache.Stamp("b"));
        Assert.Equal(Retail.Shared.Embedded.StateReadCache.SizeOf("a", Entry("a", 300)) + Retail.Shared.Embedded.StateReadCache.SizeOf("b", null), cache.Bytes);

        var stale = cache.Stamp("c");
        cache.Invalidate(["a", "c"]);
        cache.Offer("c", Entry("c", 50), stale); // read before the invalidation: not kept
        Assert.False(cache.TryGet("c", out _));
        Assert.Equal(Retail.Shared.Embedded.StateReadCache.SizeOf("b", null), cache.Bytes);
        Assert.Equal(1, cache.Count);
    }
}
