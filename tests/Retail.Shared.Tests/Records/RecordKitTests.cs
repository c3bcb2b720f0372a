using System.Text.Json;
using Microsoft.Data.Sqlite;
using Retail.Shared.Json;
using Retail.Shared.MasterData;
using Retail.Shared.Records;
using Retail.Shared.State;

namespace Retail.Shared.Tests.Records;

public sealed class RecordBatchTests : IDisposable
{
    private readonly RecordKit _kit = new();

    [Fact]
    public async Task a_batch_commits_every_record_with_its_history_and_events_or_none_of_them()
    {
        var shelves = _kit.Store(Shelf.Type);
        var taken = (await shelves.CreateAsync("org1", Shelf.New("taken"))).Record!;

        var batch = new RecordBatch();
        var fresh = shelves.Create(batch, "org1", Shelf.New("fresh"));
        shelves.Create(batch, "org1", Shelf.New("taken"));
        var write = await batch.CommitAsync();

        Assert.Equal(RecordWriteOutcome.Duplicate, write.Outcome);
        Assert.Equal("shelf_code", write.DuplicateOf);
        Assert.Null(await shelves.GetAsync("org1", fresh.ShelfGuid));
        Assert.Null(await shelves.FindAsync("org1", "shelf_code", "fresh"));
        Assert.Single((await shelves.HistoryAsync("org1", taken.ShelfGuid)).Items);
    }

    [Fact]
    public async Task an_append_only_record_is_stored_with_its_index_and_events_but_no_history_or_change_event_and_never_changes()
    {
        var readings = _kit.Store(Reading.Type);
        var shelves = _kit.Store(Shelf.Type);
        var batch = new RecordBatch();
        var first = readings.Create(batch, "org1", new Reading { ReadingId = "r-1", Meter = "m-1", Value = 7 },
            [new DomainEvent("reading.taken", new { meter = "m-1" })]);
        readings.Create(batch, "org1", new Reading { ReadingId = "r-2", Meter = "m-2", Value = 8 });
        var beside = shelves.Create(batch, "org1", Shelf.New("beside"));
        Assert.True((await batch.CommitAsync()).Succeeded);

        Assert.Equal(7, (await readings.GetAsync("org1", "r-1"))!.Record.Value);
        Assert.Equal(["r-2"], (await readings.ListAsync("org1", [StateFilter.Eq("meter", "m-2")])).Items.Select(r => r.ReadingId));
        Assert.Empty((await readings.HistoryAsync("org1", "r-1")).Items);
        // The shelf beside it keeps its history (its creation, kept in its own row until it changes) and change event;
        // the readings add only their business event.
        Assert.Equal("created", Assert.Single((await shelves.HistoryAsync("org1", beside.ShelfGuid)).Items).Op);
        Assert.Equal(0, _kit.Count("SELECT count(*) FROM state WHERE key LIKE 'hist|%'"));
        Assert.Equal(1, _kit.Count("SELECT count(*) FROM outbox WHERE is_cdc = 1"));
        Assert.Equal(1, _kit.Count("SELECT count(*) FROM outbox WHERE type = 'reading.taken'"));

        // Written once: the same id again is refused, and a change is a programming error.
        var again = await readings.CreateAsync("org1", new Reading { ReadingId = "r-1", Meter = "m-1", Value = 9 });
        Assert.False(again.Succeeded);
        var loaded = (await readings.GetAsync("org1", "r-1"))!;
        Assert.Throws<InvalidOperationException>(() => readings.Update(new RecordBatch(), "org1", loaded, first with { Value = 10 }));
    }

