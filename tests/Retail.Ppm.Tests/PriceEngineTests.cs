using Retail.Ppm.Policy;
using Retail.Ppm.Pricing;
using Retail.Ppm.Promotions;
using Retail.Shared.MasterData;

namespace Retail.Ppm.Tests;

/// <summary>Builders for the engine's inputs.</summary>
internal static class Build
{
    public static readonly DateTimeOffset At = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    public static readonly TimeWindow Always = new(At.AddYears(-1), null);

    public static ProductPath Product(string variant = "v1", string style = "s1", string brand = "b1", params string[] categories) =>
        new(variant, style, brand, categories.Length == 0 ? ["c1", "c0"] : categories);

    public static CartLine Line(int index, long list, int quantity = 1, long? cost = null, ProductPath? product = null, string currency = "EUR") =>
        new(index, product ?? Product(), quantity, "each", new BasePrice("retail", null, currency, list, cost));

    public static DynamicRule Rule(string code, RuleKind kind, decimal? percent = null, long? amount = null, int? ending = null, int priority = 100,
        Selector? target = null, string? currency = "EUR", IReadOnlyList<string>? channels = null, TimeWindow? window = null,
        MasterStatus status = MasterStatus.Active) => new()
    {
        RuleGuid = $"guid-{code}",
        RuleCode = code,
        Name = code,
        Kind = kind,
        Target = target ?? new Selector(SelectorKind.All),
        Percent = percent,
        AmountMinor = amount,
        Currency = currency,
        EndingMinor = ending,
        Channels = channels ?? [],
        Window = window,
        Priority = priority,
        Status = status,
    };

    public static Promotion Promo(string code, PromotionKind kind, decimal? percent = null, long? amount = null, int? buy = null, int? get = null,
        decimal? getPercent = null, int priority = 100, bool exclusive = false, IReadOnlyList<Selector>? targets = null, string? currency = "EUR",
        IReadOnlyList<string>? channels = null, TimeWindow? window = null, PromotionStatus status = PromotionStatus.Active) => new()
    {
        PromotionGuid = $"guid-{code}",
        PromotionCode = code,
        Name = code,
        Kind = kind,
        Percent = percent,
        AmountMinor = amount,
        Currency = currency,
        BuyQuantity = buy,
        GetQuantity = get,
        GetPercent = getPercent,
        Targets = targets ?? [new Selector(SelectorKind.All)],
        Channels = channels ?? [],
        Window = window ?? Always,
        Priority = priority,
        Exclusive = exclusive,
        Status = status,
    };

    public static PricingPolicy Policy(StackingMode mode = StackingMode.BestOf, decimal? cap = null, decimal? maxDiscount = null, decimal? minMargin = null,
        RoundingPolicy? rounding = null) => new()
    {
        Stacking = new StackingPolicy(mode, cap),
        MaxDiscountPercent = maxDiscount,
        MinMarginPercent = minMargin,
        Rounding = rounding ?? new RoundingPolicy(),
    };

    public static IReadOnlyList<PricedLine> Price(PricingPolicy policy, IReadOnlyList<DynamicRule> rules, IReadOnlyList<Promotion> promotions,
        params CartLine[] lines) => PriceEngine.Price(new PricingRules(policy, rules, promotions), "web", At, lines);

    public static PricedLine One(PricingPolicy policy, IReadOnlyList<DynamicRule> rules, IReadOnlyList<Promotion> promotions, CartLine line) =>
        Assert.Single(Price(policy, rules, promotions, line));
}

/// <summary>The pure pricing engine by example: each rule kind, each promotion kind, each stacking mode, each cap.</summary>
public sealed class PriceEngineTests
{
    private static readonly PricingPolicy BestOf = Build.Policy();

    [Fact]
    public void No_rules_and_no_promotions_leave_the_base_price()
    {
        var line = new CartLine(0, new ProductPath("v1", "s1", "b1", ["c1"]), 3, "each", new BasePrice("retail", null, "EUR", 1999, null));
        var priced = Assert.Single(PriceEngine.Price(PricingRules.Empty, "web", DateTimeOffset.UnixEpoch, [line]));
        Assert.Equal(1999, priced.UnitMinor);
        Assert.Equal(5997, priced.ExtendedMinor);
        Assert.Equal(0, priced.DiscountMinor);
        Assert.Empty(priced.Applied);
    }

