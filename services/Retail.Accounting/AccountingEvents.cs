using System.ComponentModel;
using Retail.Shared.Events;
using Retail.Accounting.Exports;
using Retail.Accounting.Storage;
using Retail.Accounting.Usage;

namespace Retail.Accounting;

/// <summary>
/// The business events Accounting publishes (topic = type), each committed in the transaction of its change beside the CDC
/// event of every record. Listed in README.md. Add yours here (merge conflicts: keep both).
/// </summary>
public static class AccountingEvents
{
    [EventData(typeof(RollupRecomputed))]
    [Description("Usage rollup recomputed.")]
    public const string RollupRecomputed = "usage.rollup_recomputed";
    [EventData(typeof(StorageUsageRecorded))]
    [Description("Storage usage recorded.")]
    public const string StorageUsageRecorded = "storage.usage_recorded";
    [EventData(typeof(StorageDriftFound))]
    [Description("Storage drift found.")]
    public const string StorageDriftFound = "storage.drift_found";
    [EventData(typeof(ExportCompleted))]
    [Description("Export completed.")]
    public const string ExportCompleted = "export.completed";
    [EventData(typeof(ExportFailed))]
    [Description("Export failed.")]
    public const string ExportFailed = "export.failed";
    [EventData(typeof(ExportBatchStatusChanged))]
    [Description("Export batch status changed.")]
    public const string ExportBatchStatusChanged = "export.batch_status_changed";
    [EventData(typeof(ExportScheduleStatusChanged))]
    [Description("Export schedule status changed.")]
    public const string ExportScheduleStatusChanged = "export.schedule_status_changed";
}