    [Fact]
    public async Task a_derived_record_changes_under_its_revision_with_its_business_events_but_no_history_or_change_event()
    {
        var copies = _kit.Store(new RecordType<Shelf>("shelf_copy").Derived().IndexBy("aisle"));
        var created = await copies.CreateAsync("org1", Shelf.New("mirrored"), [new DomainEvent("shelf_copy.seen", new { code = "mirrored" })]);
        Assert.True(created.Succeeded);
        var loaded = (await copies.GetAsync("org1", created.Record!.ShelfGuid))!;
        Assert.True((await copies.UpdateAsync("org1", loaded, loaded.Record with { Aisle = "a2" })).Succeeded);
        // A second change from the same revision loses: derived records are still ETag-checked.
        Assert.Equal(RecordWriteOutcome.RevisionMismatch, (await copies.UpdateAsync("org1", loaded, loaded.Record with { Aisle = "a3" })).Outcome);

        var stored = (await copies.GetAsync("org1", loaded.Record.ShelfGuid))!.Record;
        Assert.Equal(("a2", 2L), (stored.Aisle, stored.Revision));
        Assert.Single((await copies.ListAsync("org1", [StateFilter.Eq("aisle", "a2")])).Items);
        Assert.Empty((await copies.HistoryAsync("org1", stored.ShelfGuid)).Items);
        Assert.Equal(0, _kit.Count("SELECT count(*) FROM outbox WHERE is_cdc = 1"));
        Assert.Equal(1, _kit.Count("SELECT count(*) FROM outbox WHERE type = 'shelf_copy.seen'"));
    }

    [Fact]
    public async Task a_stale_record_in_a_batch_stops_the_whole_batch_with_its_current_revision()
    {
        var shelves = _kit.Store(Shelf.Type);
        var shelf = (await shelves.CreateAsync("org1", Shelf.New("s1"))).Record!;
        var stale = (await shelves.GetAsync("org1", shelf.ShelfGuid))!;
        await shelves.UpdateAsync("org1", stale, stale.Record with { Aisle = "b2" });

        var batch = new RecordBatch();
        shelves.Create(batch, "org1", Shelf.New("s2"));
        shelves.Update(batch, "org1", stale, stale.Record with { Aisle = "c3" });
        var write = await batch.CommitAsync();

        Assert.Equal(RecordWriteOutcome.RevisionMismatch, write.Outcome);
        Assert.Equal(2, write.CurrentRevision);
        Assert.Null(await shelves.FindAsync("org1", "shelf_code", "s2"));
        Assert.Equal(StatusCodes(409, "revision_mismatch"), Describe(write.Problem()));
    }

    [Fact]
    public async Task a_unique_clash_is_a_duplicate_naming_the_field_never_a_revision_mismatch()
    {
        var shelves = _kit.Store(Shelf.Type);
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => shelves.CreateAsync("org1", Shelf.New("contested"))));
        Assert.Single(results, r => r.Succeeded);
        Assert.All(results.Where(r => !r.Succeeded), r => Assert.Equal(StatusCodes(409, "duplicate"), Describe(r.Problem())));
        Assert.All(results.Where(r => !r.Succeeded), r => Assert.Equal("shelf_code", r.DuplicateOf));
    }

    [Fact]
    public async Task load_for_change_by_a_unique_value_checks_the_revision_in_the_contracts_order()
    {
        var shelves = _kit.Store(Shelf.Type);
        await shelves.CreateAsync("org1", Shelf.New("s1"));
        Assert.Equal(StatusCodes(400, "expected_revision_required"), Describe((await shelves.LoadForChangeByAsync("org1", "shelf_code", "s1", null)).Problem!));
        Assert.Equal(StatusCodes(404, "not_found"), Describe((await shelves.LoadForChangeByAsync("org1", "shelf_code", "nope", 1)).Problem!));
        Assert.Equal(StatusCodes(404, "not_found"), Describe((await shelves.LoadForChangeByAsync("org2", "shelf_code", "s1", 1)).Problem!));
        Assert.Equal(StatusCodes(409, "revision_mismatch"), Describe((await shelves.LoadForChangeByAsync("org1", "shelf_code", "s1", 7)).Problem!));
        Assert.NotNull((await shelves.LoadForChangeByAsync("org1", "shelf_code", "s1", 1)).Loaded);
    }

    private static (int, string?) StatusCodes(int status, string code) => (status, code);

    private static (int, string?) Describe(Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult problem) =>
        (problem.StatusCode, problem.ProblemDetails.Extensions.TryGetValue("code", out var code) ? code?.ToString() : null);

    public void Dispose() => _kit.Dispose();
}

