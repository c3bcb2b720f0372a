using System.Text.Json;
using System.Text.Json.Nodes;
using Retail.Shared.Contract;
using Retail.Shared.Json;
using Retail.Shared.Records;
using Retail.Shared.State;

namespace Retail.Shared.Tests.Records;

/// <summary>
/// A record's creation is kept in the record's own row until its first change, which writes it out as a history row:
/// the history answered is the same whether the entry is in the record or in its own row.
/// </summary>
public sealed class RecordHistoryTests : IDisposable
{
    private readonly RecordKit _kit = new();

    public void Dispose() => _kit.Dispose();

    private RecordStore<Shelf> Shelves(string principal) =>
        new(_kit.State, Shelf.Type, TimeProvider.System,
            new RequestContext { Principal = new Principal(principal, PrincipalKind.User, null, Role.Admin) }, _kit.Tokens);

    private long HistoryRows => _kit.Count("SELECT count(*) FROM state WHERE key LIKE 'hist|%'");

    private long NotedRows => _kit.Count("SELECT count(*) FROM state WHERE key LIKE 'rec|%' AND json_extract(value, '$.created') IS NOT NULL");

    [Fact]
    public async Task a_created_record_answers_its_creation_from_its_own_row_and_its_first_change_writes_that_entry_out()
    {
        var created = (await Shelves("u-maker").CreateAsync("org1", Shelf.New("s1"))).Record!;
        Assert.Equal((0L, 1L), (HistoryRows, NotedRows));

        var first = Assert.Single((await Shelves("u-reader").HistoryAsync("org1", created.ShelfGuid)).Items);
        Assert.Equal(("shelf", created.ShelfGuid, 1L, "created", "u-maker"), (first.Entity, first.Key, first.Revision, first.Op, first.PrincipalId));
        Assert.Equal(created.CreatedAt, first.At);
        Assert.Empty(first.Changed);
        Assert.Equal("s1", first.Record.GetProperty("shelf_code").GetString());
        var before = JsonSerializer.Serialize(first, RetailJson.Storage);

        // Changed by someone else: the creation's entry (still by its maker) and the change's own are written together.
        var editor = Shelves("u-editor");
        var loaded = (await editor.GetAsync("org1", created.ShelfGuid))!;
        Assert.True((await editor.UpdateAsync("org1", loaded, loaded.Record with { Aisle = "a2" })).Succeeded);
        Assert.Equal((2L, 0L), (HistoryRows, NotedRows));
        var history = (await editor.HistoryAsync("org1", created.ShelfGuid)).Items;
        Assert.Equal([1L, 2L], history.Select(h => h.Revision));
        Assert.Equal(before, JsonSerializer.Serialize(history[0], RetailJson.Storage));
        Assert.Equal(("updated", "u-editor", "aisle"), (history[1].Op, history[1].PrincipalId, Assert.Single(history[1].Changed)));

        // Later changes add their own entry only.
        loaded = (await editor.GetAsync("org1", created.ShelfGuid))!;
        Assert.True((await editor.DoomAsync("org1", loaded)).Succeeded);
        Assert.Equal(3L, HistoryRows);
        Assert.Equal(["created", "updated", "doomed"], (await editor.HistoryAsync("org1", created.ShelfGuid)).Items.Select(h => h.Op));
    }

