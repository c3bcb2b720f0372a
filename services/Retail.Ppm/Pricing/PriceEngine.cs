using Retail.Ppm.Policy;
using Retail.Ppm.Promotions;
using Retail.Shared.Json;

namespace Retail.Ppm.Pricing;

/// <summary>What the engine prices with: the policy, the active rules and the promotions of one org, as one snapshot.</summary>
public sealed record PricingRules(PricingPolicy Policy, IReadOnlyList<DynamicRule> Rules, IReadOnlyList<Promotion> Promotions)
{
    private PricingIndex? _index;

    public static PricingRules Empty { get; } = new(PricingPolicy.Default, [], []);

    // Equal as before the index was kept: by the policy and the very lists, whether or not an index was built yet.
    public bool Equals(PricingRules? other) =>
        other is not null && Equals(Policy, other.Policy) && ReferenceEquals(Rules, other.Rules) && ReferenceEquals(Promotions, other.Promotions);

    public override int GetHashCode() => HashCode.Combine(Policy, Rules, Promotions);

    /// <summary>
    /// The rules and promotions in the engine's order, and the promotions by target: built on first use and kept with the
    /// rules (a snapshot prices many carts with one), built again when a copy names other lists.
    /// </summary>
    internal PricingIndex Index
    {
        get
        {
            var index = _index;
            if (index is null || !ReferenceEquals(index.Rules, Rules) || !ReferenceEquals(index.Promotions, Promotions))
            {
                _index = index = new PricingIndex(Rules, Promotions);
            }
            return index;
        }
    }
}

/// <summary>
/// What the engine would otherwise work out for every cart: the rules and the promotions in order (priority, code, guid),
/// each promotion's rank being its place in that order, and for each target (a variant, style, brand or category, or all)
/// the ranks of the promotions naming it, so a line looks at the few promotions that may apply to it rather than at all of
/// them. Buy X get Y promotions count across the cart and are kept apart.
/// </summary>
internal sealed class PricingIndex
{
    private static readonly int[] None = [];

    private readonly Dictionary<string, int[]>[] _byValue;
    private readonly int[] _all;