public sealed class RecordIndexTests : IDisposable
{
    private readonly RecordKit _kit = new();

    [Fact]
    public async Task lists_by_value_set_follow_the_values_as_they_change()
    {
        var shelves = _kit.Store(Shelf.Type);
        var a = (await shelves.CreateAsync("org1", Shelf.New("a", tags: ["front", "sale"]))).Record!;
        await shelves.CreateAsync("org1", Shelf.New("b", tags: ["front"]));
        await shelves.CreateAsync("org2", Shelf.New("c", tags: ["front"]));

        Assert.Equal(2, (await shelves.ListByValueAsync("org1", "tag", "front")).Items.Count);
        var loaded = (await shelves.GetAsync("org1", a.ShelfGuid))!;
        await shelves.UpdateAsync("org1", loaded, loaded.Record with { Tags = ["sale"] });
        Assert.Single((await shelves.ListByValueAsync("org1", "tag", "front")).Items);
        Assert.Equal("a", Assert.Single((await shelves.ListByValueAsync("org1", "tag", "sale")).Items).ShelfCode);

        var doomed = (await shelves.GetAsync("org1", a.ShelfGuid))!;
        await shelves.DoomAsync("org1", doomed);
        Assert.Empty((await shelves.ListByValueAsync("org1", "tag", "sale")).Items);
        Assert.Single((await shelves.ListByValueAsync("org1", "tag", "sale", includeDoomed: true)).Items);
    }

    [Fact]
    public async Task a_value_list_pages_its_own_value_in_key_order_from_the_key_range_without_an_index()
    {
        var shelves = _kit.Store(Shelf.Type);
        var front = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            // Values that begin like "front" and another org's "front" sit right beside its range.
            front.Add((await shelves.CreateAsync("org1", Shelf.New($"f{i}", tags: ["front", "sale"]))).Record!.ShelfGuid);
            await shelves.CreateAsync("org1", Shelf.New($"g{i}", tags: ["front|2", "frontier"]));
            await shelves.CreateAsync("org10", Shelf.New($"h{i}", tags: ["front"]));
        }

