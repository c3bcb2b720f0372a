namespace Retail.Rbs;

/// <summary>
/// The business events RBS publishes (topic = type), each committed in the transaction of its change beside the CDC
/// event of every record. Listed in README.md. Add yours here (merge conflicts: keep both).
/// </summary>
public static class RbsEvents
{
    public const string SubscriptionRegistered = "rbs.subscription.registered";
    public const string SubscriptionVerified = "rbs.subscription.verified";
    public const string SubscriptionStatusChanged = "rbs.subscription.status_changed";
    public const string SubscriptionUnregistered = "rbs.subscription.unregistered";
    public const string SubscriptionDisabled = "rbs.subscription.disabled";

    /// <summary>Sent to the endpoint only (never published): the verification challenge.</summary>
    public const string SubscriptionVerification = "rbs.subscription.verification";

    /// <summary>Sent to the endpoint only (never published): a test event an admin asked for.</summary>
    public const string SubscriptionTest = "rbs.subscription.test";
}
