namespace Retail.Accounting.Storage;

public enum DriftStatus
{
    /// <summary>Measured is within the threshold of the latest recorded value.</summary>
    Ok,

    /// <summary>Measured differs from the latest recorded value by more than the threshold.</summary>
    Drift,

    /// <summary>Nothing was recorded for this org and service yet.</summary>
    Unrecorded,
}

/// <summary>
/// One service of a reconcile: the latest recorded value, what was measured now, and the difference (measured − recorded),
/// absolute and in percent of the recorded value (null when the recorded value was 0 and something is stored now).
/// </summary>
public sealed record StorageDriftItem(
    string Service,
    DriftStatus Status,
    string? StorageUsageGuid,
    long? RecordedBytes,
    long? RecordedRecords,
    DateTimeOffset? RecordedAt,
    long MeasuredBytes,
    long MeasuredRecords,
    long? DriftBytes,
    double? DriftPercent,
    string? InboxItemGuid = null);

/// <summary>What <c>/storage/usage/reconcile</c> answers.</summary>
public sealed record StorageReconciliation(string Orgcode, DateTimeOffset MeasuredAt, double ThresholdPercent, bool DriftFound,
    IReadOnlyList<StorageDriftItem> Items);

public static class StorageDriftRules
{
    /// <summary>
    /// Compares a measurement with the latest recorded value. Drift is a difference of more than
    /// <paramref name="thresholdPercent"/> of the recorded value; from a recorded 0 any stored byte is drift.
    /// </summary>
    public static StorageDriftItem Compare(string service, StorageUsage? recorded, long measuredBytes, long measuredRecords, double thresholdPercent)
    {
        if (recorded is null)
        {
            return new StorageDriftItem(service, DriftStatus.Unrecorded, null, null, null, null, measuredBytes, measuredRecords, null, null);
        }
        var drift = measuredBytes - recorded.Bytes;
        double? percent = recorded.Bytes == 0 ? (drift == 0 ? 0 : null) : Math.Round(drift * 100.0 / recorded.Bytes, 2);
        var status = drift != 0 && (percent is null || Math.Abs(percent.Value) > thresholdPercent) ? DriftStatus.Drift : DriftStatus.Ok;
        return new StorageDriftItem(service, status, recorded.StorageUsageGuid, recorded.Bytes, recorded.Records, recorded.MeasuredAt,
            measuredBytes, measuredRecords, drift, percent);
    }
}
