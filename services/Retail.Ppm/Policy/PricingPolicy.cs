using System.Text.Json.Serialization;

namespace Retail.Ppm.Policy;

/// <summary>How overlapping promotions on one line combine.</summary>
public enum StackingMode
{
    /// <summary>Only the first by priority applies (an exclusive promotion always stands alone).</summary>
    Exclusive,

    /// <summary>The one that takes the most off applies.</summary>
    BestOf,

    /// <summary>All apply, one after another in priority order, up to <see cref="StackingPolicy.CapPercent"/> off the list price.</summary>
    Additive,
}

public sealed record StackingPolicy(StackingMode Mode = StackingMode.BestOf, decimal? CapPercent = null);

/// <summary>When a price change waits for an admin: a move beyond these percentages, or a price under the margin floor.</summary>
public sealed record ApprovalThresholds(decimal? MaxDecreasePercent = null, decimal? MaxIncreasePercent = null, bool BelowMarginFloor = true);

public enum RoundingMode
{
    None,

    /// <summary>Round down to the nearest amount whose last two minor digits are <see cref="RoundingPolicy.EndingMinor"/> (x.99).</summary>
    Ending,
}

public sealed record RoundingPolicy(RoundingMode Mode = RoundingMode.None, int? EndingMinor = null);

/// <summary>
/// The org's pricing policy, one versioned record (revision and history like any record): approval thresholds, the
/// largest discount a promotion may give, the margin floor, promotion stacking and rounding. Absent until first set;
/// <see cref="Default"/> applies until then.
/// </summary>
public sealed record PricingPolicy : Record
{
    public const string TheKey = "policy";

    public ApprovalThresholds Approval { get; init; } = new();

    /// <summary>The most a line may be discounted off its list price, in percent (null: no limit).</summary>
    public decimal? MaxDiscountPercent { get; init; }

    /// <summary>The least margin over cost a price may leave, in percent: the floor is cost × (1 + this / 100).</summary>
    public decimal? MinMarginPercent { get; init; }

    public StackingPolicy Stacking { get; init; } = new();

    public RoundingPolicy Rounding { get; init; } = new();

    [JsonIgnore]
    public override string Key => TheKey;

    public static PricingPolicy Default { get; } = new();

    public static RecordType<PricingPolicy> Type { get; } = new("pricing_policy");
}
