using Retail.Shared.State;

namespace Retail.Shared.Tests.Embedded;

/// <summary>
/// Each request of a write batch runs in a SAVEPOINT, whose pre-images SQLite keeps in a sub-journal. The writer keeps
/// that journal in memory (<c>temp_store=MEMORY</c>; by default it spills to a temporary file past 64 KiB, and on the
/// catalog load those spills were four of every ten write calls of the host). A request larger than the spill threshold
/// that is rolled back to its savepoint must still leave exactly the other requests of its batch.
/// </summary>
public sealed class SavepointJournalTests : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly TempDataDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task the_writer_keeps_statement_and_savepoint_journals_in_memory()
    {
        using var store = _dir.OpenStore();

        var tempStore = await store.Database.WriteAsync(batch => Convert.ToInt64(batch.Command("PRAGMA temp_store").ExecuteScalar()), Ct);

        Assert.Equal(2, tempStore); // 2 = MEMORY
    }

    [Fact]
    public async Task a_request_far_larger_than_the_spill_threshold_rolls_back_alone_while_its_batch_commits()
    {
        using var store = _dir.OpenStore();
        await store.TransactAsync(new StateTransaction().Upsert("guard", Json.Bytes("1"), null), Ct);
        // Existing rows the large request rewrites before its conflict: their pre-images must come back.
        var seed = new StateTransaction();
        for (var i = 0; i < 500; i++)
        {
            seed.Upsert($"old/{i:D4}", Json.Bytes($$"""{"n":{{i}},"pad":"{{new string('o', 400)}}"}"""), null);
        }
        var seeded = await store.TransactAsync(seed, Ct);
        Assert.True(seeded.Committed);

        // ~2,000 rows of ~1 KiB (MiBs of pre-images and new pages) and a stale ETag last, beside small requests that
        // share its batches.
        var large = new StateTransaction();
        for (var i = 0; i < 500; i++)
        {
            large.Upsert($"old/{i:D4}", Json.Bytes($$"""{"n":-1,"pad":"{{new string('x', 1000)}}"}"""), seeded.ETags[$"old/{i:D4}"]);
        }
        for (var i = 0; i < 1500; i++)
        {
            large.Upsert($"big/{i:D4}", Json.Bytes($$"""{"pad":"{{new string('x', 1000)}}"}"""), null);
        }
        large.Upsert("guard", Json.Bytes("2"), "stale");
        var small = Enumerable.Range(0, 64)
            .Select(i => store.TransactAsync(new StateTransaction().Upsert($"small/{i:D2}", Json.Bytes($$"""{"i":{{i}}}"""), null), Ct))
            .ToList();
        var largeCommit = store.TransactAsync(large, Ct);
        var moreSmall = Enumerable.Range(64, 64)
            .Select(i => store.TransactAsync(new StateTransaction().Upsert($"small/{i:D2}", Json.Bytes($$"""{"i":{{i}}}"""), null), Ct))
            .ToList();

        var refused = await largeCommit;
        var commits = await Task.WhenAll(small.Concat(moreSmall));

        Assert.False(refused.Committed);
        Assert.Equal("guard", refused.ConflictKey);
        Assert.All(commits, c => Assert.True(c.Committed));
        Assert.Equal(128, _dir.Count("scm", "SELECT count(*) FROM state WHERE key LIKE 'small/%'"));
        Assert.Equal(0, _dir.Count("scm", "SELECT count(*) FROM state WHERE key LIKE 'big/%'"));
        Assert.Equal(500, _dir.Count("scm", "SELECT count(*) FROM state WHERE key LIKE 'old/%' AND value LIKE '%\"pad\":\"ooo%'"));
        Assert.Equal("1", Json.Text((await store.GetAsync("guard", Ct))!.Value));
    }
}
