namespace Retail.Ipm;

/// <summary>
/// The business events IPM publishes (topic = type), each committed in the transaction of its change beside the CDC
/// event of every record. Listed in README.md. Add yours here (merge conflicts: keep both).
/// </summary>
public static class IpmEvents
{
    /// <summary>A KPI alert's aggregate crossed its threshold (once per crossing): the alert is firing.</summary>
    public const string KpiAlertFired = "kpi.alert_fired";

    /// <summary>A firing KPI alert's aggregate crossed back: the alert is ok again.</summary>
    public const string KpiAlertResolved = "kpi.alert_resolved";

    public const string WebhookCreated = "webhook.created";

    public const string WebhookStatusChanged = "webhook.status_changed";

    /// <summary>IPM disabled a webhook after a run of consecutive failed attempts (the reason is on the webhook).</summary>
    public const string WebhookDisabled = "webhook.disabled";

    /// <summary>An import was committed with its reconciliation report (UC-IPM-003).</summary>
    public const string BulkImportCommitted = "bulk.import_committed";

    /// <summary>An export wrote its last part.</summary>
    public const string BulkExportCompleted = "bulk.export_completed";
}