    [Fact]
    public void A_percent_markdown_rounds_the_unit_half_away_from_zero_and_markdowns_compound_in_priority_order()
    {
        // 25 % of 1999 is 499.75 → 500; then 100 off.
        var rules = new[] { Build.Rule("minus-100", RuleKind.MarkdownAmount, amount: 100, priority: 2), Build.Rule("quarter", RuleKind.MarkdownPercent, percent: 25, priority: 1) };
        var line = Build.One(BestOf, rules, [], Build.Line(0, 1999, 2));
        Assert.Equal(1399, line.UnitMinor);
        Assert.Equal(2798, line.ExtendedMinor);
        Assert.Equal(["quarter", "minus-100"], line.Applied.Select(a => a.Code));
        Assert.Equal([1000L, 200L], line.Applied.Select(a => a.AmountMinor));
        Assert.All(line.Applied, a => Assert.Equal("rule", a.Source));
        Assert.Equal("markdown_percent", line.Applied[0].Kind);
    }

    [Fact]
    public void A_floor_holds_a_markdown_up_and_a_ceiling_brings_the_price_down()
    {
        var floored = Build.One(BestOf, [Build.Rule("half", RuleKind.MarkdownPercent, percent: 50), Build.Rule("floor", RuleKind.Floor, amount: 1500)], [],
            Build.Line(0, 2000));
        Assert.Equal(1500, floored.UnitMinor);
        Assert.Equal(-500, floored.Applied.Single(a => a.Code == "floor").AmountMinor);

        var ceiled = Build.One(BestOf, [Build.Rule("ceiling", RuleKind.Ceiling, amount: 1200)], [], Build.Line(0, 2000));
        Assert.Equal(1200, ceiled.UnitMinor);

        // A floor never raises a price above its list price.
        Assert.Equal(800, Build.One(BestOf, [Build.Rule("floor", RuleKind.Floor, amount: 1500)], [], Build.Line(0, 800)).UnitMinor);
    }

    [Fact]
    public void Amount_rules_apply_only_in_their_currency_and_rules_respect_channel_window_status_and_target()
    {
        var rules = new[]
        {
            Build.Rule("usd", RuleKind.MarkdownAmount, amount: 100, currency: "USD"),
            Build.Rule("pos-only", RuleKind.MarkdownPercent, percent: 10, channels: ["pos"]),
            Build.Rule("later", RuleKind.MarkdownPercent, percent: 10, window: new TimeWindow(Build.At.AddDays(1), null)),
            Build.Rule("over", RuleKind.MarkdownPercent, percent: 10, window: new TimeWindow(Build.At.AddDays(-2), Build.At)),
            Build.Rule("inactive", RuleKind.MarkdownPercent, percent: 10, status: MasterStatus.Inactive),
            Build.Rule("other-brand", RuleKind.MarkdownPercent, percent: 10, target: new Selector(SelectorKind.Brand, "b2")),
            Build.Rule("parent-category", RuleKind.MarkdownAmount, amount: 1, target: new Selector(SelectorKind.Category, "c0")),
        };
        var line = Build.One(BestOf, rules, [], Build.Line(0, 1000));
        Assert.Equal(999, line.UnitMinor);
        Assert.Equal("parent-category", Assert.Single(line.Applied).Code);
    }

    [Fact]
    public void A_rounding_rule_rounds_down_to_its_ending_and_the_policy_rounds_only_prices_the_rules_changed()
    {
        Assert.Equal(1199, Build.One(BestOf, [Build.Rule("r99", RuleKind.Rounding, ending: 99)], [], Build.Line(0, 1234)).UnitMinor);

        var policy = Build.Policy(rounding: new RoundingPolicy(RoundingMode.Ending, 95));
        Assert.Equal(2000, Build.One(policy, [], [], Build.Line(0, 2000)).UnitMinor);
        var marked = Build.One(policy, [Build.Rule("ten", RuleKind.MarkdownPercent, percent: 10)], [], Build.Line(0, 2000));
        Assert.Equal(1795, marked.UnitMinor);
        Assert.Equal(new Applied("rounding", "policy", "rounding", 5), marked.Applied.Last());
    }