    public PricingIndex(IReadOnlyList<DynamicRule> rules, IReadOnlyList<Promotion> promotions)
    {
        Rules = rules;
        Promotions = promotions;
        OrderedRules = [.. rules.OrderBy(r => r.Priority).ThenBy(r => r.RuleCode, StringComparer.Ordinal).ThenBy(r => r.RuleGuid, StringComparer.Ordinal)];
        Ordered = [.. promotions.OrderBy(p => p.Priority).ThenBy(p => p.PromotionCode, StringComparer.Ordinal)
            .ThenBy(p => p.PromotionGuid, StringComparer.Ordinal)];
        var byValue = Enum.GetValues<SelectorKind>().Select(_ => new Dictionary<string, List<int>>(StringComparer.OrdinalIgnoreCase)).ToArray();
        var all = new List<int>();
        var buyXGetY = new List<int>();
        for (var rank = 0; rank < Ordered.Length; rank++)
        {
            var promotion = Ordered[rank];
            if (promotion.Kind == PromotionKind.BuyXGetY)
            {
                buyXGetY.Add(rank);
                continue;
            }
            foreach (var target in promotion.Targets)
            {
                if (target.Kind == SelectorKind.All)
                {
                    all.Add(rank);
                }
                else if (target.Value is not null && (int)target.Kind < byValue.Length)
                {
                    var ranks = byValue[(int)target.Kind].TryGetValue(target.Value, out var found) ? found : byValue[(int)target.Kind][target.Value] = [];
                    ranks.Add(rank);
                }
            }
        }
        _byValue = [.. byValue.Select(d => d.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.OrdinalIgnoreCase))];
        _all = [.. all];
        BuyXGetY = [.. buyXGetY];
    }

    /// <summary>The lists this index was built from.</summary>
    public IReadOnlyList<DynamicRule> Rules { get; }

    public IReadOnlyList<Promotion> Promotions { get; }

    public DynamicRule[] OrderedRules { get; }

    /// <summary>Every promotion in order; a promotion's rank is its place here.</summary>
    public Promotion[] Ordered { get; }

    /// <summary>The ranks of the buy X get Y promotions, in order.</summary>
    public int[] BuyXGetY { get; }

    /// <summary>The ranks of the promotions (not buy X get Y) with a target that picks the product, in order, each once.</summary>
    public List<int> RanksFor(ProductPath product)
    {
        var ranks = new List<int>(_all);
        Add(ranks, SelectorKind.Variant, product.VariantGuid);
        Add(ranks, SelectorKind.Style, product.StyleGuid);
        Add(ranks, SelectorKind.Brand, product.BrandGuid);
        foreach (var category in product.CategoryGuids)
        {
            Add(ranks, SelectorKind.Category, category);
        }
        ranks.Sort();
        var kept = 0;
        for (var i = 0; i < ranks.Count; i++)
        {
            if (i == 0 || ranks[i] != ranks[i - 1])
            {
                ranks[kept++] = ranks[i];
            }
        }
        ranks.RemoveRange(kept, ranks.Count - kept);
        return ranks;
    }

    private void Add(List<int> ranks, SelectorKind kind, string? value)
    {
        if (value is not null && _byValue[(int)kind].GetValueOrDefault(value, None) is { Length: > 0 } found)
        {
            ranks.AddRange(found);
        }
    }
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
/// <remarks>
/// <para><b>What applies.</b> A rule applies to a line when it is <c>active</c>, lists the channel or no channel, has no
/// window or one containing <c>at</c> (<c>[starts_at, ends_at)</c>), targets the line's variant, style, brand, one of
/// its categories (or <c>all</c>), and, for the amount kinds (markdown_amount, floor, ceiling), is in the line's
/// currency. A promotion applies the same way, except that it must have status <c>active</c> (an ended one never
/// applies again, whatever <c>at</c>), its window must contain <c>at</c>, it needs at least one target, and amount_off
/// and fixed_price need the line's currency. Rules go in order of priority (lower first), then code; promotions the same.</para>
/// <para><b>Unit price (rules).</b> From the list unit price: every markdown in order, each off the price so far
/// (percent markdowns compound); then floors (raise the price back up to the floor, never above the list price) and
/// ceilings (lower it to the ceiling), in order; then rounding down to the ending (<c>x.99</c>): the first rounding
/// rule that applies, else the policy's rounding, which only touches a price the rules changed (a list price is what
/// the merchant set). Rounding is skipped when it would go under a floor rule or the policy's limits. Last, the unit
/// price is held at or above the policy's unit limit: list − max_discount_percent of list (rounded down), and the
/// margin floor min(list, ⌈cost × (1 + min_margin_percent / 100)⌉) when both the cost and the minimum margin are
/// known; that hold shows as a <c>cap</c> entry with a negative amount.</para>
/// <para><b>Promotions.</b> Each applicable promotion's own discount is computed against the unit price after rules:
/// percent_off takes the percent of unit × quantity; amount_off takes the amount per unit (at most the unit price);
/// fixed_price sells each unit at the amount (nothing when the unit price is already lower); buy_x_get_y counts the
/// units of every cart line it targets (per currency), and of every <c>buy + get</c> units the <c>get</c> cheapest ones
/// (ties by line index) get <c>get_percent</c> off. A promotion that gives nothing on a line is not applied there.
/// Then the policy's stacking mode picks what applies on the line:
/// <list type="bullet">
/// <item><c>exclusive</c>: only the first by priority (then code) applies.</item>
/// <item><c>best_of</c>: only the one taking the most off applies (ties: the first by priority).</item>
/// <item><c>additive</c>: the non-exclusive ones all apply, in order, their total held to cap_percent of list × quantity
/// (rounded down) and to the amount left on the line (<c>capped_by_stacking</c>); each exclusive one stands alone as
/// its own option; the option taking the most off wins (ties: the option whose promotion comes first by priority).</item>
/// </list></para>
/// <para><b>Caps.</b> The line's extended amount never goes under max(list × quantity − max_discount_percent of
/// list × quantity (rounded down), margin floor × quantity, 0). When the chosen promotions would go under it, they are
/// trimmed from the last applied backwards; a trimmed entry shows what it gave and the note of the limit that held
/// (<c>capped_by_margin_floor</c> when the margin floor is the higher limit, else <c>capped_by_max_discount</c>),
/// and the line's notes list every cap that acted.</para>
/// <para><b>Arithmetic.</b> Integers in minor units. A percent rounds half away from zero once, on the amount it
/// applies to: the unit price for markdowns (they make a unit price), the line's (or the discounted units')
/// extended amount for promotions. Limits round in the merchant's favour: allowed discounts down, the margin floor up.
/// Quantities under zero count as zero.</para>
/// </remarks>
public static class PriceEngine
{
    public const string CappedByMaxDiscount = "capped_by_max_discount";
    public const string CappedByMarginFloor = "capped_by_margin_floor";
    public const string CappedByStacking = "capped_by_stacking";

