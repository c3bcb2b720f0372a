namespace Retail.Influencer.Campaigns;

/// <summary>Which discount tier an influencer's attributed volume has reached.</summary>
public static class DiscountTiers
{
    /// <summary>
    /// The active tier with the highest threshold at or below <paramref name="attributedNetMinor"/> (ties: the higher
    /// commission rate, then the tier code), or null when none is reached. Currency is the caller's concern: pass the
    /// tiers of the attributed volume's currency.
    /// </summary>
    public static DiscountTier? For(IEnumerable<DiscountTier> tiers, long attributedNetMinor) =>
        tiers.Where(t => t.Active && !t.IsDoomed && t.ThresholdMinor <= attributedNetMinor)
            .OrderByDescending(t => t.ThresholdMinor)
            .ThenByDescending(t => t.CommissionRateBps)
            .ThenBy(t => t.TierCode, StringComparer.Ordinal)
            .FirstOrDefault();
}
