using System.Text.Json.Serialization;
using Retail.Ics.Stock;

namespace Retail.Ics.Replenishment;

/// <summary>
/// When to reorder a variant at a facility: below <see cref="Min"/> (counting available, in transit and on order), order
/// up to <see cref="Max"/>, at least <see cref="ReorderQuantity"/>. One per (facility, variant), keyed like its position.
/// <see cref="OnOrder"/> is what replenishment records have ordered, added in their own transaction.
/// </summary>
public sealed record ReplenishmentRule : Record
{
    public required string FacilityCode { get; init; }

    public required string VariantGuid { get; init; }

    public required long Min { get; init; }

    public required long Max { get; init; }

    public required long ReorderQuantity { get; init; }

    public MasterStatus Status { get; init; } = MasterStatus.Active;

    public string? StatusReason { get; init; }

    public long OnOrder { get; init; }

    [JsonIgnore]
    public override string Key => Position.KeyOf(FacilityCode, VariantGuid);

    public static RecordType<ReplenishmentRule> Type { get; } = new RecordType<ReplenishmentRule>("replenishment_rule")
        .IndexBy("status")
        .IndexBy("facility_code", "status")
        .IndexBy("variant_guid", "status");
}

public enum ReplenishmentSource
{
    Po,
    Transfer,
}

/// <summary>That a replenishment was ordered (a purchase order, a transfer), so suggestions count it as on its way.</summary>
public sealed record ReplenishmentRecord : Record
{
    public required string ReplenishmentGuid { get; init; }

    public required string FacilityCode { get; init; }

    public required string VariantGuid { get; init; }

    public required long Quantity { get; init; }

    public required ReplenishmentSource Source { get; init; }

    public required string Reference { get; init; }

    public required string RecordedBy { get; init; }

    [JsonIgnore]
    public override string Key => ReplenishmentGuid;

    public static RecordType<ReplenishmentRecord> Type { get; } = new RecordType<ReplenishmentRecord>("replenishment_record")
        .IndexBy("facility_code", "variant_guid")
        .IndexBy("source", "reference");
}

/// <summary>A variant at a facility below its minimum, and how much to order.</summary>
public sealed record ReplenishmentSuggestion(string FacilityCode, string VariantGuid, long Min, long Max, long ReorderQuantity, long Available,
    long InTransit, long OnOrder, long Projected, long SuggestedQuantity);

/// <summary>Where a transfer would come from: a facility's surplus and the part of it proposed.</summary>
public sealed record TransferSource(string FromFacilityCode, long Available, long Surplus, long Quantity);

/// <summary>A suggestion for a destination, with the transfers that would cover it (all of it or as much as sources have).</summary>
public sealed record TransferSuggestion(string ToFacilityCode, string VariantGuid, long SuggestedQuantity, long Proposed,
    IReadOnlyList<TransferSource> Sources);

/// <summary>A facility that could fulfil a demand: its available stock and whether that covers the demand alone.</summary>
public sealed record AllocationCandidate(string FacilityCode, long Available, bool CanFulfil);

/// <summary>One part of the proposed fulfilment.</summary>
public sealed record AllocationPart(string FacilityCode, long Quantity);

/// <summary>
/// The candidates ranked, and the plan: one facility when one can fulfil alone, else the split over the most stocked
/// ones; <see cref="Shortfall"/> is what no candidate holds.
/// </summary>
public sealed record AllocationSuggestion(string VariantGuid, long Quantity, IReadOnlyList<AllocationCandidate> Candidates,
    IReadOnlyList<AllocationPart> Plan, bool Split, long Shortfall);

/// <summary>The arithmetic of replenishment, transfer sourcing and allocation, as pure functions.</summary>
public static class ReplenishmentRules
{
    /// <summary>
    /// A rule's suggestion, or null when the projected stock (available + in transit + on order) is at or above its minimum:
    /// order up to the maximum, at least the reorder quantity.
    /// </summary>
    public static ReplenishmentSuggestion? Suggest(ReplenishmentRule rule, Position? position)
    {
        var available = position?.Available ?? 0;
        var inTransit = position?.InTransit ?? 0;
        var projected = available + inTransit + rule.OnOrder;
        if (projected >= rule.Min)
        {
            return null;
        }
        var quantity = Math.Max(rule.Max - projected, rule.ReorderQuantity);
        return new ReplenishmentSuggestion(rule.FacilityCode, rule.VariantGuid, rule.Min, rule.Max, rule.ReorderQuantity, available, inTransit,
            rule.OnOrder, projected, quantity);
    }

    /// <summary>
    /// What a facility can give: available above its own rule's maximum (an active rule), or all of its available
    /// without one.
    /// </summary>
    public static long Surplus(Position position, ReplenishmentRule? rule) =>
        Math.Max(0, position.Available - (rule is { Status: MasterStatus.Active } ? rule.Max : 0));

    /// <summary>Takes from the largest surpluses first (ties by facility code) until the need is covered.</summary>
    public static IReadOnlyList<TransferSource> Source(long needed, IEnumerable<(Position Position, long Surplus)> sources)
    {
        var proposals = new List<TransferSource>();
        var left = needed;
        foreach (var (position, surplus) in sources.Where(s => s.Surplus > 0).OrderByDescending(s => s.Surplus)
                     .ThenBy(s => s.Position.FacilityCode, StringComparer.Ordinal))
        {
            if (left <= 0)
            {
                break;
            }
            var take = Math.Min(left, surplus);
            proposals.Add(new TransferSource(position.FacilityCode, position.Available, surplus, take));
            left -= take;
        }
        return proposals;
    }

    /// <summary>
    /// Ranks facilities for a demand: those that can fulfil it alone first (the ship-to facility first among them: nothing
    /// to move), then by most available, then by code. The plan is the first one when it can fulfil alone, else the
    /// split over the ranking until the demand is covered.
    /// </summary>
    public static AllocationSuggestion Allocate(string variantGuid, long quantity, IEnumerable<Position> positions, string? shipTo)
    {
        var ranked = positions.Where(p => p.Available > 0)
            .OrderByDescending(p => p.Available >= quantity)
            .ThenByDescending(p => p.Available >= quantity && p.FacilityCode == shipTo)
            .ThenByDescending(p => p.Available)
            .ThenBy(p => p.FacilityCode, StringComparer.Ordinal)
            .Select(p => new AllocationCandidate(p.FacilityCode, p.Available, p.Available >= quantity))
            .ToList();
        if (ranked.Count > 0 && ranked[0].CanFulfil)
        {
            return new AllocationSuggestion(variantGuid, quantity, ranked, [new AllocationPart(ranked[0].FacilityCode, quantity)], false, 0);
        }
        var plan = new List<AllocationPart>();
        var left = quantity;
        foreach (var candidate in ranked)
        {
            if (left <= 0)
            {
                break;
            }
            var take = Math.Min(left, candidate.Available);
            plan.Add(new AllocationPart(candidate.FacilityCode, take));
            left -= take;
        }
        return new AllocationSuggestion(variantGuid, quantity, ranked, plan, plan.Count > 1, left);
    }
}