    [Fact]
    public async Task a_type_whose_ledger_is_its_history_writes_no_history_rows_and_still_publishes_every_change()
    {
        var counts = new RecordStore<BinCount>(_kit.State, BinCount.Type, TimeProvider.System,
            new RequestContext { Principal = new Principal("u-counter", PrincipalKind.User, null, Role.Admin) }, _kit.Tokens);
        Assert.True((await counts.CreateAsync("org1", new BinCount { BinCode = "b1", Quantity = 5 })).Succeeded);
        foreach (var quantity in new long[] { 4, 3 })
        {
            var loaded = (await counts.GetAsync("org1", "b1"))!;
            Assert.True((await counts.UpdateAsync("org1", loaded, loaded.Record with { Quantity = quantity })).Succeeded);
        }

        Assert.Equal((0L, 0L), (HistoryRows, NotedRows));
        Assert.Empty((await counts.HistoryAsync("org1", "b1")).Items);
        var current = (await counts.GetAsync("org1", "b1"))!.Record;
        Assert.Equal((3L, 3L), (current.Revision, current.Quantity));
        // CDC still carries every change (the ledger's own entries are another type's).
        Assert.Equal((1L, 2L), (_kit.Count("SELECT count(*) FROM outbox WHERE topic = 'cdc' AND type = 'kit.bin_count.created'"),
            _kit.Count("SELECT count(*) FROM outbox WHERE topic = 'cdc' AND type = 'kit.bin_count.updated'")));
    }

    [Fact]
    public async Task a_record_changed_from_the_copy_its_create_committed_still_gets_its_creation_entry()
    {
        var shelves = Shelves("u-batch");
        var batch = new RecordBatch();
        var created = shelves.Create(batch, "org1", Shelf.New("s2"));
        Assert.True((await batch.CommitAsync()).Succeeded);
        var committed = shelves.AsCommitted(batch, "org1", created)!;

        var next = new RecordBatch();
        shelves.Update(next, "org1", committed, committed.Record with { Aisle = "a9" });
        Assert.True((await next.CommitAsync()).Succeeded);

        var history = (await shelves.HistoryAsync("org1", created.ShelfGuid)).Items;
        Assert.Equal([("created", "u-batch"), ("updated", "u-batch")], history.Select(h => (h.Op, h.PrincipalId)));
        Assert.Equal(2L, HistoryRows);
    }

    [Fact]
    public async Task a_record_stored_with_its_creation_in_a_history_row_keeps_that_entry_through_its_first_change()
    {
        // As a record created before the change was stored: no note in its row, its creation in a row of its own.
        var shelves = Shelves("u-new");
        var created = (await shelves.CreateAsync("org1", Shelf.New("s3"))).Record!;
        var recordKey = RecordKeys.Record("shelf", "org1", created.ShelfGuid);
        var row = (await _kit.State.GetAsync(recordKey))!;
        var old = JsonNode.Parse(row.Value)!.AsObject();
        old.Remove("created");
        var entry = new HistoryEntry("shelf", created.ShelfGuid, 1, "created", created.CreatedAt, "u-old", [],
            JsonSerializer.SerializeToElement(created, RetailJson.Storage));
        var tx = new StateTransaction();
        tx.Upsert(recordKey, JsonSerializer.SerializeToUtf8Bytes(old), row.ETag);
        tx.Upsert(RecordKeys.History("shelf", "org1", created.ShelfGuid, 1), JsonSerializer.SerializeToUtf8Bytes(new JsonObject
        {
            ["entity"] = "shelf.history",
            ["orgcode"] = "org1",
            ["key"] = created.ShelfGuid,
            ["doomed"] = false,
            ["data"] = JsonSerializer.SerializeToNode(entry, RetailJson.Storage),
        }), etag: null);
        await _kit.State.TransactAsync(tx);
        Assert.Equal((1L, 0L), (HistoryRows, NotedRows));
        Assert.Equal("u-old", Assert.Single((await shelves.HistoryAsync("org1", created.ShelfGuid)).Items).PrincipalId);

        var loaded = (await shelves.GetAsync("org1", created.ShelfGuid))!;
        Assert.True((await shelves.UpdateAsync("org1", loaded, loaded.Record with { Aisle = "a4" })).Succeeded);
        var history = (await shelves.HistoryAsync("org1", created.ShelfGuid)).Items;
        Assert.Equal([("created", "u-old"), ("updated", "u-new")], history.Select(h => (h.Op, h.PrincipalId)));
    }
}