    [Fact]
    public void Percent_amount_and_fixed_price_promotions_take_their_discount_off_the_unit_price_after_rules()
    {
        var line = Build.Line(0, 1000, 3);
        var percent = Build.One(BestOf, [Build.Rule("ten", RuleKind.MarkdownPercent, percent: 10)], [Build.Promo("p", PromotionKind.PercentOff, percent: 15)], line);
        Assert.Equal(900, percent.UnitMinor);
        Assert.Equal(2295, percent.ExtendedMinor); // 2700 − 15 % (405)
        Assert.Equal(705, percent.DiscountMinor);
        Assert.Equal(new Applied("promotion", "p", "percent_off", 405), percent.Applied.Last());

        Assert.Equal(2400, Build.One(BestOf, [], [Build.Promo("a", PromotionKind.AmountOff, amount: 200)], line).ExtendedMinor);
        Assert.Equal(0, Build.One(BestOf, [], [Build.Promo("a", PromotionKind.AmountOff, amount: 5000)], line).ExtendedMinor);
        Assert.Equal(2097, Build.One(BestOf, [], [Build.Promo("f", PromotionKind.FixedPrice, amount: 699)], line).ExtendedMinor);
        // A fixed price above the price takes nothing and is not applied.
        Assert.Empty(Build.One(BestOf, [], [Build.Promo("f", PromotionKind.FixedPrice, amount: 1500)], line).Applied);
        // Amount kinds only apply in their currency.
        Assert.Empty(Build.One(BestOf, [], [Build.Promo("a", PromotionKind.AmountOff, amount: 200, currency: "USD")], line).Applied);
    }

    [Fact]
    public void Buy_two_get_one_counts_units_across_the_lines_it_targets_and_frees_the_cheapest()
    {
        var b2g1 = Build.Promo("b2g1", PromotionKind.BuyXGetY, buy: 2, get: 1, targets: [new Selector(SelectorKind.Style, "s1")]);
        var lines = Build.Price(BestOf, [], [b2g1],
            Build.Line(0, 1000, 2, product: Build.Product("v1")),
            Build.Line(1, 500, 1, product: Build.Product("v2")),
            Build.Line(2, 500, 3, product: Build.Product("v3")),
            Build.Line(3, 100, 5, product: Build.Product("v4", style: "s2")));
        // Six units of style s1: two groups of three, so the two cheapest units are free; the tie at 500 goes to line 1 first.
        Assert.Equal([2000L, 0L, 1000L, 500L], lines.Select(l => l.ExtendedMinor));
        Assert.Equal(500, lines[1].Applied.Single().AmountMinor);
        Assert.Equal(500, lines[2].Applied.Single().AmountMinor);
        Assert.Equal("buy_x_get_y", lines[1].Applied.Single().Kind);

        var half = Build.Promo("b1g1-half", PromotionKind.BuyXGetY, buy: 1, get: 1, getPercent: 50);
        Assert.Equal(1500, Build.One(BestOf, [], [half], Build.Line(0, 1000, 2)).ExtendedMinor);
        Assert.Equal(2500, Build.One(BestOf, [], [half], Build.Line(0, 1000, 3)).ExtendedMinor); // one pair in three units
    }

    private static readonly Promotion Ten = Build.Promo("ten", PromotionKind.PercentOff, percent: 10, priority: 1);
    private static readonly Promotion Twenty = Build.Promo("twenty", PromotionKind.PercentOff, percent: 20, priority: 2);
    private static readonly Promotion Fifty = Build.Promo("fifty-off", PromotionKind.AmountOff, amount: 50, priority: 3);

