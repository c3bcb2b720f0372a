using Retail.Rbs.Subscriptions;

namespace Retail.Rbs.Tests;

public sealed class SubscriptionLifecycleTests
{
    [Theory]
    [InlineData(SubscriptionStatus.Active, SubscriptionStatus.Paused, true)]
    [InlineData(SubscriptionStatus.Paused, SubscriptionStatus.Active, true)]
    [InlineData(SubscriptionStatus.Disabled, SubscriptionStatus.Active, true)]
    [InlineData(SubscriptionStatus.Disabled, SubscriptionStatus.Paused, false)]
    [InlineData(SubscriptionStatus.Active, SubscriptionStatus.Active, false)]
    [InlineData(SubscriptionStatus.PendingVerification, SubscriptionStatus.Active, false)]
    [InlineData(SubscriptionStatus.Unregistered, SubscriptionStatus.Active, false)]
    public void status_set_moves_active_and_paused_and_re_activates_a_disabled_subscription(SubscriptionStatus from, SubscriptionStatus to, bool allowed) =>
        Assert.Equal(allowed, Subscription.StatusSet.CanMove(from, to));

    [Theory]
    [InlineData(SubscriptionStatus.Active, true, true)]
    [InlineData(SubscriptionStatus.Active, false, false)]
    [InlineData(SubscriptionStatus.Paused, true, false)]
    [InlineData(SubscriptionStatus.Disabled, true, false)]
    [InlineData(SubscriptionStatus.PendingVerification, false, false)]
    [InlineData(SubscriptionStatus.Unregistered, true, false)]
    public void only_an_active_verified_subscription_delivers_and_only_it_is_indexed_under_its_topics(SubscriptionStatus status, bool verified, bool delivers)
    {
        var subscription = new Subscription
        {
            SubscriptionGuid = "s1",
            Url = "https://partner.example/hooks",
            Topics = ["customer.created", "order.*"],
            Status = status,
            VerifiedAt = verified ? DateTimeOffset.UtcNow : null,
        };
        Assert.Equal(delivers, subscription.Delivers);
    }
}
