using System.Text.Json.Serialization;
using Retail.Shared.Collaboration;
using Retail.Shared.Events;
using Retail.Shared.Webhooks;

namespace Retail.Ipm.Webhooks;

public enum WebhookStatus
{
    /// <summary>Receives the org's matching events.</summary>
    Active,

    /// <summary>Matching events are queued, not sent, until it is active again.</summary>
    Paused,

    /// <summary>Disabled by IPM after a run of failed attempts (see <see cref="Webhook.DisabledReason"/>); queued deliveries wait.</summary>
    Disabled,

    /// <summary>Gone: its queued deliveries are cancelled.</summary>
    Deleted,
}

/// <summary>
/// An org's HTTPS endpoint for its business events (UC-IPM-001). The signing secret is not part of the record (whose
/// snapshots go to history and the CDC feed): it is sealed in its own entry, see <see cref="WebhookSecrets"/>.
/// </summary>
public sealed record Webhook : Record
{
    public const string DestinationKind = "webhook";

    public required string WebhookGuid { get; init; }

    public required string Url { get; init; }

    public string? Description { get; init; }

    /// <summary>Event types (from the event catalog), prefix wildcards (<c>order.*</c>) or <c>*</c>.</summary>
    public required IReadOnlyList<string> EventTypes { get; init; }

    public WebhookStatus Status { get; init; } = WebhookStatus.Active;

    public string? DisabledReason { get; init; }

    public DateTimeOffset? DisabledAt { get; init; }

    /// <summary>The member or team whose IPM inbox gets an item when IPM disables the webhook (none on webhooks made before owners).</summary>
    public Assignee? Owner { get; init; }

    /// <summary>The first characters of the secret (<c>whsec_ab12…</c>), so an admin can tell which secret a receiver holds.</summary>
    public required string SecretHint { get; init; }

    [JsonIgnore]
    public override string Key => WebhookGuid;

    [JsonIgnore]
    public DestinationRef Destination => new(DestinationKind, WebhookGuid);

    /// <summary>Whether events are staged for it: a paused webhook queues them, a disabled one does not.</summary>
    [JsonIgnore]
    public bool Receives => Status is WebhookStatus.Active or WebhookStatus.Paused;

    public static readonly StateMachine<WebhookStatus> Lifecycle = new(new Dictionary<WebhookStatus, WebhookStatus[]>
    {
        [WebhookStatus.Active] = [WebhookStatus.Paused, WebhookStatus.Disabled, WebhookStatus.Deleted],
        [WebhookStatus.Paused] = [WebhookStatus.Active, WebhookStatus.Deleted],
        [WebhookStatus.Disabled] = [WebhookStatus.Active, WebhookStatus.Deleted],
    });

    public static RecordType<Webhook> Type { get; } = new RecordType<Webhook>("webhook")
        .IndexBy("status")
        // The orgs that hold a webhook, read at start into WebhookInterest.
        .IndexAcrossOrgs("status")
        // The fan-out finds an event's webhooks by each filter value (the type, its prefix wildcards, "*").
        .IndexValues("event_type", w => w.EventTypes);
}

/// <summary>
/// The orgs with a webhook that is not deleted: the bus stages no webhook fan-out delivery for the others (most events of
/// most orgs). A create adds its org before it commits.
/// </summary>
public sealed class WebhookInterest : OrgDeliveryInterest
{
    public static readonly StateFilter[] Holding = [StateFilter.In("status", WebhookStatus.Active, WebhookStatus.Paused, WebhookStatus.Disabled)];
}

/// <summary>A webhook as answered: never its secret.</summary>
public sealed record WebhookView(string WebhookGuid, string Url, string? Description, IReadOnlyList<string> EventTypes, WebhookStatus Status,
    string SecretHint, string? DisabledReason, DateTimeOffset? DisabledAt, Assignee? Owner, long Revision, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    WebhookDeliverySummary? DeliverySummary = null, WebhookDeliveryPage? Deliveries = null)
{
    public static WebhookView From(Webhook w) => new(w.WebhookGuid, w.Url, w.Description, w.EventTypes, w.Status, w.SecretHint, w.DisabledReason,
        w.DisabledAt, w.Owner, w.Revision, w.CreatedAt, w.UpdatedAt);
}

/// <summary>The webhook's recent delivery health.</summary>
public sealed record WebhookDeliverySummary(int ConsecutiveFailures, DateTimeOffset? LastAttemptAt, DateTimeOffset? LastDeliveredAt,
    DateTimeOffset? LastFailedAt, string? LastError)
{
    public static WebhookDeliverySummary From(WebhookDestinationHealth? health) => health is null
        ? new(0, null, null, null, null)
        : new(health.ConsecutiveFailures, health.LastAttemptAt, health.LastDeliveredAt, health.LastFailedAt, health.LastError);
}

public sealed record WebhookDeliveryPage(IReadOnlyList<WebhookDeliveryView> Items, string? NextToken);

/// <summary>One delivery of an event to the webhook, with every attempt (the delivery log).</summary>
public sealed record WebhookDeliveryView(string DeliveryGuid, string EventId, string EventType, DeliveryStatus Status, int AttemptCount,
    DateTimeOffset? NextAttemptAt, DateTimeOffset? DeliveredAt, string? ReplayOf, DateTimeOffset CreatedAt, IReadOnlyList<WebhookAttemptView> Attempts);

public sealed record WebhookAttemptView(int Number, DateTimeOffset At, bool Delivered, int? StatusCode, long LatencyMs, string? Error, string? ResponseExcerpt)
{
    public static WebhookAttemptView From(WebhookAttemptRecord a) => new(a.Number, a.At, a.Delivered, a.StatusCode, a.LatencyMs, a.Error, a.ResponseExcerpt);
}

/// <summary>The answer to create: the only time the secret is shown.</summary>
public sealed record WebhookCreatedResponse(string Secret, WebhookView Webhook);

public sealed record WebhookListResponse(IReadOnlyList<WebhookView> Items, string? NextToken);

public sealed record WebhookReplayResponse(string WebhookGuid, DateTimeOffset From, DateTimeOffset To, int Replayed);

public sealed record WebhookCreated(string Orgcode, string WebhookGuid, string Url, IReadOnlyList<string> EventTypes);

public sealed record WebhookStatusChanged(string Orgcode, string WebhookGuid, WebhookStatus From, WebhookStatus To, long Revision);

/// <param name="InboxItemGuid">The owner's inbox item about it, in IPM's inbox (none for a webhook without an owner).</param>
public sealed record WebhookDisabled(string Orgcode, string WebhookGuid, int ConsecutiveFailures, string Reason, string? InboxItemGuid = null);
