using System.Text.Json;
using System.Text.Json.Serialization;

namespace Retail.Ipm.Bulk;

public enum BulkKind
{
    Import,
    Export,
}

public enum BulkFormat
{
    Ndjson,
    Csv,
}

/// <summary>
/// created → running (a slice processed) → processed (an import's last slice) → committed; a dry run ends validated,
/// an export completed.
/// </summary>
public enum BulkJobStatus
{
    Created,
    Running,
    Processed,
    Validated,
    Committed,
    Completed,
}

/// <summary>One target field of an import: taken from a source field (an NDJSON property, a CSV column) or a constant.</summary>
public sealed record BulkMappingRule(string Target, string? Source, JsonElement? Constant);

/// <summary>How many records a job (or one slice of it) read, and what the target did with them.</summary>
public sealed record BulkCounts(long Read, long Created, long Updated, long Unchanged, long Rejected)
{
    public static readonly BulkCounts Zero = new(0, 0, 0, 0, 0);

    public BulkCounts Add(BulkCounts other) =>
        new(Read + other.Read, Created + other.Created, Updated + other.Updated, Unchanged + other.Unchanged, Rejected + other.Rejected);

    /// <summary>Records the target holds as the file says (written now or already so).</summary>
    [JsonIgnore]
    public long Accepted => Created + Updated + Unchanged;
}

/// <summary>What one <c>continue</c> did: kept on the job, so the same token asked again answers the same.</summary>
public sealed record BulkSliceResult(int Slice, long FirstLine, long LastLine, BulkCounts Counts, int Records, string? PartKey);

/// <summary>An import's reconciliation (playbook F): the file's counts beside the target's, and sampled keys looked up in it.</summary>
public sealed record BulkReconciliation(
    long FileRecords,
    long Written,
    long Unchanged,
    long Rejected,
    bool QuarantineAccepted,
    long TargetCount,
    IReadOnlyList<string> SampledKeys,
    int KeysFound,
    IReadOnlyList<string> KeysMissing,
    bool Matched);

/// <summary>
/// A bulk job of one entity of one target service (UC-IPM-003): an import of an MRS file in slices, or an export into gzip
/// NDJSON parts in MRS. Where it is (<see cref="NextSlice"/>, the file offset, the target's page token) is data, so a
/// continuation resumes after the last committed slice after any restart; <see cref="ContinuationToken"/> is the continuation the
/// job expects next (null when there is nothing left).
/// </summary>
public sealed record BulkJob : Record
{
    public required string JobGuid { get; init; }

    public required BulkKind Kind { get; init; }

    public BulkJobStatus Status { get; init; } = BulkJobStatus.Created;

    /// <summary><c>app.entity</c> as the target's <c>/bulk/entities</c> names it; the app is the prefix.</summary>
    public required string Entity { get; init; }

    public required int SchemaVersion { get; init; }

    public IReadOnlyList<string> NaturalKey { get; init; } = [];

    /// <summary>The target's fields by name with their types, as <c>/bulk/entities</c> described them when the job was made.</summary>
    public IReadOnlyDictionary<string, string> FieldTypes { get; init; } = new Dictionary<string, string>();

    public bool DryRun { get; init; }

    public BulkFormat? Format { get; init; }

    public string? FileRecordGuid { get; init; }

    public string? FileSha256 { get; init; }

    /// <summary>Records in the file (non-blank lines, after a CSV header).</summary>
    public long FileRecords { get; init; }

    public IReadOnlyList<string>? CsvHeader { get; init; }

    public IReadOnlyList<BulkMappingRule> Mapping { get; init; } = [];

    public int SliceSize { get; init; }

    public JsonElement? Filters { get; init; }

    public int NextSlice { get; init; }

    /// <summary>The byte offset in the file where the next slice starts, and that line's number (1-based).</summary>
    public long NextOffset { get; init; }

    public long NextLine { get; init; } = 1;

    /// <summary>The target's <c>next_token</c> of an export.</summary>
    public string? TargetToken { get; init; }

    public string? ContinuationToken { get; init; }

    public BulkSliceResult? LastSlice { get; init; }

    public BulkCounts Counts { get; init; } = BulkCounts.Zero;

    /// <summary>Up to <see cref="BulkRules.SampleSize"/> natural keys of accepted records, a uniform sample over the whole file.</summary>
    public IReadOnlyList<string> SampledKeys { get; init; } = [];

    public int Parts { get; init; }

    public long ExportedRecords { get; init; }

    public BulkReconciliation? Report { get; init; }

    public required string RequestedBy { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    [JsonIgnore]
    public override string Key => JobGuid;

    [JsonIgnore]
    public string App => BulkRules.AppOf(Entity);

    public static readonly StateMachine<BulkJobStatus> Lifecycle = new(new Dictionary<BulkJobStatus, BulkJobStatus[]>
    {
        [BulkJobStatus.Created] = [BulkJobStatus.Running, BulkJobStatus.Processed, BulkJobStatus.Validated, BulkJobStatus.Completed],
        [BulkJobStatus.Running] = [BulkJobStatus.Running, BulkJobStatus.Processed, BulkJobStatus.Validated, BulkJobStatus.Completed],
        [BulkJobStatus.Processed] = [BulkJobStatus.Committed],
        [BulkJobStatus.Validated] = [],
        [BulkJobStatus.Committed] = [],
        [BulkJobStatus.Completed] = [],
    });

    public static readonly RecordType<BulkJob> Type = new RecordType<BulkJob>("bulk_job")
        .IndexBy("kind", "status")
        .IndexBy("status");
}

/// <summary>A quarantined record of an import: the line, its natural key if it has one, why, and the raw line. Key <c>{job}.{line}</c>.</summary>
public sealed record BulkQuarantineItem : Record
{
    public required string ItemKey { get; init; }

    public required string JobGuid { get; init; }

    public required long Line { get; init; }

    public required int Slice { get; init; }

    public string? NaturalKey { get; init; }

    public required string Code { get; init; }

    public required string Reason { get; init; }

    public string? Field { get; init; }

    public required string Raw { get; init; }

    [JsonIgnore]
    public override string Key => ItemKey;

    public static string KeyOf(string jobGuid, long line) => $"{jobGuid}.{line:D10}";

    public static readonly RecordType<BulkQuarantineItem> Type = new RecordType<BulkQuarantineItem>("bulk_quarantine_item")
        .IndexBy("job_guid", "line");
}

/// <summary>One gzip NDJSON file of an export in MRS. <see cref="Sha256"/> is of the NDJSON content (MRS stores it gzip). Key <c>{job}.{part}</c>.</summary>
public sealed record BulkExportPart : Record
{
    public required string PartKey { get; init; }

    public required string JobGuid { get; init; }

    public required int Part { get; init; }

    public required string MrsRecordGuid { get; init; }

    public required long RecordCount { get; init; }

    public required string Sha256 { get; init; }

    public required long StoredBytes { get; init; }

    [JsonIgnore]
    public override string Key => PartKey;

    public static string KeyOf(string jobGuid, int part) => $"{jobGuid}.{part:D6}";

    public static readonly RecordType<BulkExportPart> Type = new RecordType<BulkExportPart>("bulk_export_part")
        .IndexBy("job_guid", "part");
}
