using Retail.Ppm.Pricing;

namespace Retail.Ppm.Tests;

/// <summary>The pure pricing engine: examples and property tests (issue 12, promotions helper).</summary>
public sealed class PriceEngineTests
{
    [Fact]
    public void No_rules_and_no_promotions_leave_the_base_price()
    {
        var line = new CartLine(0, new ProductPath("v1", "s1", "b1", ["c1"]), 3, "each", new BasePrice("retail", null, "EUR", 1999, null));
        var priced = Assert.Single(PriceEngine.Price(PricingRules.Empty, "web", DateTimeOffset.UnixEpoch, [line]));
        Assert.Equal(1999, priced.UnitMinor);
        Assert.Equal(5997, priced.ExtendedMinor);
        Assert.Equal(0, priced.DiscountMinor);
    }
}
