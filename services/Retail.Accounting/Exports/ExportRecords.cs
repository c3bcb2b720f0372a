using System.Text.Json.Serialization;

namespace Retail.Accounting.Exports;

/// <summary>What an export holds: the org's usage records (one row per metered request) or its daily rollups.</summary>
public enum ExportDataset
{
    UsageRecords,
    UsageRollups,
}

public enum ExportFormat
{
    Csv,
    Ndjson,
}

public enum ExportStatus
{
    Queued,
    Running,
    Completed,
    Failed,
}

/// <summary>
/// A one-off export of an org's usage (UC-ACC-002): a dataset over a range of the org's local days, as CSV or NDJSON, written
/// to MRS by <see cref="UsageExportWorkflow"/>. <see cref="Sha256"/> and <see cref="SizeBytes"/> are of the file's content
/// (uncompressed); MRS keeps it gzip-compressed (<see cref="StoredBytes"/>).
/// </summary>
public sealed record Export : Record
{
    public required string ExportGuid { get; init; }

    public required ExportDataset Dataset { get; init; }

    public required ExportFormat Format { get; init; }

    /// <summary>The file is offered as a <c>.gz</c> (content type <c>application/gzip</c>) rather than served decompressed.</summary>
    public bool Gzip { get; init; }

    public required DateOnly DayFrom { get; init; }

    public required DateOnly DayTo { get; init; }

    public ExportStatus Status { get; init; } = ExportStatus.Queued;

    /// <summary>The schedule whose occurrence made it, if any.</summary>
    public string? ScheduleGuid { get; init; }

    public long RecordCount { get; init; }

    public long SizeBytes { get; init; }

    public long StoredBytes { get; init; }

    public string? Sha256 { get; init; }

    public string? MrsRecordGuid { get; init; }

    public string? FileName { get; init; }

    public string? ContentType { get; init; }

    public string? Error { get; init; }

    public required string RequestedBy { get; init; }

    public DateTimeOffset? CompletedAt { get; init; }

    [JsonIgnore]
    public override string Key => ExportGuid;

    public static string InstanceIdOf(string orgcode, string exportGuid) => $"acc-export:{orgcode}:{exportGuid}";

    public static readonly StateMachine<ExportStatus> Lifecycle = new(new Dictionary<ExportStatus, ExportStatus[]>
    {
        [ExportStatus.Queued] = [ExportStatus.Running, ExportStatus.Failed],
        [ExportStatus.Running] = [ExportStatus.Completed, ExportStatus.Failed],
        [ExportStatus.Completed] = [],
        [ExportStatus.Failed] = [],
    });

    public static readonly RecordType<Export> Type = new RecordType<Export>("usage_export")
        .IndexBy("status")
        .IndexBy("schedule_guid")
        .IndexAcrossOrgs("status");
}

public enum ExportBatchStatus
{
    Queued,
    Running,
    Completed,
    Failed,
    Published,
    Cancelled,
}

/// <summary>
/// A day's export of one dataset in one format for an org (UC-ACC-002), one per (day, dataset, format): made of one part per
/// app that had usage that day (<see cref="ExportPart"/>), assembled in app order into one file. A failed part leaves the
/// batch <c>failed</c>; repair runs only the failed parts again and assembles the same file a clean run makes.
/// </summary>
public sealed record ExportBatch : Record
{
    public required string BatchGuid { get; init; }

    public required DateOnly Day { get; init; }

    public required ExportDataset Dataset { get; init; }

    public required ExportFormat Format { get; init; }

    public ExportBatchStatus Status { get; init; } = ExportBatchStatus.Queued;

    public int PartsTotal { get; init; }

    public int PartsFailed { get; init; }

    /// <summary>How many times the batch has been run: 1 for the first run, +1 per repair.</summary>
    public int Run { get; init; } = 1;

    public long RecordCount { get; init; }

    public long SizeBytes { get; init; }

    public string? Sha256 { get; init; }

    public string? MrsRecordGuid { get; init; }

    public string? FileName { get; init; }

    public string? StatusReason { get; init; }

    public required string RequestedBy { get; init; }

    [JsonIgnore]
    public override string Key => BatchGuid;

    [JsonIgnore]
    public string Slot => SlotOf(Day, Dataset, Format);

    public static string SlotOf(DateOnly day, ExportDataset dataset, ExportFormat format) =>
        $"{day:yyyy-MM-dd}:{Retail.Shared.Json.SnakeCase.Name(dataset)}:{Retail.Shared.Json.SnakeCase.Name(format)}";

    public static string InstanceIdOf(string orgcode, string batchGuid, int run) => $"acc-batch:{orgcode}:{batchGuid}:{run}";

