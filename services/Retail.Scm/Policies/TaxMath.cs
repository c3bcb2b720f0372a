namespace Retail.Scm.Policies;

/// <summary>
/// The arithmetic of tax, as pure functions. Per line, in minor units, rounded half up (a half minor unit away from
/// zero): exclusive tax = net × r; inclusive tax = net − net / (1 + r) = net × r / (1 + r), where r = rate / 100. A
/// document's tax is the sum of its lines' rounded taxes (never rounded again), so a line's figure is what its receipt
/// shows.
/// </summary>
public static class TaxMath
{
    public const string HalfUpPerLine = "half_up_per_line";

    public static long LineTax(long netMinor, decimal ratePercent, bool inclusive)
    {
        if (ratePercent == 0m || netMinor == 0)
        {
            return 0;
        }
        var net = (decimal)netMinor;
        var exact = inclusive ? net * ratePercent / (100m + ratePercent) : net * ratePercent / 100m;
        return (long)Math.Round(exact, 0, MidpointRounding.AwayFromZero);
    }

    /// <summary>
    /// The rate of a category in a policy: its own, else 0 for <c>zero</c> and <c>exempt</c>, else the <c>standard</c>
    /// rate (a category the policy does not know is taxed at the standard rate, never left untaxed); null when the policy
    /// has no standard rate either.
    /// </summary>
    public static decimal? RateOf(IReadOnlyList<TaxRate> rates, string category)
    {
        foreach (var rate in rates)
        {
            if (rate.TaxCategory == category)
            {
                return rate.RatePercent;
            }
        }
        if (TaxCodes.ZeroUnlessListed.Contains(category))
        {
            return 0m;
        }
        return rates.FirstOrDefault(r => r.TaxCategory == TaxCodes.Standard)?.RatePercent;
    }

    /// <summary>The quote of lines (each with its category decided) under one policy version.</summary>
    public static TaxQuote Quote(TaxPolicy policy, IReadOnlyList<(TaxLineInput Line, string Category)> lines) =>
        new(policy.Jurisdiction, policy.Inclusive, policy.Version,
            lines.Select(l =>
            {
                var rate = RateOf(policy.Rates, l.Category) ?? 0m;
                return new TaxLineQuote(l.Line.LineNo, l.Category, rate, LineTax(l.Line.NetMinor, rate, policy.Inclusive));
            }).ToList());
}
