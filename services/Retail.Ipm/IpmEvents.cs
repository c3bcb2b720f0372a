using System.ComponentModel;
using Retail.Ipm.Bulk;
using Retail.Ipm.Kpis;
using Retail.Ipm.Webhooks;
using Retail.Shared.Events;

namespace Retail.Ipm;

/// <summary>
/// The business events IPM publishes (topic = type), each committed in the transaction of its change beside the CDC
/// event of every record. Like every service's, the type has no app prefix: <c>ipm.webhook.created</c> is the CDC change of
/// a webhook record. Listed in README.md. Add yours here (merge conflicts: keep both).
/// </summary>
public static class IpmEvents
{
    /// <summary>A KPI alert's aggregate crossed its threshold (once per crossing): the alert is firing.</summary>
    [EventData(typeof(KpiAlertEvent))]
    [Description("A KPI alert's aggregate crossed its threshold: the alert is firing.")]
    public const string KpiAlertFired = "kpi.alert_fired";

    /// <summary>A firing KPI alert's aggregate crossed back: the alert is ok again.</summary>
    [EventData(typeof(KpiAlertEvent))]
    [Description("A firing KPI alert's aggregate crossed back: the alert is ok again.")]
    public const string KpiAlertResolved = "kpi.alert_resolved";

    [EventData(typeof(WebhookCreated))]
    [Description("A webhook endpoint was created.")]
    public const string WebhookCreated = "webhook.created";

    [EventData(typeof(WebhookStatusChanged))]
    [Description("A webhook was paused, re-activated, disabled or deleted.")]
    public const string WebhookStatusChanged = "webhook.status_changed";

    /// <summary>IPM disabled a webhook after a run of consecutive failed attempts (the reason is on the webhook).</summary>
    [EventData(typeof(WebhookDisabled))]
    [Description("IPM disabled a webhook after a run of consecutive failed attempts.")]
    public const string WebhookDisabled = "webhook.disabled";

    /// <summary>An import was committed with its reconciliation report (UC-IPM-003).</summary>
    [EventData(typeof(BulkImportCommitted))]
    [Description("A bulk import was committed with its reconciliation report.")]
    public const string BulkImportCommitted = "bulk.import_committed";

    /// <summary>An export wrote its last part.</summary>
    [EventData(typeof(BulkExportCompleted))]
    [Description("A bulk export wrote its last part.")]
    public const string BulkExportCompleted = "bulk.export_completed";
}
