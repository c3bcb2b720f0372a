namespace Retail.Ipm;

/// <summary>
/// The business events IPM publishes (topic = type), each committed in the transaction of its change beside the CDC
/// event of every record. Listed in README.md. Add yours here (merge conflicts: keep both).
/// </summary>
public static class IpmEvents
{
    public const string WebhookCreated = "ipm.webhook.created";
    public const string WebhookStatusChanged = "ipm.webhook.status_changed";

    /// <summary>IPM disabled a webhook after a run of consecutive failed attempts (the reason is on the webhook).</summary>
    public const string WebhookDisabled = "ipm.webhook.disabled";
}