    /// <param name="codes">The codes the buyer presented: a promotion with a code applies only when its code is among them.</param>
    public static IReadOnlyList<PricedLine> Price(PricingRules rules, string channelCode, DateTimeOffset at, IReadOnlyList<CartLine> lines,
        IReadOnlySet<string>? codes = null)
    {
        var policy = rules.Policy ?? PricingPolicy.Default;
        var index = rules.Index;
        var liveRules = index.OrderedRules
            .Where(r => r.Status == MasterStatus.Active && InChannel(r.Channels, channelCode) && (r.Window is null || r.Window.Contains(at)))
            .ToList();
        // Whether each promotion is live, worked out the first time a line meets it (0 unknown, 1 live, 2 not).
        var liveness = new byte[index.Ordered.Length];
        bool Live(int rank)
        {
            if (liveness[rank] == 0)
            {
                liveness[rank] = IsLive(index.Ordered[rank], channelCode, at, codes) ? (byte)1 : (byte)2;
            }
            return liveness[rank] == 1;
        }

        var states = lines.Select(line => PriceByRules(policy, liveRules, line)).ToArray();

        // Each promotion's own discount on each line it applies to, in promotion order: a line looks only at the promotions
        // whose targets pick it (the index), buy X get Y looks at the whole cart.
        var offers = new List<Offer>[states.Length];
        for (var i = 0; i < states.Length; i++)
        {
            offers[i] = [];
            foreach (var rank in index.RanksFor(states[i].Line.Product))
            {
                var promotion = index.Ordered[rank];
                if (Live(rank) && Applies(promotion, states[i]) && Standalone(promotion, states[i]) is > 0 and var discount)
                {
                    offers[i].Add(new Offer(promotion, rank, discount));
                }
            }
        }
        var withBuyXGetY = false;
        foreach (var rank in index.BuyXGetY)
        {
            if (!Live(rank))
            {
                continue;
            }
            var promotion = index.Ordered[rank];
            foreach (var (position, discount) in BuyXGetY(promotion, states))
            {
                offers[position].Add(new Offer(promotion, rank, discount));
                withBuyXGetY = true;
            }
        }
        if (withBuyXGetY)
        {
            foreach (var lineOffers in offers)
            {
                lineOffers.Sort((a, b) => a.Rank.CompareTo(b.Rank));
            }
        }

        var priced = new PricedLine[states.Length];
        for (var i = 0; i < states.Length; i++)
        {
            priced[i] = Finish(policy, states[i], offers[i]);
        }
        return priced;
    }

    /// <summary>Whether a promotion may apply at all at <paramref name="at"/> in the channel (its targets and currency aside).</summary>
    public static bool IsLive(Promotion promotion, string channelCode, DateTimeOffset at, IReadOnlySet<string>? codes = null) =>
        promotion.Status == PromotionStatus.Active && promotion.Window.Contains(at) && InChannel(promotion.Channels, channelCode)
        && (promotion.Code is null || (codes is not null && codes.Contains(promotion.Code)));

    /// <summary>Whether a selector picks a product.</summary>
    public static bool Matches(Selector selector, ProductPath product) => selector.Kind switch
    {
        SelectorKind.All => true,
        SelectorKind.Variant => Same(selector.Value, product.VariantGuid),
        SelectorKind.Style => Same(selector.Value, product.StyleGuid),
        SelectorKind.Brand => Same(selector.Value, product.BrandGuid),
        SelectorKind.Category => product.CategoryGuids.Any(c => Same(selector.Value, c)),
        _ => false,
    };

