using Retail.Shared.State;

namespace Retail.Shared.Tests.Embedded;

public sealed class SqliteStateStoreTests : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly TempDataDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static OutboxMessage Message(string id, string subject = "order/1") =>
        new(id, "cdc", "scm.order.created", "scm", subject, "acme", Json.Bytes("""{"key":"1"}"""), DateTimeOffset.UtcNow, IsChangeDataCapture: true);

    [Fact]
    public async Task a_saved_value_is_read_back_with_its_etag()
    {
        using var store = _dir.OpenStore();
        var commit = await store.TransactAsync(new StateTransaction().Upsert("order/1", Json.Bytes("""{"status":"open"}"""), null), Ct);

        var entry = await store.GetAsync("order/1", Ct);

        Assert.True(commit.Committed);
        Assert.NotNull(entry);
        Assert.Equal("""{"status":"open"}""", Json.Text(entry.Value));
        Assert.Equal(commit.ETags["order/1"], entry.ETag);
        Assert.Null(await store.GetAsync("order/2", Ct));
    }

    [Fact]
    public async Task a_file_from_before_the_record_columns_gains_them_and_its_indexes_are_built_over_them()
    {
        // The state table and a record index as files were written before the entity, orgcode and record key columns.
        var path = Path.Combine(_dir.Path, "state", "scm.db");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using (var old = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False"))
        {
            old.Open();
            using var create = old.CreateCommand();
            create.CommandText = """
                CREATE TABLE state (key TEXT NOT NULL PRIMARY KEY, value TEXT NOT NULL, etag TEXT NOT NULL, expires_at INTEGER NULL);
                CREATE INDEX ix_records ON state (json_extract(value, '$."entity"'), json_extract(value, '$."orgcode"'), json_extract(value, '$."key"'), key);
                INSERT INTO state VALUES ('rec|order|acme|1', '{"entity":"order","orgcode":"acme","key":"1","doomed":false}', '1', NULL);
                INSERT INTO state VALUES ('rec|order|beta|2', '{"entity":"order","orgcode":"beta","key":"2","doomed":false}', '2', NULL);
                """;
            create.ExecuteNonQuery();
        }

        using var store = _dir.OpenStore();
        await store.EnsureIndexesAsync([new StateIndex("records", ["entity", "orgcode"])], Ct);
        await store.TransactAsync(new StateTransaction().Upsert("rec|order|acme|3", Json.Bytes("""{"entity":"order","orgcode":"acme","key":"3","doomed":false}"""), null), Ct);

        var page = await store.QueryAsync(new StateQuery([StateFilter.Eq("entity", "order"), StateFilter.Eq("orgcode", "acme")], [new StateSort("key")], 10,
            Index: "records"), Ct);
        Assert.Equal(["rec|order|acme|1", "rec|order|acme|3"], page.Items.Select(i => i.Key));
        Assert.Equal(2, await store.CountAsync([StateFilter.Eq("entity", "order"), StateFilter.Eq("orgcode", "acme")], "records", cancellationToken: Ct));
        Assert.Equal(1, _dir.Count("scm", "SELECT count(*) FROM sqlite_master WHERE name = 'ix_records' AND sql LIKE '%(entity, orgcode, record_key, key)'"));
        Assert.Equal(3, _dir.Count("scm", "SELECT count(*) FROM pragma_table_xinfo('state') WHERE name IN ('entity', 'orgcode', 'record_key')"));
    }

    [Fact]
    public async Task a_write_into_a_file_of_many_record_indexes_is_served_by_the_writers_lookaside()
    {
        // 60 record indexes, more than the largest service file holds (SCM 52): SQLite opens a cursor on each for every insert and
        // update, and took what the default lookaside could not hold from malloc (53 times a row at 48 indexes).
        using var store = _dir.OpenStore();
        await store.EnsureIndexesAsync([.. Enumerable.Range(0, 60).Select(i => new StateIndex($"entity{i}", ["orgcode", $"field{i}"], Entity: $"entity{i}"))], Ct);
        store.Database.TakeWriterLookasideMisses();

        var transaction = new StateTransaction();
        for (var i = 0; i < 20; i++)
        {
            transaction.Upsert($"rec|entity7|acme|{i}", Json.Bytes($$"""{"entity":"entity7","orgcode":"acme","key":"{{i}}","field7":"v{{i}}"}"""), null);
        }
        var created = await store.TransactAsync(transaction, Ct);
        var changed = await store.TransactAsync(new StateTransaction().Upsert("rec|entity7|acme|3",
            Json.Bytes("""{"entity":"entity7","orgcode":"acme","key":"3","field7":"changed"}"""), created.ETags["rec|entity7|acme|3"]), Ct);

        Assert.True(created.Committed);
        Assert.True(changed.Committed);
        Assert.Equal(0, store.Database.TakeWriterLookasideMisses());
        var page = await store.QueryAsync(new StateQuery([StateFilter.Eq("entity", "entity7"), StateFilter.Eq("orgcode", "acme"), StateFilter.Eq("field7", "changed")],
            [], 10, Index: "entity7"), Ct);
        Assert.Equal(["rec|entity7|acme|3"], page.Items.Select(e => e.Key));
    }

    [Fact]
    public async Task creating_a_key_that_exists_is_a_conflict()
    {
        using var store = _dir.OpenStore();
        await store.TransactAsync(new StateTransaction().Upsert("k", Json.Bytes("1"), null), Ct);

        var second = await store.TransactAsync(new StateTransaction().Upsert("k", Json.Bytes("2"), null), Ct);

        Assert.False(second.Committed);
        Assert.Equal("k", second.ConflictKey);
        Assert.Equal("1", Json.Text((await store.GetAsync("k", Ct))!.Value));
    }

    [Fact]
    public async Task concurrent_writers_on_one_key_have_exactly_one_winner_per_revision()
    {
        using var store = _dir.OpenStore();
        var etag = (await store.TransactAsync(new StateTransaction().Upsert("stock/sku-1", Json.Bytes("""{"revision":1}"""), null), Ct)).ETags["stock/sku-1"];

        for (var revision = 2; revision <= 11; revision++)
        {
            var from = etag;
            var value = Json.Bytes($$"""{"revision":{{revision}}}""");
            var commits = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() =>
                store.TransactAsync(new StateTransaction().Upsert("stock/sku-1", value, from)))));

            var winners = commits.Where(c => c.Committed).ToList();
            Assert.Single(winners);
            Assert.All(commits.Where(c => !c.Committed), c => Assert.Equal("stock/sku-1", c.ConflictKey));
            etag = winners[0].ETags["stock/sku-1"];
            Assert.NotEqual(from, etag);
        }
        Assert.Equal("""{"revision":11}""", Json.Text((await store.GetAsync("stock/sku-1", Ct))!.Value));
    }

    [Fact]
    public async Task concurrent_creators_of_one_key_have_exactly_one_winner()
    {
        using var store = _dir.OpenStore();

        var commits = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() =>
            store.TransactAsync(new StateTransaction().Upsert("code/acme", Json.Bytes(i.ToString(System.Globalization.CultureInfo.InvariantCulture)), null)))));

        Assert.Single(commits, c => c.Committed);
    }

    [Fact]
    public async Task a_conflict_on_the_second_operation_leaves_the_first_unwritten_and_no_outbox_row()
    {
        using var store = _dir.OpenStore();
        await store.TransactAsync(new StateTransaction().Upsert("b", Json.Bytes("1"), null), Ct);

        var commit = await store.TransactAsync(new StateTransaction()
            .Upsert("a", Json.Bytes("1"), null)
            .Upsert("b", Json.Bytes("2"), "stale")
            .Publish(Message("m-1")), Ct);

        Assert.False(commit.Committed);
        Assert.Equal("b", commit.ConflictKey);
        Assert.Empty(commit.ETags);
        Assert.Null(await store.GetAsync("a", Ct));
        Assert.Equal(0, _dir.Count("scm", "SELECT count(*) FROM outbox"));

        // The failed transaction left no lock or half-state behind: the next one commits.
        var retry = await store.TransactAsync(new StateTransaction().Upsert("a", Json.Bytes("1"), null).Publish(Message("m-1")), Ct);
        Assert.True(retry.Committed);
        Assert.Equal(1, _dir.Count("scm", "SELECT count(*) FROM outbox"));
    }

    [Fact]
    public async Task each_committed_message_is_in_the_outbox_exactly_once()
    {
        using var store = _dir.OpenStore();
        var first = await store.TransactAsync(new StateTransaction().Upsert("order/1", Json.Bytes("{}"), null).Publish(Message("m-1")).Publish(Message("m-2")), Ct);
        await store.TransactAsync(new StateTransaction().Upsert("order/1", Json.Bytes("{}"), first.ETags["order/1"]).Publish(Message("m-3")), Ct);
        // A retried commit that repeats a message id does not publish it twice.
        await store.TransactAsync(new StateTransaction().Upsert("order/2", Json.Bytes("{}"), null).Publish(Message("m-3")), Ct);

        Assert.Equal(3, _dir.Count("scm", "SELECT count(*) FROM outbox"));
        Assert.Equal(3, _dir.Count("scm", "SELECT count(DISTINCT id) FROM outbox"));
        Assert.Equal(1, _dir.Count("scm", "SELECT count(*) FROM outbox WHERE id = 'm-3' AND is_cdc = 1"));
    }

    [Fact]
    public async Task delete_checks_the_etag_when_given_and_ignores_missing_keys_when_not()
    {
        using var store = _dir.OpenStore();
        var etag = (await store.TransactAsync(new StateTransaction().Upsert("k", Json.Bytes("1"), null), Ct)).ETags["k"];

        Assert.False((await store.TransactAsync(new StateTransaction().Delete("k", "stale"), Ct)).Committed);
        Assert.NotNull(await store.GetAsync("k", Ct));
        Assert.True((await store.TransactAsync(new StateTransaction().Delete("k", etag), Ct)).Committed);
        Assert.Null(await store.GetAsync("k", Ct));
        Assert.True((await store.TransactAsync(new StateTransaction().Delete("k", null), Ct)).Committed);
        Assert.False((await store.TransactAsync(new StateTransaction().Delete("k", etag), Ct)).Committed);
    }

    [Fact]
    public async Task an_entry_past_its_ttl_is_absent_and_can_be_created_again()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));
        using var store = _dir.OpenStore(time: clock);
        var etag = (await store.TransactAsync(new StateTransaction().Upsert("session/1", Json.Bytes("""{"org":"acme"}"""), null, TimeSpan.FromMinutes(5)), Ct)).ETags["session/1"];
        await store.TransactAsync(new StateTransaction().Upsert("session/2", Json.Bytes("""{"org":"acme"}"""), null), Ct);

        clock.Advance(TimeSpan.FromMinutes(4));
        Assert.NotNull(await store.GetAsync("session/1", Ct));

        clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Null(await store.GetAsync("session/1", Ct));
        Assert.Equal(["session/2"], (await store.GetBulkAsync(["session/1", "session/2"], Ct)).Select(e => e.Key));
        var page = await store.QueryAsync(new StateQuery([StateFilter.Eq("org", "acme")], [], 10), Ct);
        Assert.Equal(["session/2"], page.Items.Select(e => e.Key));
        Assert.False((await store.TransactAsync(new StateTransaction().Upsert("session/1", Json.Bytes("{}"), etag), Ct)).Committed);

        Assert.Equal(1, await store.SweepExpiredAsync(Ct));
        Assert.Equal(1, _dir.Count("scm", "SELECT count(*) FROM state"));
        Assert.True((await store.TransactAsync(new StateTransaction().Upsert("session/1", Json.Bytes("{}"), null), Ct)).Committed);
    }

    [Fact]
    public async Task a_create_replaces_an_expired_entry_not_yet_swept_and_a_change_needs_the_live_etag()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));
        using var store = _dir.OpenStore(time: clock);
        var first = (await store.TransactAsync(new StateTransaction().Upsert("hold/1", Json.Bytes("""{"n":1}"""), null, TimeSpan.FromMinutes(5)), Ct)).ETags["hold/1"];
        Assert.False((await store.TransactAsync(new StateTransaction().Upsert("hold/1", Json.Bytes("""{"n":2}"""), null), Ct)).Committed);
        Assert.False((await store.TransactAsync(new StateTransaction().Upsert("hold/1", Json.Bytes("""{"n":2}"""), "not-its-etag"), Ct)).Committed);

        var second = (await store.TransactAsync(new StateTransaction().Upsert("hold/1", Json.Bytes("""{"n":2}"""), first, TimeSpan.FromMinutes(5)), Ct)).ETags["hold/1"];
        Assert.NotEqual(first, second);
        Assert.Equal(second, (await store.GetAsync("hold/1", Ct))!.ETag);

        clock.Advance(TimeSpan.FromMinutes(6));
        Assert.False((await store.TransactAsync(new StateTransaction().Upsert("hold/1", Json.Bytes("""{"n":3}"""), second), Ct)).Committed);
        var third = await store.TransactAsync(new StateTransaction().Upsert("hold/1", Json.Bytes("""{"n":3}"""), null), Ct);
        Assert.True(third.Committed);
        var entry = await store.GetAsync("hold/1", Ct);
        Assert.Equal(third.ETags["hold/1"], entry!.ETag);
        Assert.Equal("""{"n":3}""", System.Text.Encoding.UTF8.GetString(entry.Value));
        clock.Advance(TimeSpan.FromDays(1));
        Assert.NotNull(await store.GetAsync("hold/1", Ct));
        Assert.Equal(0, await store.SweepExpiredAsync(Ct));
    }

    [Fact]
    public async Task get_bulk_returns_only_the_keys_that_exist()
    {
        using var store = _dir.OpenStore();
        var transaction = new StateTransaction();
        for (var i = 0; i < 700; i++)
        {
            transaction.Upsert($"k/{i}", Json.Bytes($$"""{"i":{{i}}}"""), null);
        }
        await store.TransactAsync(transaction, Ct);

        var keys = Enumerable.Range(0, 800).Select(i => $"k/{i}").ToList();
        var entries = await store.GetBulkAsync(keys, Ct);

        Assert.Equal(700, entries.Count);
        Assert.Equal(700, entries.Select(e => e.Key).Distinct().Count());
    }

    [Fact]
    public async Task state_and_etags_survive_closing_and_reopening_the_store()
    {
        string etag;
        using (var store = _dir.OpenStore())
        {
            etag = (await store.TransactAsync(new StateTransaction().Upsert("order/1", Json.Bytes("""{"revision":1}"""), null).Publish(Message("m-1")), Ct)).ETags["order/1"];
            await store.TransactAsync(new StateTransaction().Upsert("gone", Json.Bytes("1"), null), Ct);
            await store.TransactAsync(new StateTransaction().Delete("gone", null), Ct);
        }

        using (var reopened = _dir.OpenStore())
        {
            var entry = await reopened.GetAsync("order/1", Ct);
            Assert.NotNull(entry);
            Assert.Equal(etag, entry.ETag);
            Assert.Equal(1, _dir.Count("scm", "SELECT count(*) FROM outbox"));

            // ETags are never reused, not even for a key that was deleted and created again.
            var recreated = await reopened.TransactAsync(new StateTransaction().Upsert("gone", Json.Bytes("2"), null), Ct);
            Assert.True(long.Parse(recreated.ETags["gone"], System.Globalization.CultureInfo.InvariantCulture) > long.Parse(etag, System.Globalization.CultureInfo.InvariantCulture) + 1);
            Assert.True((await reopened.TransactAsync(new StateTransaction().Upsert("order/1", Json.Bytes("""{"revision":2}"""), etag), Ct)).Committed);
        }
    }

    [Fact]
    public async Task each_app_id_has_its_own_file()
    {
        using var scm = _dir.OpenStore("scm");
        using var ofm = _dir.OpenStore("ofm");
        await scm.TransactAsync(new StateTransaction().Upsert("k", Json.Bytes("1"), null), Ct);

        Assert.Null(await ofm.GetAsync("k", Ct));
        Assert.True(File.Exists(Path.Combine(_dir.Path, "state", "scm.db")));
        Assert.True(File.Exists(Path.Combine(_dir.Path, "state", "ofm.db")));
    }

    private sealed record UnknownOperation(string Key) : StateOperation(Key);

    [Fact]
    public async Task a_transaction_that_throws_is_rolled_back_alone_while_concurrent_ones_commit()
    {
        using var store = _dir.OpenStore();
        var failing = new StateTransaction().Upsert("broken", Json.Bytes("1"), null).Publish(Message("x-1"));
        failing.Operations.Add(new UnknownOperation("broken/2"));

        // Writes queued together share one SQLite transaction; each must still stand or fall on its own.
        var good = Enumerable.Range(0, 20).Select(i => Task.Run(() =>
            store.TransactAsync(new StateTransaction().Upsert($"good/{i}", Json.Bytes("1"), null).Publish(Message($"g-{i}")), Ct), Ct)).ToList();
        var thrown = Task.Run(() => store.TransactAsync(failing, Ct), Ct);

        await Assert.ThrowsAsync<NotSupportedException>(() => thrown);
        Assert.All(await Task.WhenAll(good), c => Assert.True(c.Committed));
        Assert.Null(await store.GetAsync("broken", Ct));
        Assert.Equal(20, (await store.GetBulkAsync([.. Enumerable.Range(0, 20).Select(i => $"good/{i}")], Ct)).Count);
        Assert.Equal(20, _dir.Count("scm", "SELECT count(*) FROM outbox"));
        Assert.Equal(0, _dir.Count("scm", "SELECT count(*) FROM outbox WHERE id = 'x-1'"));
    }
}
