namespace Retail.Accounting;

/// <summary>
/// The business events Accounting publishes (topic = type), each committed in the transaction of its change beside the CDC
/// event of every record. Listed in README.md. Add yours here (merge conflicts: keep both).
/// </summary>
public static class AccountingEvents
{
    public const string RollupRecomputed = "usage.rollup_recomputed";
    public const string StorageUsageRecorded = "storage.usage_recorded";
    public const string StorageDriftFound = "storage.drift_found";
    public const string ExportCompleted = "export.completed";
    public const string ExportFailed = "export.failed";
    public const string ExportBatchStatusChanged = "export.batch_status_changed";
    public const string ExportScheduleStatusChanged = "export.schedule_status_changed";
}