    private static bool Same(string? a, string? b) => a is not null && b is not null && string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    private static bool InChannel(IReadOnlyList<string> channels, string channelCode) =>
        channels.Count == 0 || channels.Any(c => string.Equals(c, channelCode, StringComparison.Ordinal));

    private static bool SameCurrency(string? a, string b) => a is not null && string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    /// <summary>A line as the rules leave it: its unit price, the limits the policy sets, and what changed it.</summary>
    private sealed class LineState
    {
        public required CartLine Line { get; init; }

        public required long Quantity { get; init; }

        public required long ListUnit { get; init; }

        public long Unit { get; set; }

        /// <summary>The least the extended amount may be (max discount, margin floor, zero).</summary>
        public long MinExtended { get; set; }

        /// <summary>The note naming the higher of the line's two limits.</summary>
        public string LimitNote { get; set; } = CappedByMaxDiscount;

        public List<Applied> Applied { get; } = [];

        public List<string> Notes { get; } = [];

        public long ListExtended => ListUnit * Quantity;

        public long RuleExtended => Unit * Quantity;

        public void Note(string note)
        {
            if (!Notes.Contains(note))
            {
                Notes.Add(note);
            }
        }
    }

    private sealed record Offer(Promotion Promotion, int Rank, long Discount);

    private static LineState PriceByRules(PricingPolicy policy, List<DynamicRule> rules, CartLine line)
    {
        var state = new LineState
        {
            Line = line,
            Quantity = Math.Max(0, line.Quantity),
            ListUnit = Math.Max(0, line.Price.UnitAmountMinor),
        };
        var list = state.ListUnit;
        var unit = list;
        var currency = line.Price.Currency;
        var applicable = rules.Where(r => Matches(r.Target, line.Product)
            && (r.Kind is RuleKind.MarkdownPercent or RuleKind.Rounding || SameCurrency(r.Currency, currency))).ToList();

        void Record(DynamicRule rule, long before, long after, string source = "rule")
        {
            if (before != after)
            {
                state.Applied.Add(new Applied(source, rule.RuleCode, SnakeCase.Name(rule.Kind), (before - after) * state.Quantity));
            }
        }

        foreach (var rule in applicable.Where(r => r.Kind is RuleKind.MarkdownPercent or RuleKind.MarkdownAmount))
        {
            var before = unit;
            unit = rule.Kind == RuleKind.MarkdownPercent
                ? unit - PercentOf(unit, Clamp(rule.Percent ?? 0, 0, 100))
                : Math.Max(0, unit - Math.Max(0, rule.AmountMinor ?? 0));
            Record(rule, before, unit);
        }
        var ruleFloor = 0L;
        foreach (var rule in applicable.Where(r => r.Kind is RuleKind.Floor or RuleKind.Ceiling))
        {
            var before = unit;
            var amount = Math.Max(0, rule.AmountMinor ?? 0);
            if (rule.Kind == RuleKind.Floor)
            {
                ruleFloor = Math.Max(ruleFloor, Math.Min(amount, list));
                unit = Math.Max(unit, Math.Min(amount, list));
            }
            else
            {
                unit = Math.Min(unit, amount);
            }
            Record(rule, before, unit);
        }

        // The policy's unit limits: the most a unit may be discounted, and the margin floor.
        var maxOffUnit = policy.MaxDiscountPercent is { } maxPercent ? FloorPercentOf(list, Clamp(maxPercent, 0, 100)) : list;
        var marginUnit = MarginFloor(policy, line.Price.UnitCostMinor, list);
        var unitLimit = Math.Max(Math.Max(list - maxOffUnit, marginUnit), 0);
        var marginBinds = marginUnit > 0 && marginUnit >= list - maxOffUnit;

        var roundingRule = applicable.FirstOrDefault(r => r.Kind == RuleKind.Rounding);
        int? ending = roundingRule is not null ? roundingRule.EndingMinor
            : policy.Rounding.Mode == RoundingMode.Ending && unit != list ? policy.Rounding.EndingMinor : null;
        if (ending is { } e && e is >= 0 and <= 99 && RoundDown(unit, e) is { } rounded && rounded >= Math.Max(ruleFloor, unitLimit))
        {
            var before = unit;
            unit = rounded;
            if (before != unit)
            {
                state.Applied.Add(new Applied("rounding", roundingRule?.RuleCode ?? "policy", "rounding", (before - unit) * state.Quantity));
            }
        }

        if (unit < unitLimit)
        {
            var note = marginBinds ? CappedByMarginFloor : CappedByMaxDiscount;
            state.Applied.Add(new Applied("cap", "policy", marginBinds ? "margin_floor" : "max_discount", -(unitLimit - unit) * state.Quantity, note));
            state.Note(note);
            unit = unitLimit;
        }
        state.Unit = unit;

        var listExtended = state.ListExtended;
        var maxOffLine = policy.MaxDiscountPercent is { } m ? FloorPercentOf(listExtended, Clamp(m, 0, 100)) : listExtended;
        var marginLine = marginUnit * state.Quantity;
        state.MinExtended = Math.Max(Math.Max(listExtended - maxOffLine, marginLine), 0);
        state.LimitNote = marginLine > 0 && marginLine >= listExtended - maxOffLine ? CappedByMarginFloor : CappedByMaxDiscount;
        return state;
    }

