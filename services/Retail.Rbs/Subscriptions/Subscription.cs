using System.Text.Json.Serialization;
using Retail.Shared.Events;

namespace Retail.Rbs.Subscriptions;

/// <summary>
/// <c>pending_verification → active ⇄ paused</c>; <c>active → disabled</c> after a run of failed deliveries, and
/// <c>disabled → active</c> by an admin; a URL change sends a verified subscription back to <c>pending_verification</c>;
/// any state but <c>unregistered</c> may be unregistered. Only <c>active</c> (and verified) delivers.
/// </summary>
public enum SubscriptionStatus
{
    PendingVerification,
    Active,
    Paused,
    Disabled,
    Unregistered,
}

/// <summary>One equality match on the event's data: <see cref="Field"/> is a dotted path (<c>channel_code</c>, <c>order.facility_code</c>).</summary>
public sealed record SubscriptionFilter(string Field, string Value);

/// <summary>The outcome of the last verification challenge.</summary>
/// <param name="Reason">Why it failed: <c>no_echo</c>, <c>wrong_echo</c>, <c>http_500</c>, <c>timeout</c>, the engine's error.</param>
public sealed record VerificationAttempt(DateTimeOffset At, bool Verified, string? Reason, int? StatusCode, long LatencyMs);

/// <summary>The outcome of the last delivery attempt the engine reported.</summary>
public sealed record DeliveryOutcome(DateTimeOffset At, bool Delivered, int? StatusCode, long? LatencyMs, string? Error);

/// <summary>
/// A partner endpoint subscribed to bus topics (UC-RBS-001/002). The signing secret is not part of the record (it would
/// reach history and the CDC feed): it is kept beside it by <see cref="SubscriptionSecrets"/> and shown once, on register.
/// </summary>
public sealed record Subscription : Record
{
    public required string SubscriptionGuid { get; init; }

    public required string Url { get; init; }

    /// <summary>Business event types of the bus catalog, or prefix wildcards (<c>order.*</c>).</summary>
    public required IReadOnlyList<string> Topics { get; init; }

    /// <summary>Every filter must match the event's data (AND); none delivers every event of the topics.</summary>
    public IReadOnlyList<SubscriptionFilter> Filters { get; init; } = [];

    public string? Description { get; init; }

    public SubscriptionStatus Status { get; init; } = SubscriptionStatus.PendingVerification;

    public string? StatusReason { get; init; }

    /// <summary>When the current URL was verified; null while pending.</summary>
    public DateTimeOffset? VerifiedAt { get; init; }

    public VerificationAttempt? LastVerification { get; init; }

    /// <summary>
    /// Failed delivery attempts in a row (reset by a delivered one); at the threshold the subscription is disabled. This and
    /// the last delivery are the engine's health of the destination, read when the subscription is read: the record itself
    /// is only written for them when it is disabled, so deliveries never move its revision under a client's expected_revision.
    /// </summary>
    public int ConsecutiveFailures { get; init; }

    public DeliveryOutcome? LastDelivery { get; init; }

    public DateTimeOffset? LastDeliveredAt { get; init; }

    public DateTimeOffset? DisabledAt { get; init; }

    public DateTimeOffset? UnregisteredAt { get; init; }

    [JsonIgnore]
    public override string Key => SubscriptionGuid;

    /// <summary>Whether the engine may send to it now: active and verified.</summary>
    [JsonIgnore]
    public bool Delivers => Status == SubscriptionStatus.Active && VerifiedAt is not null;

    /// <summary>
    /// Whether the fan-out stages the events of its topics for it: verified and active, or paused (a pause holds what comes
    /// meanwhile, sent on resume). A disabled, unverified or unregistered subscription gets nothing staged.
    /// </summary>
    [JsonIgnore]
    public bool Receives => VerifiedAt is not null && Status is SubscriptionStatus.Active or SubscriptionStatus.Paused;

    /// <summary>The transitions of <c>/subscription/status/set</c>: <c>active ⇄ paused</c>, <c>disabled → active</c>.</summary>
    public static readonly StateMachine<SubscriptionStatus> StatusSet = new(new Dictionary<SubscriptionStatus, SubscriptionStatus[]>
    {
        [SubscriptionStatus.Active] = [SubscriptionStatus.Paused],
        [SubscriptionStatus.Paused] = [SubscriptionStatus.Active],
        [SubscriptionStatus.Disabled] = [SubscriptionStatus.Active],
    });

    /// <summary>
    /// The topic patterns the subscription receives now, as index values: empty unless it <see cref="Receives"/>, so the
    /// fan-out finds exactly the verified, active or paused subscriptions of a topic with one seek per pattern.
    /// </summary>
    public const string DeliversSet = "delivers";

    public static readonly RecordType<Subscription> Type = new RecordType<Subscription>("subscription")
        .IndexBy("status")
        // The orgs that hold a subscription, read at start into SubscriptionInterest.
        .IndexAcrossOrgs("status")
        .IndexValues(DeliversSet, s => s.Receives ? s.Topics : []);
}

/// <summary>
/// The orgs with a subscription that is not unregistered: the bus stages no RBS fan-out delivery for the others (most
/// events of most orgs). A register adds its org before it commits; a pending one counts, as it may be verified later.
/// </summary>
public sealed class SubscriptionInterest : OrgDeliveryInterest
{
    public static readonly StateFilter[] Holding =
    [
        StateFilter.In("status", SubscriptionStatus.PendingVerification, SubscriptionStatus.Active, SubscriptionStatus.Paused, SubscriptionStatus.Disabled),
    ];
}
