using System.Text.Json;
using Retail.Shared.Records;

namespace Retail.Shared.Bulk;

/// <summary>
/// One entity a service lets IPM import and export in bulk (<c>pvm.variant</c>, <c>ppm.price</c>): its natural key,
/// its fields, and the four operations of the bulk port. Resolved per request (it reads the service's record stores);
/// registered with <see cref="BulkPort.AddBulkEntity{T}"/> under the service's app id.
/// </summary>
public interface IBulkEntity
{
    /// <summary>"{app}.{entity}", as IPM's import names it.</summary>
    string Entity { get; }

    int SchemaVersion { get; }

    /// <summary>The fields whose values, joined with ":", name one record (<see cref="BulkKey"/>).</summary>
    IReadOnlyList<string> NaturalKey { get; }

    IReadOnlyList<BulkField> Fields { get; }

    /// <summary>The equality filters its export serves (field names); an export naming another is refused.</summary>
    IReadOnlyCollection<string> ExportFilters { get; }

    /// <summary>Validates every record; unless <paramref name="dryRun"/>, writes the accepted ones in one transaction.</summary>
    Task<BulkUpsertOutcome> UpsertAsync(string orgcode, IReadOnlyList<JsonElement> records, bool dryRun, CancellationToken ct);

    /// <summary>A page of records in the upsert shape, read through the store's indexes.</summary>
    Task<BulkExportPage> ExportAsync(string orgcode, IReadOnlyDictionary<string, string> filters, int limit, string? token, CancellationToken ct);

    /// <summary>Which of these natural keys exist.</summary>
    Task<BulkKeysResponse> KeysAsync(string orgcode, IReadOnlyList<string> keys, CancellationToken ct);

    Task<long> CountAsync(string orgcode, CancellationToken ct);
}

/// <summary>A field of an entity's records: its name, JSON type (string, integer, number, boolean, date, object, array) and whether it is required.</summary>
public sealed record BulkField(string Name, string Type, bool Required);

/// <summary>What became of one record of an upsert call.</summary>
public sealed record BulkResult(int Index, string? Key, string Outcome, string? Code = null, string? Reason = null, string? Field = null);

public static class BulkOutcomes
{
    public const string Created = "created";
    public const string Updated = "updated";
    public const string Unchanged = "unchanged";
    public const string Rejected = "rejected";
}

/// <summary>The results of an upsert call, or the conflict that stopped its transaction (a concurrent writer): then nothing was written.</summary>
public sealed record BulkUpsertOutcome(IReadOnlyList<BulkResult> Results, BatchWrite? Conflict = null);

public sealed record BulkExportPage(IReadOnlyList<object> Items, string? NextToken);

public static class BulkKey
{
    public const char Separator = ':';

    public static string Join(params string?[] parts) => string.Join(Separator, parts.Select(p => p ?? ""));
}