    [Fact]
    public void Exclusive_stacking_applies_only_the_first_by_priority_then_code()
    {
        var line = Build.One(Build.Policy(StackingMode.Exclusive), [], [Twenty, Ten, Fifty], Build.Line(0, 1000));
        Assert.Equal("ten", Assert.Single(line.Applied).Code);
        Assert.Equal(900, line.ExtendedMinor);

        var sameRank = Build.One(Build.Policy(StackingMode.Exclusive), [], [Build.Promo("b", PromotionKind.PercentOff, percent: 30), Build.Promo("a", PromotionKind.PercentOff, percent: 5)],
            Build.Line(0, 1000));
        Assert.Equal("a", Assert.Single(sameRank.Applied).Code);
    }

    [Fact]
    public void Best_of_applies_only_the_promotion_that_saves_most()
    {
        var line = Build.One(BestOf, [], [Ten, Twenty, Fifty], Build.Line(0, 1000));
        Assert.Equal("twenty", Assert.Single(line.Applied).Code);
        Assert.Equal(800, line.ExtendedMinor);
    }

    [Fact]
    public void Additive_stacks_in_priority_order_up_to_the_cap_and_shows_what_the_cap_trimmed()
    {
        var uncapped = Build.One(Build.Policy(StackingMode.Additive), [], [Ten, Twenty, Fifty], Build.Line(0, 1000));
        Assert.Equal(650, uncapped.ExtendedMinor); // 100 + 200 + 50, each off the rule price
        Assert.Empty(uncapped.Notes);

        var capped = Build.One(Build.Policy(StackingMode.Additive, cap: 25), [], [Ten, Twenty, Fifty], Build.Line(0, 1000));
        Assert.Equal(750, capped.ExtendedMinor);
        Assert.Equal([("ten", 100L, (string?)null), ("twenty", 150L, PriceEngine.CappedByStacking), ("fifty-off", 0L, PriceEngine.CappedByStacking)],
            capped.Applied.Select(a => (a.Code, a.AmountMinor, a.Note)));
        Assert.Equal([PriceEngine.CappedByStacking], capped.Notes);
    }

    [Fact]
    public void An_exclusive_promotion_stands_alone_and_wins_in_additive_mode_only_when_it_saves_more_than_the_stack()
    {
        var policy = Build.Policy(StackingMode.Additive);
        var big = Build.Promo("vip", PromotionKind.PercentOff, percent: 40, priority: 5, exclusive: true);
        var alone = Build.One(policy, [], [Ten, Twenty, big], Build.Line(0, 1000));
        Assert.Equal("vip", Assert.Single(alone.Applied).Code);
        Assert.Equal(600, alone.ExtendedMinor);

        var small = Build.Promo("vip", PromotionKind.PercentOff, percent: 25, priority: 0, exclusive: true);
        var stacked = Build.One(policy, [], [Ten, Twenty, small], Build.Line(0, 1000));
        Assert.Equal(["ten", "twenty"], stacked.Applied.Select(a => a.Code));
    }

    [Fact]
    public void The_max_discount_trims_promotions_from_the_last_applied_and_says_so()
    {
        var policy = Build.Policy(StackingMode.Additive, maxDiscount: 25);
        var line = Build.One(policy, [], [Ten, Twenty], Build.Line(0, 1000, 2));
        Assert.Equal(1500, line.ExtendedMinor);
        Assert.Equal(500, line.DiscountMinor);
        Assert.Equal([("ten", 200L, (string?)null), ("twenty", 300L, PriceEngine.CappedByMaxDiscount)], line.Applied.Select(a => (a.Code, a.AmountMinor, a.Note)));
        Assert.Equal([PriceEngine.CappedByMaxDiscount], line.Notes);
    }

