using System.ComponentModel;
using Retail.Rbs.Subscriptions;
using Retail.Shared.Events;

namespace Retail.Rbs;

/// <summary>
/// The business events RBS publishes (topic = type), each committed in the transaction of its change beside the CDC
/// event of every record. Listed in README.md. Add yours here (merge conflicts: keep both).
/// </summary>
public static class RbsEvents
{
    [EventData(typeof(SubscriptionChanged))]
    [Description("A partner subscription was registered; it waits for verification.")]
    public const string SubscriptionRegistered = "subscription.registered";

    [EventData(typeof(SubscriptionChanged))]
    [Description("A subscription's endpoint echoed the challenge: it is active.")]
    public const string SubscriptionVerified = "subscription.verified";

    [EventData(typeof(SubscriptionChanged))]
    [Description("A subscription was paused, resumed, re-activated or sent back to verification by a new URL.")]
    public const string SubscriptionStatusChanged = "subscription.status_changed";

    [EventData(typeof(SubscriptionChanged))]
    [Description("A subscription was unregistered; its queued deliveries were cancelled.")]
    public const string SubscriptionUnregistered = "subscription.unregistered";

    [EventData(typeof(SubscriptionChanged))]
    [Description("RBS disabled a subscription after a run of failed deliveries.")]
    public const string SubscriptionDisabled = "subscription.disabled";
}

/// <summary>The messages RBS sends to a partner's endpoint only (never published on the bus, so not in the event catalog).</summary>
public static class RbsMessages
{
    /// <summary>The verification challenge.</summary>
    public const string SubscriptionVerification = "rbs.subscription.verification";

    /// <summary>A test event an admin asked for.</summary>
    public const string SubscriptionTest = "rbs.subscription.test";
}
