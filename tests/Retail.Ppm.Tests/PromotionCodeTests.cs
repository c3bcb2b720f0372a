using Retail.Ppm.Pricing;
using Retail.Ppm.Promotions;

namespace Retail.Ppm.Tests;

/// <summary>A promotion with a code applies only when the pricing request presents the code; one without applies as before.</summary>
public sealed class PromotionCodeTests
{
    private static readonly Promotion Coded = Build.Promo("inf-1", PromotionKind.PercentOff, percent: 10) with { Code = "ada10" };

    private static long Discount(IReadOnlySet<string>? codes, params Promotion[] promotions) =>
        Assert.Single(PriceEngine.Price(new PricingRules(Build.Policy(), [], promotions), "web", Build.At, [Build.Line(0, 1000)], codes)).DiscountMinor;

    [Fact]
    public void A_coded_promotion_applies_only_to_a_request_naming_its_code()
    {
        Assert.Equal(0, Discount(null, Coded));
        Assert.Equal(0, Discount(new HashSet<string> { "other" }, Coded));
        Assert.Equal(100, Discount(new HashSet<string> { "other", "ada10" }, Coded));
    }

    [Fact]
    public void A_promotion_without_a_code_applies_whatever_codes_are_presented()
    {
        var open = Build.Promo("open", PromotionKind.PercentOff, percent: 5);
        Assert.Equal(50, Discount(null, open));
        Assert.Equal(50, Discount(new HashSet<string> { "ada10" }, open));
    }

    [Fact]
    public void The_code_is_unique_only_while_the_promotion_is_active()
    {
        Assert.Contains(new Retail.Shared.Records.UniqueValue("code", "ada10"), Promotion.Type.UniquesOf(Coded));
        Assert.DoesNotContain(new Retail.Shared.Records.UniqueValue("code", "ada10"), Promotion.Type.UniquesOf(Coded with { Status = PromotionStatus.Ended }));
    }
}
