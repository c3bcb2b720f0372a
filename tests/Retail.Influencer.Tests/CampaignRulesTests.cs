using Retail.Influencer.Campaigns;
using Retail.Influencer.Profiles;

namespace Retail.Influencer.Tests;

public sealed class DiscountTierTests
{
    private static DiscountTier Tier(string code, long threshold, int rate, bool active = true) =>
        new() { TierCode = code, Name = code, Currency = "EUR", ThresholdMinor = threshold, CommissionRateBps = rate, Active = active };

    private static readonly DiscountTier[] Tiers = [Tier("gold", 500_000, 1500), Tier("bronze", 0, 500), Tier("silver", 100_000, 1000),
        Tier("platinum", 200_000, 2000, active: false)];

    [Fact]
    public void The_tier_is_the_highest_active_threshold_reached()
    {
        Assert.Equal("bronze", DiscountTiers.For(Tiers, 0)?.TierCode);
        Assert.Equal("bronze", DiscountTiers.For(Tiers, 99_999)?.TierCode);
        Assert.Equal("silver", DiscountTiers.For(Tiers, 100_000)?.TierCode);
        // platinum is inactive: never applies.
        Assert.Equal("silver", DiscountTiers.For(Tiers, 300_000)?.TierCode);
        Assert.Equal("gold", DiscountTiers.For(Tiers, long.MaxValue)?.TierCode);
    }

    [Fact]
    public void No_tier_applies_below_every_threshold_or_without_tiers()
    {
        Assert.Null(DiscountTiers.For([Tier("silver", 100_000, 1000)], 99_999));
        Assert.Null(DiscountTiers.For([], 1_000_000));
        Assert.Null(DiscountTiers.For(Tiers, -1));
    }
}

public sealed class PayoutReadinessRuleTests
{
    private static InfluencerProfile Ready() => new()
    {
        ProfileGuid = "p1", Handle = "ada", DisplayName = "Ada", Currency = "EUR", Status = ProfileStatus.Active, PayoutMethodRef = "pm_abcdef",
        TaxFormStatus = TaxFormStatus.Verified, PayoutReady = true, MinimumPayoutMinor = 1000,
    };

    [Fact]
    public void A_profile_is_ready_with_a_method_a_verified_form_the_switch_on_and_the_minimum_available()
    {
        Assert.Empty(PayoutReadiness.Reasons(Ready(), 1000));
        Assert.Equal([PayoutReadiness.BelowMinimum], PayoutReadiness.Reasons(Ready(), 999));
        Assert.Equal([PayoutReadiness.BelowMinimum], PayoutReadiness.Reasons(Ready() with { MinimumPayoutMinor = 0 }, 0));
    }

    [Fact]
    public void Every_reason_is_listed()
    {
        var none = Ready() with { Status = ProfileStatus.Suspended, PayoutMethodRef = null, TaxFormStatus = TaxFormStatus.Submitted, PayoutReady = false };
        Assert.Equal([PayoutReadiness.ProfileNotActive, PayoutReadiness.NoPayoutMethod, PayoutReadiness.TaxFormNotVerified, PayoutReadiness.Disabled,
            PayoutReadiness.BelowMinimum], PayoutReadiness.Reasons(none, -50));
    }
}
