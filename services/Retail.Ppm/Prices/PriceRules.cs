using Retail.Ppm.Policy;

namespace Retail.Ppm.Prices;

/// <summary>The pure decisions over an entry's windows: which windows collide, which one is in effect, when a change waits for an admin.</summary>
public static class PriceRules
{
    public const string DecreaseOverThreshold = "decrease_over_threshold";
    public const string IncreaseOverThreshold = "increase_over_threshold";
    public const string BelowMarginFloor = "below_margin_floor";
    public const string Submitted = "submitted";

    /// <summary>Whether <c>[from, to)</c> meets the window (an open end reaches forever).</summary>
    public static bool Overlaps(PriceWindow window, DateTimeOffset from, DateTimeOffset? to) =>
        (window.EffectiveTo is null || from < window.EffectiveTo) && (to is null || window.EffectiveFrom < to);

    public static bool IsSameWindow(PriceWindow window, DateTimeOffset from, DateTimeOffset? to) =>
        window.EffectiveFrom == from && window.EffectiveTo == to;

    /// <summary>Active and pending windows hold their time: another window may not overlap them. A rejected one holds nothing.</summary>
    public static bool HoldsTime(PriceWindow window) => window.Status is PriceWindowStatus.Active or PriceWindowStatus.PendingApproval;

    /// <summary>The active window at <paramref name="at"/>; windows of one key never overlap, so there is at most one.</summary>
    public static PriceWindow? InEffect(PriceEntry entry, DateTimeOffset at) =>
        entry.Windows.FirstOrDefault(w => w.Status == PriceWindowStatus.Active && w.EffectiveFrom <= at && (w.EffectiveTo is null || at < w.EffectiveTo));

    /// <summary>
    /// The active window a new price is measured against: the one it changes, else the one in effect just before it
    /// starts (the price it follows); null for a key's first price.
    /// </summary>
    public static PriceWindow? Reference(PriceEntry entry, PriceWindow? changed, DateTimeOffset from) =>
        changed ?? entry.Windows.Where(w => w.Status == PriceWindowStatus.Active && w.EffectiveTo is { } end && end <= from).MaxBy(w => w.EffectiveTo);

    /// <summary>
    /// Why a move from <paramref name="before"/> to <paramref name="after"/> needs an admin under the policy: a decrease or
    /// increase beyond its percentage (a first price has nothing to move from), or a price under cost × (1 + minimum margin)
    /// when the cost is known. Empty: it takes effect at once.
    /// </summary>
    public static IReadOnlyList<string> ApprovalReasons(PricingPolicy policy, long? before, long after, long? cost)
    {
        var reasons = new List<string>();
        var thresholds = policy.Approval;
        if (before is { } from)
        {
            if (after < from && thresholds.MaxDecreasePercent is { } maxDown && (from - after) * 100m > maxDown * from)
            {
                reasons.Add(DecreaseOverThreshold);
            }
            if (after > from && thresholds.MaxIncreasePercent is { } maxUp && (after - from) * 100m > maxUp * from)
            {
                reasons.Add(IncreaseOverThreshold);
            }
        }
        if (thresholds.BelowMarginFloor && cost is { } unitCost && after < unitCost * (1 + ((policy.MinMarginPercent ?? 0) / 100m)))
        {
            reasons.Add(BelowMarginFloor);
        }
        return reasons;
    }
}