    private static bool Applies(Promotion promotion, LineState state) =>
        promotion.Targets.Any(t => Matches(t, state.Line.Product))
        && (promotion.Kind is not (PromotionKind.AmountOff or PromotionKind.FixedPrice) || SameCurrency(promotion.Currency, state.Line.Price.Currency));

    /// <summary>A promotion's own discount on one line (buy X get Y aside), against the unit price after rules.</summary>
    private static long Standalone(Promotion promotion, LineState state)
    {
        var unit = state.Unit;
        var quantity = state.Quantity;
        return promotion.Kind switch
        {
            PromotionKind.PercentOff => PercentOf(unit * quantity, Clamp(promotion.Percent ?? 0, 0, 100)),
            PromotionKind.AmountOff => Math.Min(Math.Max(0, promotion.AmountMinor ?? 0), unit) * quantity,
            PromotionKind.FixedPrice => Math.Max(0, unit - Math.Max(0, promotion.AmountMinor ?? 0)) * quantity,
            _ => 0,
        };
    }

    /// <summary>
    /// Buy X get Y over the cart: per currency, the units of every line it targets, in groups of buy + get; the get
    /// cheapest units of the count (ties by line index, then position) are discounted by get_percent.
    /// </summary>
    private static IEnumerable<(int Position, long Discount)> BuyXGetY(Promotion promotion, LineState[] states)
    {
        var buy = Math.Max(1, promotion.BuyQuantity ?? 1);
        var get = Math.Max(1, promotion.GetQuantity ?? 1);
        var percent = Clamp(promotion.GetPercent ?? 100, 0, 100);
        var targeted = Enumerable.Range(0, states.Length)
            .Where(i => states[i].Quantity > 0 && promotion.Targets.Any(t => Matches(t, states[i].Line.Product)))
            .ToList();
        foreach (var group in targeted.GroupBy(i => states[i].Line.Price.Currency.ToUpperInvariant()).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var units = group.Sum(i => states[i].Quantity);
            var free = units / (buy + get) * get;
            if (free == 0)
            {
                continue;
            }
            foreach (var i in group.OrderBy(i => states[i].Unit).ThenBy(i => states[i].Line.Index).ThenBy(i => i))
            {
                if (free == 0)
                {
                    break;
                }
                var taken = Math.Min(free, states[i].Quantity);
                free -= taken;
                if (PercentOf(states[i].Unit * taken, percent) is > 0 and var discount)
                {
                    yield return (i, discount);
                }
            }
        }
    }

