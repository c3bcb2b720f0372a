namespace Retail.Rbs.Subscriptions;

/// <summary>The data of every <c>rbs.subscription.*</c> event: the subscription as it stands after the change, never its secret.</summary>
public sealed record SubscriptionChanged(string Orgcode, string SubscriptionGuid, string Url, IReadOnlyList<string> Topics, SubscriptionStatus Status,
    SubscriptionStatus? PreviousStatus, string? Reason, DateTimeOffset? VerifiedAt, int ConsecutiveFailures, long Revision);

public static class SubscriptionEvents
{
    public static DomainEvent Registered(string orgcode, Subscription s) => Of(RbsEvents.SubscriptionRegistered, orgcode, s, null, null, 1);

    public static DomainEvent Verified(string orgcode, Subscription before, Subscription after) =>
        Of(RbsEvents.SubscriptionVerified, orgcode, after, before.Status, null, before.Revision + 1);

    public static DomainEvent StatusChanged(string orgcode, Subscription before, Subscription after) =>
        Of(RbsEvents.SubscriptionStatusChanged, orgcode, after, before.Status, after.StatusReason, before.Revision + 1);

    public static DomainEvent Unregistered(string orgcode, Subscription before, Subscription after) =>
        Of(RbsEvents.SubscriptionUnregistered, orgcode, after, before.Status, null, before.Revision + 1);

    public static DomainEvent Disabled(string orgcode, Subscription before, Subscription after) =>
        Of(RbsEvents.SubscriptionDisabled, orgcode, after, before.Status, after.StatusReason, before.Revision + 1);

    private static DomainEvent Of(string type, string orgcode, Subscription s, SubscriptionStatus? previous, string? reason, long revision) =>
        new(type, new SubscriptionChanged(orgcode, s.SubscriptionGuid, s.Url, s.Topics, s.Status, previous, reason, s.VerifiedAt, s.ConsecutiveFailures, revision),
            $"subscription/{s.SubscriptionGuid}");
}
