using Retail.Ppm.Policy;
using Retail.Ppm.Promotions;

namespace Retail.Ppm.Pricing;

/// <summary>What the engine prices with: the policy, the active rules and the promotions of one org, as one snapshot.</summary>
public sealed record PricingRules(PricingPolicy Policy, IReadOnlyList<DynamicRule> Rules, IReadOnlyList<Promotion> Promotions)
{
    public static PricingRules Empty { get; } = new(PricingPolicy.Default, [], []);
}

/// <summary>Where a variant sits in the catalog, for selectors: its style, brand, and category with every ancestor category.</summary>
public sealed record ProductPath(string VariantGuid, string? StyleGuid, string? BrandGuid, IReadOnlyList<string> CategoryGuids);

/// <summary>The price a line starts from: the list (and zone) it came from, its currency, the unit amount and the unit cost when known.</summary>
public sealed record BasePrice(string PriceListCode, string? PriceZoneCode, string Currency, long UnitAmountMinor, long? UnitCostMinor);

/// <summary>One line to price: the variant and where it sits, the quantity in the line's unit, and its base price in that unit.</summary>
public sealed record CartLine(int Index, ProductPath Product, int Quantity, string UomCode, BasePrice Price);

/// <summary>
/// One thing that changed a line's amount: <c>source</c> is <c>rule</c>, <c>promotion</c>, <c>rounding</c> or <c>cap</c>;
/// <c>code</c> the rule or promotion code (or the policy part); <see cref="AmountMinor"/> what it took off the line's
/// extended amount (negative when it added, as a floor or a cap giving back part of a discount does).
/// </summary>
public sealed record Applied(string Source, string Code, string Kind, long AmountMinor, string? Note = null);

/// <summary>
/// A priced line. <see cref="ListUnitMinor"/> is the base price; <see cref="UnitMinor"/> the unit price after rules;
/// <see cref="ExtendedMinor"/> the line total after promotions (never negative); <see cref="DiscountMinor"/> what the
/// line saves against list × quantity. <see cref="Notes"/> says when a cap held the result back
/// (<c>capped_by_max_discount</c>, <c>capped_by_margin_floor</c>, <c>capped_by_stacking</c>).
/// </summary>
public sealed record PricedLine(
    int Index,
    string Currency,
    long ListUnitMinor,
    long UnitMinor,
    long ExtendedMinor,
    long DiscountMinor,
    IReadOnlyList<Applied> Applied,
    IReadOnlyList<string> Notes);

/// <summary>
/// The pure pricing function: the same rules, channel, time and lines always give the same answer, with no I/O.
/// Rules (markdowns, then floors and ceilings, then rounding) make the unit price; promotions that are active at
/// <c>at</c>, in the channel and targeting the line combine by the policy's stacking mode (an exclusive promotion
/// stands alone); buy X get Y counts quantities across the cart's lines it targets. The result is never negative,
/// never takes more off than the maximum discount, and never goes under the margin floor (cost × (1 + minimum margin))
/// or the list price if that is lower; a promotion held back by a cap is shown with what it gave.
/// </summary>
public static class PriceEngine
{
    public static IReadOnlyList<PricedLine> Price(PricingRules rules, string channelCode, DateTimeOffset at, IReadOnlyList<CartLine> lines) =>
        throw new NotImplementedException("issue 12: promotions and rules helper implements the engine");
}
