using System.Text.Json.Serialization;
using Microsoft.Extensions.Configuration;
using Retail.Shared.Contract;
using Retail.Shared.Embedded;
using Retail.Shared.MasterData;
using Retail.Shared.Records;
using Retail.Shared.State;
using Record = Retail.Shared.Records.Record;

namespace Retail.Shared.Tests.Records;

/// <summary>A coded master record for the kit's tests: a shelf, with a code, a aisle to filter by, and tags.</summary>
public sealed record Shelf : Record, IMasterRecord<Shelf>
{
    public required string ShelfGuid { get; init; }

    public required string ShelfCode { get; init; }

    public string Aisle { get; init; } = "a1";

    public IReadOnlyList<string> Tags { get; init; } = [];

    public DateTimeOffset? DueAt { get; init; }

    public MasterStatus Status { get; init; } = MasterStatus.Active;

    [JsonIgnore]
    public override string Key => ShelfGuid;

    public static RecordType<Shelf> Type { get; } = new RecordType<Shelf>("shelf", s => [new UniqueValue("shelf_code", s.ShelfCode)])
        .IndexBy("aisle")
        .IndexValues("tag", s => s.Tags)
        .Computed("due_ms", s => s.DueAt?.ToUnixTimeMilliseconds())
        .IndexAcrossOrgs("due_ms");

    public static string KeyName => "shelf_guid";

    public static string CodeName => "shelf_code";

    public Shelf WithStatus(MasterStatus status, string? reason) => this with { Status = status };

    public static Shelf New(string code, string aisle = "a1", params string[] tags) =>
        new() { ShelfGuid = Guid.CreateVersion7().ToString(), ShelfCode = code, Aisle = aisle, Tags = tags };
}

/// <summary>A reading of a meter: written once, never changed (an append-only type).</summary>
public sealed record Reading : Record
{
    public required string ReadingId { get; init; }

    public required string Meter { get; init; }

    public long Value { get; init; }

    [JsonIgnore]
    public override string Key => ReadingId;

    public static RecordType<Reading> Type { get; } = new RecordType<Reading>("reading").AppendOnly().IndexBy("meter");
}

/// <summary>A bin's count, each change of it an entry of a ledger kept beside it (a type whose history is its ledger).</summary>
public sealed record BinCount : Record
{
    public required string BinCode { get; init; }

    public long Quantity { get; init; }

    [JsonIgnore]
    public override string Key => BinCode;

    public static RecordType<BinCount> Type { get; } = new RecordType<BinCount>("bin_count").HistoryInLedger().IndexBy("quantity");
}

/// <summary>A store of records over a real embedded state store in a temporary folder.</summary>
public sealed class RecordKit : IDisposable
{
    private readonly Embedded.TempDataDir _dir = new();

    public RecordKit(string key = "page-token-test-key")
    {
        State = _dir.OpenStore("kit");
        Tokens = TokensWith(key);
        State.EnsureIndexesAsync([.. RecordStore<Shelf>.BuiltInIndexes, .. Shelf.Type.StateIndexes(), .. Reading.Type.StateIndexes(), .. BinCount.Type.StateIndexes()]).GetAwaiter().GetResult();
    }

    public SqliteStateStore State { get; }

    public PageTokens Tokens { get; }

    public string DataDir => _dir.Path;

    /// <summary>A count over the kit's state file (its <c>state</c> and <c>outbox</c> tables).</summary>
    public long Count(string sql) => _dir.Count("kit", sql);

    /// <summary>SQLite's plan of a query over the kit's state file, one line a step (<c>SEARCH state USING INDEX …</c>).</summary>
    public List<string> Plan(string sql)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={System.IO.Path.Combine(DataDir, "state", "kit.db")};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + sql;
        using var reader = command.ExecuteReader();
        var plan = new List<string>();
        while (reader.Read())
        {
            plan.Add(reader.GetString(3));
        }
        return plan;
    }

    public RecordStore<T> Store<T>(RecordType<T> type, PageTokens? tokens = null) where T : Record =>
        new(State, type, TimeProvider.System, new RequestContext(), tokens ?? Tokens);

    public static PageTokens TokensWith(string key) =>
        new(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Retail:PageTokenKey"] = key }).Build(), new NoOperatorKey());

    public void Dispose()
    {
        State.Dispose();
        _dir.Dispose();
    }

    private sealed class NoOperatorKey : IOperatorKeyProvider
    {
        public ValueTask<string?> GetOperatorKeyAsync(CancellationToken cancellationToken) => ValueTask.FromResult<string?>(null);
    }
}