    [Fact]
    public void The_margin_floor_holds_the_line_and_a_rule_under_it_is_held_by_a_cap_entry()
    {
        // Cost 800, minimum margin 10 %: the floor is 880.
        var policy = Build.Policy(minMargin: 10);
        var line = Build.One(policy, [], [Build.Promo("half", PromotionKind.PercentOff, percent: 50)], Build.Line(0, 1000, 1, cost: 800));
        Assert.Equal(880, line.ExtendedMinor);
        Assert.Equal(new Applied("promotion", "half", "percent_off", 120, PriceEngine.CappedByMarginFloor), line.Applied.Single());

        var ruled = Build.One(policy, [Build.Rule("half", RuleKind.MarkdownPercent, percent: 50)], [], Build.Line(0, 1000, 2, cost: 800));
        Assert.Equal(880, ruled.UnitMinor);
        Assert.Equal(new Applied("cap", "policy", "margin_floor", -760, PriceEngine.CappedByMarginFloor), ruled.Applied.Last());

        // A list price under the floor is the floor (nothing is raised above list), and nothing comes off it.
        var under = Build.One(policy, [], [Build.Promo("half", PromotionKind.PercentOff, percent: 50)], Build.Line(0, 850, 1, cost: 800));
        Assert.Equal(850, under.ExtendedMinor);
        Assert.Equal(0, under.Applied.Single().AmountMinor);
    }

    [Fact]
    public void Rounding_never_takes_a_price_under_a_floor_rule_and_the_max_discount_holds_a_markdown_back()
    {
        var rules = new[] { Build.Rule("half", RuleKind.MarkdownPercent, percent: 50), Build.Rule("floor", RuleKind.Floor, amount: 1050),
            Build.Rule("r99", RuleKind.Rounding, ending: 99) };
        var floored = Build.One(BestOf, rules, [], Build.Line(0, 2000));
        Assert.Equal(1050, floored.UnitMinor); // 999 would go under the floor
        Assert.DoesNotContain(floored.Applied, a => a.Source == "rounding");

        var held = Build.One(Build.Policy(maxDiscount: 30), [Build.Rule("half", RuleKind.MarkdownPercent, percent: 50)], [], Build.Line(0, 2000, 3));
        Assert.Equal(1400, held.UnitMinor);
        Assert.Equal(new Applied("cap", "policy", "max_discount", -1200, PriceEngine.CappedByMaxDiscount), held.Applied.Last());
        Assert.Equal(1800, held.DiscountMinor);
        Assert.Equal([PriceEngine.CappedByMaxDiscount], held.Notes);
    }

    [Fact]
    public void In_additive_mode_a_tie_between_the_stack_and_an_exclusive_promotion_goes_to_the_one_first_by_priority()
    {
        var policy = Build.Policy(StackingMode.Additive);
        var exclusive = Build.Promo("vip", PromotionKind.PercentOff, percent: 30, priority: 0, exclusive: true);
        var tie = Build.One(policy, [], [Ten, Twenty, exclusive], Build.Line(0, 1000));
        Assert.Equal("vip", Assert.Single(tie.Applied).Code);
        var later = exclusive with { Priority = 9 };
        Assert.Equal(["ten", "twenty"], Build.One(policy, [], [Ten, Twenty, later], Build.Line(0, 1000)).Applied.Select(a => a.Code));
    }

    [Fact]
    public void Ended_future_past_other_channel_and_untargeted_promotions_never_apply()
    {
        var promotions = new[]
        {
            Build.Promo("ended", PromotionKind.PercentOff, percent: 10, status: PromotionStatus.Ended),
            Build.Promo("future", PromotionKind.PercentOff, percent: 10, window: new TimeWindow(Build.At.AddSeconds(1), null)),
            Build.Promo("past", PromotionKind.PercentOff, percent: 10, window: new TimeWindow(Build.At.AddDays(-3), Build.At)),
            Build.Promo("pos", PromotionKind.PercentOff, percent: 10, channels: ["pos"]),
            Build.Promo("variant", PromotionKind.PercentOff, percent: 10, targets: [new Selector(SelectorKind.Variant, "v9")]),
            Build.Promo("none", PromotionKind.PercentOff, percent: 10, targets: []),
        };
        Assert.Empty(Build.One(Build.Policy(StackingMode.Additive), [], promotions, Build.Line(0, 1000)).Applied);
    }
}
