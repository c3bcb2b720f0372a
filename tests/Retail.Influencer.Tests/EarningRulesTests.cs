using Retail.Influencer.Campaigns;
using Retail.Influencer.Earnings;

namespace Retail.Influencer.Tests;

public sealed class EarningRulesTests
{
    [Fact]
    public void A_commission_is_the_rate_of_the_net_rounded_down()
    {
        Assert.Equal(264, EarningRules.Commission(3400, 777));
        Assert.Equal(310, EarningRules.Commission(3100, 1000));
        Assert.Equal(0, EarningRules.Commission(9, 1000));
        Assert.Equal(0, EarningRules.Commission(-100, 1000));
        Assert.Equal(922_337_203_685_477_580, EarningRules.Commission(long.MaxValue, 1000));
    }

    [Fact]
    public void A_clawback_is_the_returned_share_rounded_down_and_never_more_than_is_left()
    {
        Assert.Equal(93, EarningRules.ProportionalClawback(264, 1200, 3400, 264));
        Assert.Equal(264, EarningRules.ProportionalClawback(264, 3400, 3400, 264));
        Assert.Equal(264, EarningRules.ProportionalClawback(264, 9999, 3400, 264));
        Assert.Equal(10, EarningRules.ProportionalClawback(264, 3400, 3400, 10));
        Assert.Equal(0, EarningRules.ProportionalClawback(264, 1200, 3400, 0));
        Assert.Equal(0, EarningRules.ProportionalClawback(264, 0, 3400, 264));
        // Returns of every part, one by one, never claw back more than the commission.
        long left = 100;
        foreach (var part in new long[] { 333, 333, 334 })
        {
            left -= EarningRules.ProportionalClawback(100, part, 1000, left);
        }
        Assert.InRange(left, 0, 2);
    }

    [Fact]
    public void With_tiers_the_highest_reached_active_tier_pays_never_below_the_campaign_rate()
    {
        var rule = new CommissionRule(800, UseTiers: true, ReturnWindowDays: 30);
        DiscountTier[] tiers =
        [
            new() { TierCode = "silver", Name = "Silver", Currency = "EUR", ThresholdMinor = 10_000, CommissionRateBps = 1000 },
            new() { TierCode = "gold", Name = "Gold", Currency = "EUR", ThresholdMinor = 50_000, CommissionRateBps = 1500 },
            new() { TierCode = "old", Name = "Old", Currency = "EUR", ThresholdMinor = 20_000, CommissionRateBps = 3000, Active = false },
            new() { TierCode = "usd", Name = "USD", Currency = "USD", ThresholdMinor = 0, CommissionRateBps = 2000 },
            new() { TierCode = "low", Name = "Low", Currency = "EUR", ThresholdMinor = 0, CommissionRateBps = 500 },
        ];
        Assert.Equal((800, null), EarningRules.RateFor(rule, "EUR", 9_999, tiers));
        Assert.Equal((1000, "silver"), EarningRules.RateFor(rule, "EUR", 10_000, tiers));
        Assert.Equal((1000, "silver"), EarningRules.RateFor(rule, "EUR", 49_999, tiers));
        Assert.Equal((1500, "gold"), EarningRules.RateFor(rule, "EUR", 50_000, tiers));
        Assert.Equal((800, null), EarningRules.RateFor(rule with { UseTiers = false }, "EUR", 50_000, tiers));
    }

    [Fact]
    public void A_status_change_moves_the_amount_between_the_parts_of_the_balance()
    {
        var balance = new InfluencerBalance { ProfileGuid = "p1", Currency = "EUR", PendingMinor = 300 };
        var held = EarningRules.Move(EarningRules.Move(balance, EarningStatus.Pending, 100, -1), EarningStatus.Held, 100);
        Assert.Equal((200L, 100L, 0L), (held.PendingMinor, held.HeldMinor, held.AvailableMinor));
        var clawed = EarningRules.Move(held, EarningStatus.Available, -40);
        Assert.Equal(-40, clawed.AvailableMinor);
        Assert.Equal(clawed, EarningRules.Move(clawed, EarningStatus.Cancelled, 100));
    }

    [Fact]
    public void Only_pending_and_available_commissions_are_held_and_paid_and_cancelled_are_final()
    {
        Assert.True(Earning.Lifecycle.CanMove(EarningStatus.Pending, EarningStatus.Held));
        Assert.True(Earning.Lifecycle.CanMove(EarningStatus.Available, EarningStatus.Held));
        Assert.False(Earning.Lifecycle.CanMove(EarningStatus.Paid, EarningStatus.Held));
        Assert.False(Earning.Lifecycle.CanMove(EarningStatus.Cancelled, EarningStatus.Held));
        Assert.False(Earning.Lifecycle.CanMove(EarningStatus.Available, EarningStatus.Cancelled));
    }

    [Fact]
    public void A_returned_line_is_worth_its_net_for_what_came_back()
    {
        Assert.Equal(1200, new ScmReturnLine(2, 1, 1200, null).ReturnedNetMinor);
        Assert.Equal(600, new ScmReturnLine(2, 2, 1200, 1).ReturnedNetMinor);
        Assert.Equal(0, new ScmReturnLine(2, 2, 1200, 0).ReturnedNetMinor);
        Assert.Equal(1200, new ScmReturnLine(2, 2, 1200, 5).ReturnedNetMinor);
    }
}
