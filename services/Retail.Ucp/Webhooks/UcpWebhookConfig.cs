using FluentValidation;
using System.Text.Json.Serialization;
using Retail.Shared.Events;
using Retail.Shared.Webhooks;

namespace Retail.Ucp.Webhooks;

public enum UcpWebhookStatus
{
    /// <summary>Delivers the platform's order events.</summary>
    Active,

    /// <summary>Paused by an admin or, after a run of failed deliveries, by UCP: events are queued, not sent, until re-enabled.</summary>
    Paused,

    /// <summary>Its platform was revoked: nothing is queued or sent any more.</summary>
    Revoked,
}

/// <summary>
/// A platform's order webhook (UC-UCP-005/006): one per platform (keyed by the platform), its callback URL and the SCM event
/// types it receives. The signing secret is not part of the record (whose snapshots go to history and the CDC feed): it
/// is sealed beside it, see <see cref="UcpWebhookSecrets"/>.
/// </summary>
public sealed record UcpWebhookConfig : Record
{
    public const string DestinationKind = "ucp_webhook";

    public required string PlatformGuid { get; init; }

    public required string Url { get; init; }

    /// <summary>SCM event types (the seed's 20, <see cref="UcpWebhookEventTypes.All"/>).</summary>
    public required IReadOnlyList<string> EventTypes { get; init; }

    public UcpWebhookStatus Status { get; init; } = UcpWebhookStatus.Active;

    public string? StatusReason { get; init; }

    public DateTimeOffset? PausedAt { get; init; }

    /// <summary>The first characters of the secret, so an admin can tell which secret a receiver holds.</summary>
    public required string SecretHint { get; init; }

    [JsonIgnore]
    public override string Key => PlatformGuid;

    [JsonIgnore]
    public DestinationRef Destination => Of(PlatformGuid);

    public static DestinationRef Of(string platformGuid) => new(DestinationKind, platformGuid);

    public static readonly RecordType<UcpWebhookConfig> Type = new RecordType<UcpWebhookConfig>("webhook_config")
        .IndexBy("status")
        // The orgs that hold a config, read at start into UcpWebhookInterest.
        .IndexAcrossOrgs("status");
}

/// <summary>
/// The orgs with a platform webhook that is not revoked: the bus stages no UCP fan-out delivery of SCM's events for the
/// others (every order of an org that sells through no platform's webhook: five deliveries an order, each a delivery row
/// and the handler's reads, for nothing). A config set adds its org before it commits.
/// </summary>
public sealed class UcpWebhookInterest : OrgDeliveryInterest
{
    public static readonly StateFilter[] Holding = [StateFilter.In("status", UcpWebhookStatus.Active, UcpWebhookStatus.Paused)];
}

/// <summary>The event types a platform's webhook may receive: exactly SCM's order, fulfilment, return, refund and promise events.</summary>
public static class UcpWebhookEventTypes
{
    public static readonly IReadOnlyList<string> All =
    [
        Retail.Scm.ScmEvents.OrderCreated, Retail.Scm.ScmEvents.OrderPlaced, Retail.Scm.ScmEvents.OrderFulfilled, Retail.Scm.ScmEvents.OrderCancelled,
        Retail.Scm.ScmEvents.OrderClosed, Retail.Scm.ScmEvents.OrderLineCancelled,
        Retail.Scm.ScmEvents.ShipmentCreated, Retail.Scm.ScmEvents.ShipmentUpdated, Retail.Scm.ScmEvents.ShipmentCancelled, Retail.Scm.ScmEvents.Delivered,
        Retail.Scm.ScmEvents.ReturnRequested, Retail.Scm.ScmEvents.ReturnAuthorized, Retail.Scm.ScmEvents.ReturnReceived, Retail.Scm.ScmEvents.ReturnInspected,
        Retail.Scm.ScmEvents.ReturnResolved, Retail.Scm.ScmEvents.Refund,
        Retail.Scm.ScmEvents.PromiseQuoted, Retail.Scm.ScmEvents.PromiseReserved, Retail.Scm.ScmEvents.PromiseAllocated, Retail.Scm.ScmEvents.PromiseCommitted,
    ];

    private static readonly HashSet<string> Known = new(All, StringComparer.Ordinal);

    public static bool IsKnown(string type) => Known.Contains(type);
}

/// <summary>
/// Which platform an SCM order came through: written when a UCP checkout completes into an order (in the same batch), so
/// the fan-out finds the platform of any order event by the order alone (SCM's events do not carry the order's source).
/// </summary>
public sealed record UcpOrderLink : Record
{
    public required string OrderGuid { get; init; }

    public required string PlatformGuid { get; init; }

    /// <summary>The checkout session the order was placed from (SCM's <c>source_guid</c>).</summary>
    public string? CheckoutGuid { get; init; }

    public string? CustomerGuid { get; init; }

    [JsonIgnore]
    public override string Key => OrderGuid;

    public static readonly RecordType<UcpOrderLink> Type = new RecordType<UcpOrderLink>("order_link").IndexBy("platform_guid");
}

public sealed record UcpWebhookConfigSetRequest(string? PlatformGuid, string? Url, IReadOnlyList<string>? EventTypes, UcpWebhookStatus? Status,
    long? ExpectedRevision);

public sealed record UcpWebhookPlatformRequest(string? PlatformGuid);

/// <param name="Secret">Only when the config was created: the signing secret, never answered again.</param>
public sealed record UcpWebhookConfigResponse(UcpWebhookConfigView Config, string? Secret = null);

public sealed record UcpWebhookConfigView(string PlatformGuid, string Url, IReadOnlyList<string> EventTypes, UcpWebhookStatus Status, string? StatusReason,
    DateTimeOffset? PausedAt, string SecretHint, long Revision, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, UcpWebhookHealthView? DeliverySummary = null)
{
    public static UcpWebhookConfigView From(UcpWebhookConfig c) =>
        new(c.PlatformGuid, c.Url, c.EventTypes, c.Status, c.StatusReason, c.PausedAt, c.SecretHint, c.Revision, c.CreatedAt, c.UpdatedAt);
}

public sealed record UcpWebhookHealthView(int ConsecutiveFailures, DateTimeOffset? LastAttemptAt, DateTimeOffset? LastDeliveredAt, string? LastError);

public sealed record UcpWebhookTestResponse(string PlatformGuid, string EventId, bool Delivered, int? StatusCode, long LatencyMs, string? Error,
    string? ResponseExcerpt);

public sealed class UcpWebhookConfigSetValidator : AbstractValidator<UcpWebhookConfigSetRequest>
{
    public UcpWebhookConfigSetValidator()
    {
        RuleFor(r => r.PlatformGuid).NotEmpty();
        RuleFor(r => r.Url).NotEmpty().MaximumLength(2048);
        RuleFor(r => r.EventTypes).NotEmpty();
        RuleForEach(r => r.EventTypes).NotEmpty();
        RuleFor(r => r.Status).Must(s => s is null or UcpWebhookStatus.Active or UcpWebhookStatus.Paused)
            .WithMessage("status is active or paused.");
    }
}

public sealed class UcpWebhookPlatformValidator : AbstractValidator<UcpWebhookPlatformRequest>
{
    public UcpWebhookPlatformValidator() => RuleFor(r => r.PlatformGuid).NotEmpty();
}