        var listed = new List<string>();
        string? token = null;
        do
        {
            var page = await shelves.ListByValueAsync("org1", "tag", "front", limit: 5, token: token);
            Assert.True(page.Items.Count <= 5);
            listed.AddRange(page.Items.Select(s => s.ShelfGuid));
            token = page.NextToken;
        }
        while (token is not null);
        Assert.Equal(front.Order(StringComparer.Ordinal), listed);
        Assert.Equal(12, (await shelves.ListByValueAsync("org1", "tag", "front|2", limit: 100)).Items.Count);
        Assert.Equal(0, _kit.Count("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'ix_shelf_by_tag'"));
    }

    [Fact]
    public async Task computed_values_are_filtered_across_orgs_by_range()
    {
        var shelves = _kit.Store(Shelf.Type);
        var now = DateTimeOffset.UtcNow;
        await shelves.CreateAsync("org1", Shelf.New("due") with { DueAt = now.AddMinutes(-5) });
        await shelves.CreateAsync("org2", Shelf.New("due-too") with { DueAt = now.AddMinutes(-1) });
        await shelves.CreateAsync("org1", Shelf.New("later") with { DueAt = now.AddHours(1) });
        await shelves.CreateAsync("org1", Shelf.New("never"));

        var due = await shelves.ListAcrossOrgsAsync([StateFilter.Below("due_ms", now.ToUnixTimeMilliseconds(), inclusive: true)]);
        Assert.Equal(["due", "due-too"], due.Items.Select(i => i.Record.ShelfCode).Order());
        Assert.Equal(["org1", "org2"], due.Items.Select(i => i.Orgcode).Order());
    }

    [Fact]
    public async Task a_count_is_the_org_s_live_records_that_match_as_a_list_would_show_them()
    {
        var shelves = _kit.Store(Shelf.Type);
        await _kit.State.EnsureIndexesAsync([.. RecordStore<Shelf>.BuiltInIndexes, .. Shelf.Type.StateIndexes()]);
        for (var i = 0; i < 30; i++)
        {
            await shelves.CreateAsync(i < 25 ? "org1" : "org2", Shelf.New($"s{i}", aisle: $"a{i % 3}"));
        }
        var doomed = (await shelves.FindAsync("org1", "shelf_code", "s0"))!;
        await shelves.DoomAsync("org1", doomed);

        Assert.Equal(24, await shelves.CountAsync("org1"));
        Assert.Equal(25, await shelves.CountAsync("org1", includeDoomed: true));
        Assert.Equal(5, await shelves.CountAsync("org2"));
        var aisle = (await shelves.ListAsync("org1", [StateFilter.Eq("aisle", "a0")], limit: 100)).Items.Count;
        Assert.Equal(aisle, await shelves.CountAsync("org1", [StateFilter.Eq("aisle", "a0")]));
        Assert.Equal(8, aisle);
    }

    [Fact]
    public async Task a_batch_of_snapshots_keeps_each_records_newest_one_in_the_order_given_with_one_write_a_record()
    {
        // A projection of another service's shelves: the aisle "a{n}" carries the source's revision n.
        var copies = _kit.Store(new RecordType<Shelf>("shelf_snapshot").Derived());
        static int SourceRevision(Shelf shelf) => int.Parse(shelf.Aisle[1..], System.Globalization.CultureInfo.InvariantCulture);
        NewestSnapshot<Shelf> Snapshot(string org, string key, int revision) => new(org, key, current => SourceRevision(current) >= revision,
            current => (current ?? Shelf.New(key) with { ShelfGuid = key }) with { Aisle = $"a{revision}" });
        await copies.KeepNewestAsync("org1", "s1", current => SourceRevision(current) >= 1,
            current => (current ?? Shelf.New("s1") with { ShelfGuid = "s1" }) with { Aisle = "a1" });

        await copies.KeepNewestAsync([
            Snapshot("org1", "s1", 3), Snapshot("org1", "s1", 2), Snapshot("org1", "s2", 1), Snapshot("org2", "s1", 5), Snapshot("org1", "s1", 4)]);

        var s1 = (await copies.GetAsync("org1", "s1"))!.Record;
        Assert.Equal(("a4", 2L), (s1.Aisle, s1.Revision));
        Assert.Equal(("a1", 1L), ((await copies.GetAsync("org1", "s2"))!.Record.Aisle, (await copies.GetAsync("org1", "s2"))!.Record.Revision));
        Assert.Equal("a5", (await copies.GetAsync("org2", "s1"))!.Record.Aisle);

        // Nothing newer: nothing written.
        await copies.KeepNewestAsync([Snapshot("org1", "s1", 4), Snapshot("org1", "s2", 1), Snapshot("org1", "s1", 2)]);
        Assert.Equal(2L, (await copies.GetAsync("org1", "s1"))!.Record.Revision);
        Assert.Equal(1L, (await copies.GetAsync("org1", "s2"))!.Record.Revision);
    }

    [Fact]
    public async Task a_cached_record_is_decoded_once_for_every_reader_and_a_change_is_read_as_itself()
    {
        var shelves = _kit.Store(Shelf.Type);
        var created = (await shelves.CreateAsync("org1", Shelf.New("s-1") with { Tags = ["x"] })).Record!;

        // The read cache answers the same entry, so every read after the first shares one decoded record.
        var first = (await shelves.GetAsync("org1", created.ShelfGuid))!;
        var second = (await shelves.GetAsync("org1", created.ShelfGuid))!;
        Assert.Same(first.Record, second.Record);
        Assert.Same(first.Record, Assert.Single(await shelves.GetManyAsync("org1", [created.ShelfGuid])));
        Assert.Same(first.Record, (await shelves.LoadManyAsync("org1", [created.ShelfGuid]))[created.ShelfGuid].Record);

        // A change is a new entry: read as itself, never as the record decoded before it.
        Assert.True((await shelves.UpdateAsync("org1", first, first.Record with { Aisle = "a9" })).Succeeded);
        var changed = (await shelves.GetAsync("org1", created.ShelfGuid))!;
        Assert.NotSame(first.Record, changed.Record);
        Assert.Equal(("a9", 2L), (changed.Record.Aisle, changed.Record.Revision));
        Assert.Equal(("a1", 1L), (first.Record.Aisle, first.Record.Revision));

        // Asked twice in one read, a key answers twice, in the order asked, as one record.
        var many = await shelves.GetManyAsync("org1", [created.ShelfGuid, "missing", created.ShelfGuid]);
        Assert.Equal(2, many.Count);
        Assert.Same(many[0], many[1]);
    }

    [Fact]
    public void a_copied_state_entry_is_equal_by_its_key_value_and_etag_and_carries_nothing_decoded_from_other_bytes()
    {
        var entry = new StateEntry("k", [1, 2], "e1") { Decoded = "decoded from [1, 2]" };

        Assert.Equal(new StateEntry("k", entry.Value, "e1"), entry);
        Assert.Equal(new StateEntry("k", entry.Value, "e1").GetHashCode(), entry.GetHashCode());
        Assert.NotEqual(new StateEntry("k", entry.Value, "e2"), entry);
        var copy = entry with { Value = [3] };
        Assert.Null(copy.Decoded);
        Assert.Equal([3], copy.Value);
    }

    [Fact]
    public async Task a_unique_value_costs_the_types_indexes_no_entry_and_one_written_before_still_finds_its_record()
    {
        var shelves = _kit.Store(Shelf.Type);
        var created = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            created.Add((await shelves.CreateAsync("org1", Shelf.New($"u{i}") with { Aisle = "a9" })).Record!.ShelfGuid);
        }
        var renamed = (await shelves.GetAsync("org1", created[0]))!;
        await shelves.UpdateAsync("org1", renamed, renamed.Record with { ShelfCode = "u-renamed" });

        // Five records and six unique entries (one left with the rename's new code): only the records are of the entity
        // every index of the type selects by, so the aisle index holds five entries.
        Assert.Equal(5, _kit.Count("SELECT count(*) FROM state WHERE key LIKE 'uniq|shelf|org1|%'"));
        Assert.Equal(5, _kit.Count("SELECT count(*) FROM state WHERE entity = 'shelf'"));
        Assert.Equal(5, _kit.Count("SELECT count(*) FROM state INDEXED BY ix_shelf_aisle WHERE entity = 'shelf'"));
        Assert.Equal(created[0], (await shelves.FindAsync("org1", "shelf_code", "u-renamed"))!.Record.ShelfGuid);
        Assert.Null(await shelves.FindAsync("org1", "shelf_code", "u0"));

        // An entry written before names its owner's entity as "entity": it still finds the record, and still holds the value.
        using (var old = new SqliteConnection($"Data Source={Path.Combine(_kit.DataDir, "state", "kit.db")};Pooling=False"))
        {
            old.Open();
            using var rewrite = old.CreateCommand();
            rewrite.CommandText = """
                UPDATE state SET value = json_object('entity', 'shelf', 'record_key', json_extract(value, '$.record_key'))
                WHERE key = 'uniq|shelf|org1|shelf_code|u1'
                """;
            Assert.Equal(1, rewrite.ExecuteNonQuery());
        }
        Assert.Equal(created[1], (await shelves.FindAsync("org1", "shelf_code", "u1"))!.Record.ShelfGuid);
        Assert.Equal(created[1], Assert.Single(await shelves.FindManyAsync("org1", "shelf_code", ["u1"])).Value.Record.ShelfGuid);
        Assert.False((await shelves.CreateAsync("org1", Shelf.New("u1"))).Succeeded);
    }

    [Fact]
    public async Task lists_without_a_declared_index_read_the_key_range_of_the_org_in_key_order_and_no_records_index_is_kept()
    {
        // A file from before: the records index every write of every row paid for.
        using (var old = new SqliteConnection($"Data Source={Path.Combine(_kit.DataDir, "state", "kit.db")};Pooling=False"))
        {
            old.Open();
            using var create = old.CreateCommand();
            create.CommandText = "DROP INDEX IF EXISTS ix_records; CREATE INDEX ix_records ON state (entity, orgcode, record_key, key)";
            create.ExecuteNonQuery();
        }
        await _kit.State.EnsureIndexesAsync([.. RecordStore<Shelf>.BuiltInIndexes, .. Shelf.Type.StateIndexes()]);
        Assert.Equal(0, _kit.Count("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'ix_records'"));

        // Orgs whose codes begin alike, records of another entity whose name begins alike, and history between them.
        var shelves = _kit.Store(Shelf.Type);
        var lookalike = _kit.Store(new RecordType<Shelf>("shelf_x", s => [new UniqueValue("shelf_code", s.ShelfCode)]));
        var created = new List<string>();
        for (var i = 0; i < 23; i++)
        {
            created.Add((await shelves.CreateAsync("org1", Shelf.New($"s{i}"))).Record!.ShelfGuid);
            await shelves.CreateAsync(i % 2 == 0 ? "org10" : "org", Shelf.New($"t{i}"));
            await lookalike.CreateAsync("org1", Shelf.New($"x{i}"));
        }
        var first = (await shelves.GetAsync("org1", created[0]))!;
        await shelves.UpdateAsync("org1", first, first.Record with { Aisle = "moved" });
        await shelves.DoomAsync("org1", (await shelves.GetAsync("org1", created[1]))!);

        var ascending = await PagesAsync(null);
        var descending = await PagesAsync([new StateSort("key", Descending: true)]);
        var live = created.Where(g => g != created[1]).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(live, ascending);
        Assert.Equal(Enumerable.Reverse(live), descending);
        Assert.Equal(22, await shelves.CountAsync("org1"));
        Assert.Equal(23, await shelves.CountAsync("org1", includeDoomed: true));
        Assert.Equal(12, await shelves.CountAsync("org10"));
        Assert.Equal([created[0]], (await shelves.ListAsync("org1", limit: 100)).Items.Where(s => s.Aisle == "moved").Select(s => s.ShelfGuid));
        Assert.Equal(2, (await shelves.HistoryAsync("org1", created[0])).Items.Count);

        // Across orgs: every org's shelves once (the sweepers' lists), none of the look-alike entity.
        var everywhere = new List<string>();
        string? across = null;
        do
        {
            var page = await shelves.ListAcrossOrgsAsync([], limit: 7, token: across);
            everywhere.AddRange(page.Items.Select(i => i.Orgcode + "/" + i.Record.ShelfCode));
            across = page.NextToken;
        }
        while (across is not null);
        Assert.Equal(45, everywhere.Count);
        Assert.Equal(45, everywhere.Distinct().Count());

        async Task<List<string>> PagesAsync(IReadOnlyList<StateSort>? sort)
        {
            var keys = new List<string>();
            string? token = null;
            do
            {
                var page = await shelves.ListAsync("org1", limit: 5, token: token, sort: sort);
                Assert.True(page.Items.Count <= 5);
                keys.AddRange(page.Items.Select(s => s.ShelfGuid));
                token = page.NextToken;
            }
            while (token is not null);
            return keys;
        }
    }

    [Fact]
    public async Task a_list_whose_declared_index_is_not_built_yet_still_answers()
    {
        var unbuilt = new RecordType<Shelf>("shelf_unbuilt", s => [new UniqueValue("shelf_code", s.ShelfCode)]).IndexBy("aisle");
        var shelves = _kit.Store(unbuilt);
        await shelves.CreateAsync("org1", Shelf.New("s1", aisle: "a9"));
        Assert.Single((await shelves.ListAsync("org1", [StateFilter.Eq("aisle", "a9")])).Items);
    }

    [Fact]
    public async Task a_history_pages_in_revision_order_through_the_records_index_and_a_file_loses_its_old_history_index()
    {
        // A file from before: its own index over every entry's revision, which each write fed.
        using (var old = new SqliteConnection($"Data Source={Path.Combine(_kit.DataDir, "state", "kit.db")};Pooling=False"))
        {
            old.Open();
            using var create = old.CreateCommand();
            create.CommandText = """CREATE INDEX ix_history ON state (entity, orgcode, record_key, json_extract(value, '$."data"."revision"'), record_key, key)""";
            create.ExecuteNonQuery();
        }
        await _kit.State.EnsureIndexesAsync([.. RecordStore<Shelf>.BuiltInIndexes, .. Shelf.Type.StateIndexes()]);
        Assert.Equal(0, _kit.Count("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'ix_history'"));

        var shelves = _kit.Store(Shelf.Type);
        var shelf = (await shelves.CreateAsync("org1", Shelf.New("long"))).Record!;
        await shelves.CreateAsync("org1", Shelf.New("other"));
        for (var revision = 1; revision < 12; revision++)
        {
            var current = (await shelves.GetAsync("org1", shelf.ShelfGuid))!;
            Assert.True((await shelves.UpdateAsync("org1", current, current.Record with { Aisle = $"a{revision}" })).Succeeded);
        }

        var revisions = new List<long>();
        string? token = null;
        do
        {
            var page = await shelves.HistoryAsync("org1", shelf.ShelfGuid, limit: 5, token: token);
            Assert.True(page.Items.Count <= 5);
            revisions.AddRange(page.Items.Select(h => h.Revision));
            token = page.NextToken;
        }
        while (token is not null);
        // By number, not by text: revision 10 follows 9.
        Assert.Equal(Enumerable.Range(1, 12).Select(r => (long)r), revisions);
    }

    [Theory]
    [InlineData("""SELECT key FROM state WHERE entity = 'shelf' AND orgcode = 'org1' AND json_extract(value, '$."data"."aisle"') = 'a1' ORDER BY key""", "ix_shelf_aisle")]
    // Lists without a declared index read their key range (StateQuery.KeyPrefix), as the runner writes them.
    [InlineData("""SELECT key FROM state INDEXED BY sqlite_autoindex_state_1 WHERE key >= 'rec|shelf|org1|' AND key < 'rec|shelf|org1}' AND entity = 'shelf' AND orgcode = 'org1' ORDER BY key""", "sqlite_autoindex_state_1")]
    [InlineData("""SELECT key FROM state INDEXED BY sqlite_autoindex_state_1 WHERE key >= 'hist|shelf|org1|s1|' AND key < 'hist|shelf|org1|s1}' AND entity = 'shelf.history' AND orgcode = 'org1' AND record_key = 's1' ORDER BY json_extract(value, '$."data"."revision"'), key""", "sqlite_autoindex_state_1")]
    [InlineData("""SELECT key FROM state WHERE entity = 'shelf' AND json_extract(value, '$."ix"."due_ms"') <= 5 ORDER BY json_extract(value, '$."ix"."due_ms"'), key""", "ix_shelf_all_due_ms")]
    public async Task the_embedded_store_answers_declared_lists_from_an_index_not_a_scan(string sql, string index)
    {
        var shelves = _kit.Store(Shelf.Type);
        for (var i = 0; i < 200; i++)
        {
            await shelves.CreateAsync($"org{i % 20}", Shelf.New($"s{i}", aisle: $"a{i % 7}") with { DueAt = i % 50 == 0 ? DateTimeOffset.UnixEpoch : null });
        }
        // As the host does at start-up: the indexes, and the statistics the planner chooses by.
        await _kit.State.EnsureIndexesAsync([.. RecordStore<Shelf>.BuiltInIndexes, .. Shelf.Type.StateIndexes()]);
        var plan = _kit.Plan(sql);
        Assert.Contains(plan, step => step.StartsWith("SEARCH state USING", StringComparison.Ordinal) && step.Contains($"INDEX {index} ", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, step => step.StartsWith("SCAN state", StringComparison.Ordinal));
    }

    public void Dispose() => _kit.Dispose();
}

