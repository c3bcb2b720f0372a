using System.Text.Json.Serialization;
using Retail.Shared.Hosting;

namespace Retail.Accounting.Storage;

public enum StorageSource
{
    /// <summary>Made by the scheduled measurement.</summary>
    Scheduled,

    /// <summary>Recorded by the operator.</summary>
    Manual,
}

/// <summary>
/// What one service stored for an org at <see cref="MeasuredAt"/> (UC-ACC-003): bytes and records, with the parts the
/// service measured (<c>state</c>, MRS's <c>blobs</c>) when Accounting measured it. Append-only: a new measurement is a new
/// record, never a change. A scheduled one holds its <see cref="Slot"/> (service and the start of its measurement period),
/// unique, so a pass run twice for the same period records once.
/// </summary>
public sealed record StorageUsage : Record
{
    public required string StorageUsageGuid { get; init; }

    /// <summary>The app id measured: <c>ofm</c>, <c>mrs</c>, …</summary>
    public required string Service { get; init; }

    public long Bytes { get; init; }

    public long Records { get; init; }

    public IReadOnlyList<StoragePartMeasure> Parts { get; init; } = [];

    public required DateTimeOffset MeasuredAt { get; init; }

    public StorageSource Source { get; init; }

    public string? Slot { get; init; }

    public string? Note { get; init; }

    public string? RecordedBy { get; init; }

    [JsonIgnore]
    public override string Key => StorageUsageGuid;

    /// <summary>
    /// An org's measurements of a service in a time range, and of every service in one, are index seeks; the time is kept
    /// as epoch milliseconds beside the record, since timestamps as text do not order when their fractions differ.
    /// </summary>
    public static readonly RecordType<StorageUsage> Type = new RecordType<StorageUsage>("storage_usage",
            u => u.Slot is null ? [] : [new UniqueValue("slot", u.Slot)])
        .Computed("measured_ms", u => u.MeasuredAt.ToUnixTimeMilliseconds())
        .IndexBy("service", "measured_ms")
        .IndexBy("measured_ms");
}

/// <summary>Data of <c>storage.usage_recorded</c>.</summary>
public sealed record StorageUsageRecorded(string Orgcode, string StorageUsageGuid, string Service, long Bytes, long Records,
    DateTimeOffset MeasuredAt, StorageSource Source);

/// <summary>Data of <c>storage.drift_found</c>: measured now against the latest recorded value, beyond the threshold.</summary>
public sealed record StorageDriftFound(string Orgcode, string Service, string StorageUsageGuid, long RecordedBytes, long MeasuredBytes,
    long DriftBytes, double? DriftPercent, double ThresholdPercent, DateTimeOffset MeasuredAt, string InboxItemGuid);
