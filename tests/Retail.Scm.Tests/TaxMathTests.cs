using Retail.Scm.Policies;

namespace Retail.Scm.Tests;

public sealed class TaxMathTests
{
    [Theory]
    [InlineData(1000, 19, 190)]
    [InlineData(1050, 7, 74)] // 73.5 rounds half up
    [InlineData(1, 19, 0)] // 0.19
    [InlineData(3, 19, 1)] // 0.57
    [InlineData(50, 1, 1)] // 0.5 exactly: half up
    [InlineData(0, 19, 0)]
    [InlineData(1000, 0, 0)]
    [InlineData(999_999_999_999, 25, 250_000_000_000)] // 249,999,999,999.75
    public void Exclusive_tax_is_net_times_rate_rounded_half_up(long net, double rate, long tax) =>
        Assert.Equal(tax, TaxMath.LineTax(net, (decimal)rate, inclusive: false));

    [Theory]
    [InlineData(1190, 19, 190)]
    [InlineData(1000, 19, 160)] // 159.66
    [InlineData(107, 7, 7)]
    [InlineData(1000, 7, 65)] // 65.42
    [InlineData(205, 2.5, 5)] // 5.0
    [InlineData(21, 5, 1)] // 1.0
    [InlineData(0, 19, 0)]
    public void Inclusive_tax_is_net_minus_net_over_one_plus_rate_rounded_half_up(long net, double rate, long tax) =>
        Assert.Equal(tax, TaxMath.LineTax(net, (decimal)rate, inclusive: true));

    [Fact]
    public void A_half_minor_unit_rounds_up_both_ways()
    {
        // 150 × 1% = 1.5 → 2; 505 × 10% = 50.5 → 51
        Assert.Equal(2, TaxMath.LineTax(150, 1m, false));
        Assert.Equal(51, TaxMath.LineTax(505, 10m, false));
        Assert.Equal(-51, TaxMath.LineTax(-505, 10m, false)); // a negative amount rounds away from zero, as its positive does
    }

    [Fact]
    public void A_document_sums_its_lines_rounded_taxes_never_rounding_again()
    {
        var policy = Policy(inclusive: false, new TaxRate("standard", 19m), new TaxRate("reduced", 7m));
        var lines = new[] { Line(1, 3), Line(2, 3), Line(3, 3) }.Select(l => (l, "standard")).ToList();
        var quote = TaxMath.Quote(policy, lines);
        // each line: 0.57 → 1; the document's 1.71 would round to 2, but it is the sum of its lines, 3
        Assert.Equal(3, quote.TaxMinor);
        Assert.All(quote.Lines, l => Assert.Equal(1, l.TaxMinor));
    }

    [Fact]
    public void A_category_the_policy_does_not_list_is_standard_and_zero_and_exempt_are_nothing_unless_listed()
    {
        IReadOnlyList<TaxRate> rates = [new("standard", 19m), new("reduced", 7m), new("exempt", 5m)];
        Assert.Equal(7m, TaxMath.RateOf(rates, "reduced"));
        Assert.Equal(19m, TaxMath.RateOf(rates, "luxury"));
        Assert.Equal(0m, TaxMath.RateOf(rates, "zero"));
        Assert.Equal(5m, TaxMath.RateOf(rates, "exempt"));
    }

    [Theory]
    [InlineData("DE", null, "DE")]
    [InlineData("de", "BY", "DE-BY")]
    [InlineData("DE", "DE-BY", "DE-BY")]
    [InlineData("US", "CA", "US-CA")]
    [InlineData("DE", "Bavaria", "DE")] // not a subdivision code: the country
    public void An_address_jurisdiction_is_its_country_and_region(string country, string? region, string jurisdiction) =>
        Assert.Equal(jurisdiction, TaxCodes.OfAddress(country, region));

    [Fact]
    public void A_subdivision_falls_back_to_its_country()
    {
        Assert.Equal(["DE-BY", "DE"], TaxCodes.FallbackChain("DE-BY"));
        Assert.Equal(["DE"], TaxCodes.FallbackChain("DE"));
    }

    private static TaxLineInput Line(int no, long net) => new(no, Guid.CreateVersion7().ToString(), 1, net);

    private static TaxPolicy Policy(bool inclusive, params TaxRate[] rates) =>
        new() { Jurisdiction = "DE", Version = 1, EffectiveFrom = DateTimeOffset.UnixEpoch, Inclusive = inclusive, Rates = rates };
}