public sealed class PageTokenTests : IDisposable
{
    private readonly RecordKit _kit = new();

    [Fact]
    public async Task a_token_pages_its_own_list_and_reveals_no_storage_key()
    {
        var shelves = _kit.Store(Shelf.Type);
        for (var i = 0; i < 5; i++)
        {
            await shelves.CreateAsync("org1", Shelf.New($"s{i}"));
        }
        var seen = new List<string>();
        string? token = null;
        do
        {
            var page = await shelves.ListAsync("org1", limit: 2, token: token);
            seen.AddRange(page.Items.Select(s => s.ShelfCode));
            token = page.NextToken;
            Assert.True(token is null || !token.Contains("rec|", StringComparison.Ordinal));
        }
        while (token is not null);
        // Every record once, none twice, in key order.
        Assert.Equal(["s0", "s1", "s2", "s3", "s4"], seen.Order());
    }

    [Fact]
    public async Task a_token_of_another_org_list_filter_or_deployment_or_altered_is_refused()
    {
        var shelves = _kit.Store(Shelf.Type);
        for (var i = 0; i < 3; i++)
        {
            await shelves.CreateAsync("org1", Shelf.New($"s{i}"));
        }
        var token = (await shelves.ListAsync("org1", limit: 1)).NextToken!;

        await Assert.ThrowsAsync<InvalidPageTokenException>(() => shelves.ListAsync("org2", limit: 1, token: token));
        await Assert.ThrowsAsync<InvalidPageTokenException>(() => shelves.ListAsync("org1", [StateFilter.Eq("aisle", "a1")], limit: 1, token: token));
        await Assert.ThrowsAsync<InvalidPageTokenException>(() => shelves.ListByValueAsync("org1", "tag", "x", 1, token));
        await Assert.ThrowsAsync<InvalidPageTokenException>(() => _kit.Store(Shelf.Type, RecordKit.TokensWith("another-deployment")).ListAsync("org1", limit: 1, token: token));
        var altered = (token[0] == 'A' ? "B" : "A") + token[1..];
        await Assert.ThrowsAsync<InvalidPageTokenException>(() => shelves.ListAsync("org1", limit: 1, token: altered));
        await Assert.ThrowsAsync<InvalidPageTokenException>(() => shelves.ListAsync("org1", limit: 1, token: "not base64 !"));
        Assert.Single((await shelves.ListAsync("org1", limit: 1, token: token)).Items);
    }

