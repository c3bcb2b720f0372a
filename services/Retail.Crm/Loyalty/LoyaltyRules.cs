namespace Retail.Crm.Loyalty;

/// <summary>What an earn by amount yields under a policy: the points, and the tier and multiplier that applied.</summary>
public sealed record EarnQuote(long Points, string? Tier, decimal Multiplier);

/// <summary>The ledger's arithmetic, free of storage: earn quotes, redemption prices, FIFO takes and proportional reversals.</summary>
public static class LoyaltyRules
{
    public const long MaxPoints = 1_000_000_000_000;
    public const long MaxAmountMinor = 1_000_000_000_000;

    /// <summary>
    /// Points for <paramref name="amountMinor"/> of <paramref name="currency"/>: whole blocks of the rate's minor units,
    /// times the customer's tier multiplier (the tier reached before this earn), rounded down (at most
    /// <see cref="MaxPoints"/>); null when the policy does not earn in that currency.
    /// </summary>
    public static EarnQuote? Earn(LoyaltyPolicy policy, long amountMinor, string currency, long lifetimeEarned)
    {
        if (policy.EarnRateFor(currency) is not { } rate)
        {
            return null;
        }
        var tier = policy.TierFor(lifetimeEarned);
        var multiplier = tier?.EarnMultiplier ?? 1m;
        var basePoints = (decimal)(amountMinor / rate.PerMinor) * rate.Points;
        return new EarnQuote((long)Math.Min(Math.Floor(basePoints * multiplier), MaxPoints), tier?.Name, multiplier);
    }

    /// <summary>The points an amount costs (rounded up, so the amount is covered) and what they are worth; null when the currency has no value.</summary>
    public static (long Points, long ValueMinor)? PriceOf(LoyaltyPolicy policy, long amountMinor, string currency)
    {
        if (policy.RedemptionValueFor(currency) is not { } value)
        {
            return null;
        }
        var points = (amountMinor + value.MinorPerPoint - 1) / value.MinorPerPoint;
        return (points, points * value.MinorPerPoint);
    }

    /// <summary>
    /// Takes <paramref name="points"/> from <paramref name="open"/> in the order given (first expiring first); null when
    /// they do not hold that many.
    /// </summary>
    public static IReadOnlyList<BucketTake>? Take(IEnumerable<LoyaltyBucket> open, long points)
    {
        var takes = new List<BucketTake>();
        var left = points;
        foreach (var bucket in open)
        {
            if (left == 0)
            {
                break;
            }
            var take = Math.Min(left, bucket.Remaining);
            if (take > 0)
            {
                takes.Add(new BucketTake(bucket.BucketGuid, take));
                left -= take;
            }
        }
        return left == 0 ? takes : null;
    }

    /// <summary>
    /// The points a reversal undoes of an earn: an explicit number (never more than is left unreversed), the share of the
    /// earn an amount returned stands for (cumulative over every return, so rounding never loses or adds a point, and a
    /// return of everything reverses everything), or all that is left.
    /// </summary>
    public static long ReversalOf(LoyaltyBucket earn, long? points, long? returnedMinor)
    {
        var left = earn.Earned - earn.Reversed;
        if (points is { } asked)
        {
            return Math.Min(asked, left);
        }
        if (returnedMinor is { } returned && earn.AmountMinor is > 0 and { } earnedOn)
        {
            var cumulative = Math.Min(earn.ReturnedMinor + returned, earnedOn);
            var target = (long)Math.Floor((decimal)earn.Earned * cumulative / earnedOn);
            return Math.Clamp(target - earn.Reversed, 0, left);
        }
        return left;
    }
}