    private static PricedLine Finish(PricingPolicy policy, LineState state, List<Offer> offers)
    {
        var available = state.RuleExtended;
        List<(Offer Offer, long Amount, string? Note)> chosen = [];
        if (offers.Count > 0)
        {
            switch (policy.Stacking.Mode)
            {
                case StackingMode.Exclusive:
                    chosen = [Alone(offers[0], available)];
                    break;
                case StackingMode.BestOf:
                    var best = offers.OrderByDescending(o => o.Discount).ThenBy(o => o.Rank).First();
                    chosen = [Alone(best, available)];
                    break;
                default:
                    chosen = Additive(policy, state, offers, available);
                    break;
            }
        }

        // The line's limits: trim from the last applied backwards.
        var total = chosen.Sum(c => c.Amount);
        var excess = total - (available - state.MinExtended);
        for (var k = chosen.Count - 1; k >= 0 && excess > 0; k--)
        {
            var cut = Math.Min(excess, chosen[k].Amount);
            if (cut == 0)
            {
                continue;
            }
            chosen[k] = chosen[k] with { Amount = chosen[k].Amount - cut, Note = state.LimitNote };
            excess -= cut;
        }
        foreach (var (offer, amount, note) in chosen)
        {
            state.Applied.Add(new Applied("promotion", offer.Promotion.PromotionCode, SnakeCase.Name(offer.Promotion.Kind), amount, note));
            if (note is not null)
            {
                state.Note(note);
            }
        }
        var extended = available - chosen.Sum(c => c.Amount);
        return new PricedLine(state.Line.Index, state.Line.Price.Currency, state.ListUnit, state.Unit, extended, state.ListExtended - extended,
            state.Applied, state.Notes);
    }

    private static (Offer Offer, long Amount, string? Note) Alone(Offer offer, long available) =>
        (offer, Math.Min(offer.Discount, available), offer.Discount > available ? CappedByStacking : null);

    /// <summary>The stack of non-exclusive promotions (held to the stacking cap) against each exclusive one alone: the most off wins.</summary>
    private static List<(Offer Offer, long Amount, string? Note)> Additive(PricingPolicy policy, LineState state, List<Offer> offers, long available)
    {
        var cap = policy.Stacking.CapPercent is { } c ? Math.Min(FloorPercentOf(state.ListExtended, Clamp(c, 0, 100)), available) : available;
        List<(Offer Offer, long Amount, string? Note)> stack = [];
        var sum = 0L;
        foreach (var offer in offers.Where(o => !o.Promotion.Exclusive))
        {
            var take = Math.Max(0, Math.Min(offer.Discount, cap - sum));
            stack.Add((offer, take, take < offer.Discount ? CappedByStacking : null));
            sum += take;
        }
        var best = stack;
        var bestTotal = sum;
        var bestRank = stack.Count > 0 ? stack[0].Offer.Rank : int.MaxValue;
        foreach (var offer in offers.Where(o => o.Promotion.Exclusive))
        {
            var alone = Alone(offer, available);
            if (alone.Amount > bestTotal || (alone.Amount == bestTotal && offer.Rank < bestRank))
            {
                best = [alone];
                bestTotal = alone.Amount;
                bestRank = offer.Rank;
            }
        }
        return best;
    }

    /// <summary>The margin floor of a unit: min(list, ⌈cost × (1 + min_margin / 100)⌉), or 0 without a cost or a minimum margin.</summary>
    public static long MarginFloor(PricingPolicy policy, long? unitCost, long listUnit)
    {
        if (unitCost is not { } cost || policy.MinMarginPercent is not { } margin)
        {
            return 0;
        }
        var floor = Math.Ceiling(Math.Max(0, cost) * (100m + margin) / 100m);
        return Math.Max(0, Math.Min(listUnit, floor <= long.MaxValue ? (long)floor : long.MaxValue));
    }

    /// <summary><paramref name="percent"/> % of <paramref name="amount"/>, rounded half away from zero.</summary>
    public static long PercentOf(long amount, decimal percent) => (long)Math.Round(amount * percent / 100m, MidpointRounding.AwayFromZero);

    /// <summary><paramref name="percent"/> % of <paramref name="amount"/>, rounded down (limits: never allow more than the percent).</summary>
    private static long FloorPercentOf(long amount, decimal percent) => (long)Math.Floor(amount * percent / 100m);

    /// <summary>The largest amount at or under <paramref name="unit"/> ending in <paramref name="ending"/> minor units; null when there is none.</summary>
    public static long? RoundDown(long unit, int ending)
    {
        var candidate = unit / 100 * 100 + ending;
        if (candidate > unit)
        {
            candidate -= 100;
        }
        return candidate < 0 ? null : candidate;
    }

    private static decimal Clamp(decimal value, decimal min, decimal max) => Math.Min(Math.Max(value, min), max);
}
