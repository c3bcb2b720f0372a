using Retail.Influencer.Campaigns;

namespace Retail.Influencer.Earnings;

/// <summary>The arithmetic of earnings, in integer minor units (pure, so it is tested without a host).</summary>
public static class EarningRules
{
    /// <summary>floor(base × rate_bps / 10000); never negative.</summary>
    public static long Commission(long baseMinor, int rateBps) =>
        baseMinor <= 0 || rateBps <= 0 ? 0 : (long)((Int128)baseMinor * rateBps / 10_000);

    /// <summary>
    /// The share of a commission a return takes back: floor(commission × returned_net / attributed_net), and never more than
    /// what is left to claw back (<paramref name="clawable"/>), so the clawbacks of a commission never exceed it.
    /// </summary>
    public static long ProportionalClawback(long commissionMinor, long returnedNetMinor, long attributedNetMinor, long clawable)
    {
        if (commissionMinor <= 0 || returnedNetMinor <= 0 || attributedNetMinor <= 0 || clawable <= 0)
        {
            return 0;
        }
        var share = returnedNetMinor >= attributedNetMinor ? commissionMinor : (long)((Int128)commissionMinor * returnedNetMinor / attributedNetMinor);
        return Math.Min(share, clawable);
    }

    /// <summary>
    /// The rate a sale earns: the campaign's rate, or with tiers the rate of the highest active tier (in the campaign's
    /// currency) the influencer's attributed net before this sale has reached, never below the campaign's rate.
    /// </summary>
    public static (int RateBps, string? TierCode) RateFor(CommissionRule rule, string currency, long attributedNetBefore, IEnumerable<DiscountTier> tiers)
    {
        if (!rule.UseTiers)
        {
            return (rule.RateBps, null);
        }
        var reached = DiscountTiers.For(tiers.Where(t => string.Equals(t.Currency, currency, StringComparison.OrdinalIgnoreCase)), attributedNetBefore);
        return reached is null || reached.CommissionRateBps <= rule.RateBps ? (rule.RateBps, null) : (reached.CommissionRateBps, reached.TierCode);
    }

    /// <summary>The balance after an amount enters (<paramref name="sign"/> +1) or leaves (−1) the part a status counts in.</summary>
    public static InfluencerBalance Move(InfluencerBalance balance, EarningStatus status, long amountMinor, int sign = 1) => status switch
    {
        EarningStatus.Pending => balance with { PendingMinor = balance.PendingMinor + (sign * amountMinor) },
        EarningStatus.Available => balance with { AvailableMinor = balance.AvailableMinor + (sign * amountMinor) },
        EarningStatus.Held => balance with { HeldMinor = balance.HeldMinor + (sign * amountMinor) },
        EarningStatus.Paid => balance with { PaidMinor = balance.PaidMinor + (sign * amountMinor) },
        _ => balance,
    };
}
