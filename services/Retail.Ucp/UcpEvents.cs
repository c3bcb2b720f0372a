using System.ComponentModel;
using Retail.Shared.Events;
using Retail.Ucp.Platforms;

namespace Retail.Ucp;

/// <summary>
/// The business events UCP publishes (topic = type, no app prefix), each committed in the transaction of its change.
/// Listed in README.md. Add yours here (merge conflicts: keep both).
/// </summary>
public static class UcpEvents
{
    [EventData(typeof(PlatformChanged))]
    [Description("An admin registered an agent platform; it can authenticate at once.")]
    public const string PlatformRegistered = "platform.registered";

    [EventData(typeof(PlatformChanged))]
    [Description("A platform's secret was rotated; the previous one works until its grace period ends.")]
    public const string PlatformRotated = "platform.rotated";

    [EventData(typeof(PlatformChanged))]
    [Description("A platform was revoked: its credentials, tokens and webhooks stop at once.")]
    public const string PlatformRevoked = "platform.revoked";

    [EventData(typeof(Retail.Ucp.Identity.LinkEvent))]
    [Description("An admin linked a CRM customer to a platform (or changed the link's scopes by authorizing again).")]
    public const string LinkAuthorized = "identity_link.authorized";

    [EventData(typeof(Retail.Ucp.Identity.LinkEvent))]
    [Description("An identity link was revoked: its tokens stop at once.")]
    public const string LinkRevoked = "identity_link.revoked";

    [EventData(typeof(UcpWebhookChanged))]
    [Description("An admin set a platform's order webhook (callback URL, event types, status).")]
    public const string WebhookConfigured = "webhook.configured";

    [EventData(typeof(UcpWebhookChanged))]
    [Description("A platform's order webhook was paused after a run of failed deliveries; its events wait until it is re-enabled.")]
    public const string WebhookPaused = "webhook.paused";
}

/// <summary>The data of a webhook config event: never its secret.</summary>
public sealed record UcpWebhookChanged(string PlatformGuid, string Url, IReadOnlyList<string> EventTypes, Retail.Ucp.Webhooks.UcpWebhookStatus Status,
    string? StatusReason, long Revision)
{
    public static UcpWebhookChanged Of(Retail.Ucp.Webhooks.UcpWebhookConfig c, long revision) => new(c.PlatformGuid, c.Url, c.EventTypes, c.Status, c.StatusReason, revision);
}

/// <summary>The data of a platform event: never a secret or a hash.</summary>
public sealed record PlatformChanged(string PlatformGuid, string ClientId, string Caption, PlatformStatus Status, long Revision);
