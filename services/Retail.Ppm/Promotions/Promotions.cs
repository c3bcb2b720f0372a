using System.Text.Json.Serialization;

namespace Retail.Ppm.Promotions;

/// <summary>What a rule or promotion applies to. Values are PVM guids (variant, style, category, brand); <c>all</c> has none.</summary>
public enum SelectorKind
{
    All,
    Variant,
    Style,
    Category,
    Brand,
}

public sealed record Selector(SelectorKind Kind, string? Value = null);

/// <summary>A window of time <c>[starts_at, ends_at)</c>, open-ended when ends_at is null.</summary>
public sealed record TimeWindow(DateTimeOffset StartsAt, DateTimeOffset? EndsAt)
{
    public bool Contains(DateTimeOffset at) => at >= StartsAt && (EndsAt is null || at < EndsAt);
}

public enum RuleKind
{
    /// <summary>Takes <see cref="DynamicRule.Percent"/> off the list price.</summary>
    MarkdownPercent,

    /// <summary>Takes <see cref="DynamicRule.AmountMinor"/> off the list price.</summary>
    MarkdownAmount,

    /// <summary>Rounds the selected prices down to end in <see cref="DynamicRule.EndingMinor"/> (overrides the policy's rounding).</summary>
    Rounding,

    /// <summary>The price never goes under <see cref="DynamicRule.AmountMinor"/>.</summary>
    Floor,

    /// <summary>The price never goes over <see cref="DynamicRule.AmountMinor"/>.</summary>
    Ceiling,
}

/// <summary>
/// A standing pricing rule (markdown, rounding, floor, ceiling) for a selector, optionally limited to channels and a
/// window. Rules apply before promotions, lower <see cref="Priority"/> first.
/// </summary>
public sealed record DynamicRule : Record, IMasterRecord<DynamicRule>
{
    public required string RuleGuid { get; init; }

    public required string RuleCode { get; init; }

    public required string Name { get; init; }

    public required RuleKind Kind { get; init; }

    public required Selector Target { get; init; }

    public decimal? Percent { get; init; }

    public long? AmountMinor { get; init; }

    /// <summary>The currency of <see cref="AmountMinor"/>; the rule applies only to prices in it.</summary>
    public string? Currency { get; init; }

    public int? EndingMinor { get; init; }

    /// <summary>Channel codes it applies in; empty: every channel.</summary>
    public IReadOnlyList<string> Channels { get; init; } = [];

    public TimeWindow? Window { get; init; }

    public int Priority { get; init; } = 100;

    public MasterStatus Status { get; init; } = MasterStatus.Active;

    public string? StatusReason { get; init; }

    [JsonIgnore]
    public override string Key => RuleGuid;

    public static RecordType<DynamicRule> Type { get; } = new RecordType<DynamicRule>("dynamic_rule", r => [new UniqueValue("rule_code", r.RuleCode)])
        .IndexBy("status", "kind")
        .IndexBy("kind");

    public static string KeyName => "rule_guid";

    public static string CodeName => "rule_code";

    public DynamicRule WithStatus(MasterStatus status, string? reason) => this with { Status = status, StatusReason = reason };
}

public enum PromotionKind
{
    PercentOff,
    AmountOff,
    FixedPrice,

    /// <summary>Buy <see cref="Promotion.BuyQuantity"/>, get <see cref="Promotion.GetQuantity"/> of the targets at <see cref="Promotion.GetPercent"/> off (100: free), across the cart's lines.</summary>
    BuyXGetY,
}

public enum PromotionStatus
{
    Active,
    Ended,
}

/// <summary>
/// A promotion (UC-PPM-003): a discount on targets, in channels, for a window, with a priority and an exclusive flag.
/// Combines with others by the policy's stacking rule; never breaks the maximum discount or the margin floor.
/// Ending one closes its window now; an ended promotion never applies again.
/// </summary>
public sealed record Promotion : Record, ICodedRecord<Promotion>
{
    public required string PromotionGuid { get; init; }

    public required string PromotionCode { get; init; }

    public required string Name { get; init; }

    public required PromotionKind Kind { get; init; }

    public decimal? Percent { get; init; }

    public long? AmountMinor { get; init; }

    /// <summary>The currency of <see cref="AmountMinor"/> (amount off, fixed price); the promotion applies only to prices in it.</summary>
    public string? Currency { get; init; }

    public int? BuyQuantity { get; init; }

    public int? GetQuantity { get; init; }

    public decimal? GetPercent { get; init; }

    public IReadOnlyList<Selector> Targets { get; init; } = [];

    /// <summary>Channel codes it applies in; empty: every channel.</summary>
    public IReadOnlyList<string> Channels { get; init; } = [];

    public required TimeWindow Window { get; init; }

    public int Priority { get; init; } = 100;

    public bool Exclusive { get; init; }

    /// <summary>
    /// A code the buyer presents (a coupon, an influencer campaign's code): when set, the promotion applies only to a pricing
    /// request that names it in <c>codes</c>. Unique among the org's active promotions (an ended one frees it).
    /// </summary>
    public string? Code { get; init; }

    public PromotionStatus Status { get; init; } = PromotionStatus.Active;

    public DateTimeOffset? EndedAt { get; init; }

    public string? EndReason { get; init; }

    [JsonIgnore]
    public override string Key => PromotionGuid;

    public static RecordType<Promotion> Type { get; } = new RecordType<Promotion>("promotion", UniquesOf)
        .IndexBy("status");

    private static IEnumerable<UniqueValue> UniquesOf(Promotion p) => p.Code is not null && p.Status == PromotionStatus.Active
        ? [new UniqueValue("promotion_code", p.PromotionCode), new UniqueValue("code", p.Code)]
        : [new UniqueValue("promotion_code", p.PromotionCode)];

    public static string KeyName => "promotion_guid";

    public static string CodeName => "promotion_code";
}