    public void Dispose() => _kit.Dispose();
}

public sealed class MasterFieldNameTests
{
    [Fact]
    public void a_generic_master_request_goes_by_the_records_own_field_names()
    {
        var json = JsonSerializer.Serialize(new StatusChange<Shelf, MasterStatus>("g-1", "front", MasterStatus.Inactive, null, 3), RetailJson.Api);
        Assert.Contains("\"shelf_guid\":\"g-1\"", json, StringComparison.Ordinal);
        Assert.Contains("\"shelf_code\":\"front\"", json, StringComparison.Ordinal);
        var read = JsonSerializer.Deserialize<MasterKey<Shelf>>("""{"shelf_code":"front"}""", RetailJson.Api)!;
        Assert.Equal("front", read.Code);
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<MasterKey<Shelf>>("""{"code":"front"}""", RetailJson.Api));
    }

    [Fact]
    public void the_standard_validators_speak_of_the_records_own_field_names()
    {
        var result = new MasterKeyValidator<Shelf>().Validate(new MasterKey<Shelf>(null, "Not A Code!"));
        Assert.Contains(result.Errors, e => e.PropertyName == "shelf_code");
        Assert.Contains(new MasterKeyValidator<Shelf>().Validate(new MasterKey<Shelf>(null, null)).Errors, e => e.PropertyName == "shelf_guid");
    }
}