    /// <summary>Every move, the system's (running, completed, failed) and the operator's (published, cancelled, repair).</summary>
    public static readonly StateMachine<ExportBatchStatus> Lifecycle = new(new Dictionary<ExportBatchStatus, ExportBatchStatus[]>
    {
        [ExportBatchStatus.Queued] = [ExportBatchStatus.Running, ExportBatchStatus.Cancelled],
        [ExportBatchStatus.Running] = [ExportBatchStatus.Completed, ExportBatchStatus.Failed],
        [ExportBatchStatus.Failed] = [ExportBatchStatus.Running, ExportBatchStatus.Cancelled],
        [ExportBatchStatus.Completed] = [ExportBatchStatus.Published, ExportBatchStatus.Cancelled],
        [ExportBatchStatus.Published] = [],
        [ExportBatchStatus.Cancelled] = [],
    });

    public static readonly RecordType<ExportBatch> Type = new RecordType<ExportBatch>("usage_export_batch",
            b => [new UniqueValue("slot", b.Slot)])
        .IndexBy("status", "day")
        .IndexBy("day")
        .IndexAcrossOrgs("status");
}

public enum ExportPartStatus
{
    Pending,
    Completed,
    Failed,
}

/// <summary>One app's share of a batch: its rows (no CSV header) in MRS, with their count and SHA-256. Key <c>{batch_guid}.{app}</c>.</summary>
public sealed record ExportPart : Record
{
    public required string PartKey { get; init; }

    public required string BatchGuid { get; init; }

    public required string App { get; init; }

    public ExportPartStatus Status { get; init; } = ExportPartStatus.Pending;

    public int Attempts { get; init; }

    public long RecordCount { get; init; }

    public long SizeBytes { get; init; }

    public string? Sha256 { get; init; }

    public string? MrsRecordGuid { get; init; }

    public string? Error { get; init; }

    [JsonIgnore]
    public override string Key => PartKey;

    public static string KeyOf(string batchGuid, string app) => $"{batchGuid}.{app}";

    public static readonly RecordType<ExportPart> Type = new RecordType<ExportPart>("usage_export_part")
        .IndexBy("batch_guid", "app");
}

public enum ScheduleCadence
{
    Daily,
    Weekly,
}

public enum ExportScheduleStatus
{
    Active,
    Paused,
    Retired,
}

/// <summary>
/// A recurring export (UC-ACC-002): daily or weekly at a local time in <see cref="TimeZone"/>. Each occurrence exports the
/// local day before it (daily) or the seven days before it (weekly) as an <see cref="Export"/>. The next occurrence is data
/// (<see cref="NextDueAt"/>, indexed across orgs), so <see cref="ExportScheduleSweeper"/> fires it after any restart.
/// </summary>
public sealed record ExportSchedule : Record
{
    public required string ScheduleGuid { get; init; }

    public required ScheduleCadence Cadence { get; init; }

    /// <summary>Local time of day, <c>HH:mm</c>.</summary>
    public required string AtLocalTime { get; init; }

    public DayOfWeek? Weekday { get; init; }

    public required string TimeZone { get; init; }

    public required ExportDataset Dataset { get; init; }

    public required ExportFormat Format { get; init; }

    public bool Gzip { get; init; }

    public ExportScheduleStatus Status { get; init; } = ExportScheduleStatus.Active;

    public required DateTimeOffset NextDueAt { get; init; }

    public long Occurrences { get; init; }

    public string? LastExportGuid { get; init; }

    public DateTimeOffset? LastFiredAt { get; init; }

    public string? StatusReason { get; init; }

    public required string CreatedBy { get; init; }

    [JsonIgnore]
    public override string Key => ScheduleGuid;

    public static readonly StateMachine<ExportScheduleStatus> Lifecycle = new(new Dictionary<ExportScheduleStatus, ExportScheduleStatus[]>
    {
        [ExportScheduleStatus.Active] = [ExportScheduleStatus.Paused, ExportScheduleStatus.Retired],
        [ExportScheduleStatus.Paused] = [ExportScheduleStatus.Active, ExportScheduleStatus.Retired],
        [ExportScheduleStatus.Retired] = [],
    });

    public static readonly RecordType<ExportSchedule> Type = new RecordType<ExportSchedule>("usage_export_schedule")
        .Computed("due_ms", s => s.Status == ExportScheduleStatus.Active ? s.NextDueAt.ToUnixTimeMilliseconds() : null)
        .IndexBy("status")
        .IndexAcrossOrgs("due_ms");
}

public sealed record ExportCompleted(string Orgcode, string ExportGuid, ExportDataset Dataset, ExportFormat Format, DateOnly DayFrom, DateOnly DayTo,
    string? ScheduleGuid, string MrsRecordGuid, long RecordCount, long SizeBytes, string Sha256);

public sealed record ExportFailed(string Orgcode, string ExportGuid, string? ScheduleGuid, string Error);

public sealed record ExportBatchStatusChanged(string Orgcode, string BatchGuid, DateOnly Day, ExportDataset Dataset, ExportFormat Format,
    ExportBatchStatus Status, int PartsFailed, string? Sha256, long Revision);

public sealed record ExportScheduleStatusChanged(string Orgcode, string ScheduleGuid, ExportScheduleStatus Status, long Revision);
