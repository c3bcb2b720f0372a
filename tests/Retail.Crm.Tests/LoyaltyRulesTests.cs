using Retail.Crm.Loyalty;
using Retail.Shared.Records;

namespace Retail.Crm.Tests;

public sealed class LoyaltyRulesTests
{
    private static readonly LoyaltyPolicy Policy = LoyaltyPolicy.Default with
    {
        EarnRates = [new EarnRate("EUR", 1, 100), new EarnRate("JPY", 1, 1)],
        Tiers = [new LoyaltyTier("silver", 100, 1.5m), new LoyaltyTier("gold", 1000, 2m)],
        RedemptionValues = [new RedemptionValue("EUR", 5)],
        ExpiryMonths = 12,
    };

    [Fact]
    public void An_earn_counts_whole_blocks_of_the_rate_times_the_tier_reached_before_it_rounded_down()
    {
        Assert.Equal(new EarnQuote(12, null, 1m), LoyaltyRules.Earn(Policy, 1299, "EUR", 0));
        Assert.Equal(new EarnQuote(18, "silver", 1.5m), LoyaltyRules.Earn(Policy, 1299, "EUR", 100));
        Assert.Equal(new EarnQuote(24, "gold", 2m), LoyaltyRules.Earn(Policy, 1299, "EUR", 5000));
        Assert.Equal(0, LoyaltyRules.Earn(Policy, 99, "EUR", 0)!.Points);
        Assert.Null(LoyaltyRules.Earn(Policy, 1000, "USD", 0));
    }

    [Fact]
    public void An_amount_costs_the_points_that_cover_it()
    {
        Assert.Equal((20L, 100L), LoyaltyRules.PriceOf(Policy, 100, "EUR"));
        Assert.Equal((21L, 105L), LoyaltyRules.PriceOf(Policy, 101, "EUR"));
        Assert.Null(LoyaltyRules.PriceOf(Policy, 100, "JPY"));
    }

    [Fact]
    public void Takes_come_from_the_buckets_in_the_order_given_and_never_more_than_they_hold()
    {
        LoyaltyBucket Bucket(string guid, long remaining) => new() { BucketGuid = guid, CustomerGuid = "c", Earned = remaining, Remaining = remaining };
        var open = new[] { Bucket("a", 5), Bucket("b", 0), Bucket("c", 10) };
        Assert.Equal([new BucketTake("a", 5), new BucketTake("c", 3)], LoyaltyRules.Take(open, 8));
        Assert.Equal([new BucketTake("a", 4)], LoyaltyRules.Take(open, 4));
        Assert.Null(LoyaltyRules.Take(open, 16));
    }

    [Fact]
    public void Reversals_are_proportional_and_cumulative_so_returning_everything_reverses_everything_and_never_more()
    {
        var earn = new LoyaltyBucket { BucketGuid = "e", CustomerGuid = "c", Earned = 23, Remaining = 23, AmountMinor = 2380 };
        var first = LoyaltyRules.ReversalOf(earn, null, 1190);
        Assert.Equal(11, first);
        var after = earn with { Reversed = first, ReturnedMinor = 1190 };
        Assert.Equal(12, LoyaltyRules.ReversalOf(after, null, 1190));
        Assert.Equal(12, LoyaltyRules.ReversalOf(after, null, 99_999));
        Assert.Equal(12, LoyaltyRules.ReversalOf(after, 500, null));
        Assert.Equal(12, LoyaltyRules.ReversalOf(after, null, null));
        Assert.Equal(0, LoyaltyRules.ReversalOf(after with { Reversed = 23 }, null, null));
    }

    [Fact]
    public void The_tier_is_the_highest_threshold_reached_and_expiry_counts_calendar_months()
    {
        Assert.Null(Policy.TierFor(99));
        Assert.Equal("silver", Policy.TierFor(100)!.Name);
        Assert.Equal("gold", Policy.TierFor(10_000)!.Name);
        var earned = new DateTimeOffset(2026, 1, 31, 12, 0, 0, TimeSpan.Zero);
        Assert.Equal(new DateTimeOffset(2027, 1, 31, 12, 0, 0, TimeSpan.Zero), Policy.ExpiryOf(earned));
        Assert.Null(LoyaltyPolicy.Default.ExpiryOf(earned));
    }

    [Fact]
    public void An_entry_is_unique_by_its_kind_and_reference_and_merge_and_expiry_entries_claim_none()
    {
        LoyaltyEntry Entry(LoyaltyEntryKind kind, string? reference) => new()
        {
            EntryGuid = "e", CustomerGuid = "c", Kind = kind, Points = 1, BalanceAfter = 1, Reference = reference, Actor = "u", PolicyVersion = 1,
        };
        Assert.Equal([new UniqueValue("reference", "earn:SO-1")], LoyaltyEntry.Type.UniquesOf(Entry(LoyaltyEntryKind.Earn, "SO-1")));
        Assert.Equal([new UniqueValue("reference", "restore:POS-1")], LoyaltyEntry.Type.UniquesOf(Entry(LoyaltyEntryKind.Restore, "POS-1")));
        Assert.Empty(LoyaltyEntry.Type.UniquesOf(Entry(LoyaltyEntryKind.MergeIn, "merge:x")));
        Assert.Empty(LoyaltyEntry.Type.UniquesOf(Entry(LoyaltyEntryKind.Adjust, null)));
    }
}
