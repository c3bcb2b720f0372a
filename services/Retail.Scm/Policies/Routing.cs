using System.Text.Json.Serialization;

namespace Retail.Scm.Policies;

/// <summary>How the router chooses on the order hot path.</summary>
public enum RoutingMode
{
    /// <summary>The first candidate, without asking ICS (no service call per order); a plan made for the order wins.</summary>
    FirstCandidate,

    /// <summary>Each order is planned from ICS's availability at the candidates (one ICS read per variant of the order).</summary>
    Availability,
}

/// <summary>
/// A sales channel's routing policy (<c>/routing/policy/set</c>): the logical facilities that may fulfil its orders, in
/// order of preference; whether one order may ship from several (a split); whether a facility holding the whole order is
/// preferred over the order of the candidates; and how the router chooses on the hot path. Keyed by channel code.
/// </summary>
public sealed record RoutingPolicy : Record
{
    public required string ChannelCode { get; init; }

    public required IReadOnlyList<string> Candidates { get; init; }

    public bool SplitAllowed { get; init; }

    public bool PreferWholeOrder { get; init; } = true;

    public RoutingMode Mode { get; init; } = RoutingMode.FirstCandidate;

    public string? UpdatedBy { get; init; }

    [JsonIgnore]
    public override string Key => ChannelCode;

    public static RecordType<RoutingPolicy> Type { get; } = new("routing_policy");
}

/// <summary>One line of a plan: where it is fulfilled from, what that facility had, and why.</summary>
/// <param name="FacilityCode">Null when no candidate holds any of it.</param>
/// <param name="Shortfall">What the chosen facility lacks of the line (0 when it holds it all).</param>
public sealed record PlannedLine(int LineNo, string VariantGuid, long Quantity, string? FacilityCode, long AvailableThere, long Shortfall, string Reason);

/// <summary>
/// Which facility fulfils each line of an order (or of a set of lines), computed from ICS's availability at the routing
/// policy's candidates and kept with its reasoning (<c>/routing/plan/create</c>). The router follows the latest plan of an
/// order.
/// </summary>
public sealed record RoutingPlan : Record
{
    public required string PlanGuid { get; init; }

    public required string ChannelCode { get; init; }

    public string? OrderGuid { get; init; }

    public required IReadOnlyList<string> Candidates { get; init; }

    public bool SplitAllowed { get; init; }

    public bool PreferWholeOrder { get; init; }

    /// <summary>The routing policy's revision the plan followed (0: none; the channel's OFM facility was the only candidate).</summary>
    public long PolicyRevision { get; init; }

    public required IReadOnlyList<PlannedLine> Lines { get; init; }

    /// <summary>Lines go to more than one facility.</summary>
    public bool Split { get; init; }

    /// <summary>Every line is held in full by its facility.</summary>
    public bool Fulfillable { get; init; }

    /// <summary>The decision in words, in the order it was taken.</summary>
    public required IReadOnlyList<string> Reasoning { get; init; }

    public required string CreatedBy { get; init; }

    [JsonIgnore]
    public override string Key => PlanGuid;

    public static RecordType<RoutingPlan> Type { get; } = new RecordType<RoutingPlan>("routing_plan")
        .Computed("created_ms", p => p.CreatedAt.ToUnixTimeMilliseconds())
        .IndexBy("order_guid", "created_ms")
        .IndexBy("channel_code", "created_ms");
}

/// <summary>The planning of a routing, as a pure function of the lines, the candidates and their availability.</summary>
public static class RoutingPlanner
{
    public sealed record Decision(IReadOnlyList<PlannedLine> Lines, bool Split, bool Fulfillable, IReadOnlyList<string> Reasoning);

    /// <summary>
    /// With whole-order fill preferred (or no split allowed): the first candidate holding every line. Failing that,
    /// without a split: the candidate holding the most of the order takes all of it (with its shortfall). With a split:
    /// each line, in line order, goes to the first candidate still holding all of it (stock taken by earlier lines is
    /// counted), else to the one holding the most of it.
    /// </summary>
    /// <param name="available">Available units by (facility, variant); missing is 0.</param>
    public static Decision Plan(IReadOnlyList<RouteLineInput> lines, IReadOnlyList<string> candidates,
        IReadOnlyDictionary<(string Facility, string Variant), long> available, bool splitAllowed, bool preferWholeOrder)
    {
        var reasoning = new List<string>();
        long At(string facility, string variant) => available.GetValueOrDefault((facility, variant));
        var demand = lines.GroupBy(l => l.VariantGuid).ToDictionary(g => g.Key, g => g.Sum(l => l.Quantity), StringComparer.Ordinal);
        if (preferWholeOrder || !splitAllowed)
        {
            var whole = candidates.FirstOrDefault(f => demand.All(d => At(f, d.Key) >= d.Value));
            if (whole is not null)
            {
                reasoning.Add($"{whole} holds the whole order (candidate {Rank(candidates, whole)} of {candidates.Count}).");
                return new Decision(lines.Select(l => new PlannedLine(l.LineNo, l.VariantGuid, l.Quantity, whole, At(whole, l.VariantGuid), 0,
                    "whole order")).ToList(), false, true, reasoning);
            }
            reasoning.Add("No candidate holds the whole order.");
        }
        if (!splitAllowed)
        {
            var best = candidates.Select(f => (Facility: f, Units: demand.Sum(d => Math.Min(At(f, d.Key), d.Value))))
                .OrderByDescending(c => c.Units).ThenBy(c => Rank(candidates, c.Facility)).FirstOrDefault();
            var total = demand.Values.Sum();
            if (best.Facility is null)
            {
                reasoning.Add("There is no candidate.");
                return new Decision(lines.Select(l => new PlannedLine(l.LineNo, l.VariantGuid, l.Quantity, null, 0, l.Quantity, "no candidate")).ToList(),
                    false, false, reasoning);
            }
            reasoning.Add($"Split shipments are not allowed: {best.Facility} holds the most of the order ({best.Units} of {total} units) and takes all of it.");
            var left = demand.Keys.ToDictionary(v => v, v => At(best.Facility, v), StringComparer.Ordinal);
            var planned = lines.Select(l =>
            {
                var take = Math.Min(left[l.VariantGuid], l.Quantity);
                left[l.VariantGuid] -= take;
                return new PlannedLine(l.LineNo, l.VariantGuid, l.Quantity, best.Facility, take, l.Quantity - take,
                    take == l.Quantity ? "most of the order, no split" : "most of the order, no split; short");
            }).ToList();
            return new Decision(planned, false, planned.All(p => p.Shortfall == 0), reasoning);
        }
        reasoning.Add("Split shipments are allowed: each line goes to the first candidate holding all of it.");
        var remaining = new Dictionary<(string, string), long>();
        long Left(string f, string v) => remaining.TryGetValue((f, v), out var n) ? n : At(f, v);
        var result = new List<PlannedLine>();
        foreach (var line in lines)
        {
            var whole = candidates.FirstOrDefault(f => Left(f, line.VariantGuid) >= line.Quantity);
            if (whole is not null)
            {
                var had = Left(whole, line.VariantGuid);
                remaining[(whole, line.VariantGuid)] = had - line.Quantity;
                result.Add(new PlannedLine(line.LineNo, line.VariantGuid, line.Quantity, whole, had, 0,
                    $"first candidate holding the line (candidate {Rank(candidates, whole)})"));
                continue;
            }
            var most = candidates.Select(f => (Facility: f, Units: Left(f, line.VariantGuid))).Where(c => c.Units > 0)
                .OrderByDescending(c => c.Units).ThenBy(c => Rank(candidates, c.Facility)).FirstOrDefault();
            if (most.Facility is null)
            {
                result.Add(new PlannedLine(line.LineNo, line.VariantGuid, line.Quantity, null, 0, line.Quantity, "no candidate holds any of it"));
                reasoning.Add($"Line {line.LineNo}: no candidate holds any of it.");
                continue;
            }
            remaining[(most.Facility, line.VariantGuid)] = 0;
            result.Add(new PlannedLine(line.LineNo, line.VariantGuid, line.Quantity, most.Facility, most.Units, line.Quantity - most.Units,
                "no candidate holds all of it; the one holding the most"));
            reasoning.Add($"Line {line.LineNo}: no candidate holds all of it; {most.Facility} holds the most ({most.Units} of {line.Quantity}).");
        }
        var split = result.Select(r => r.FacilityCode).OfType<string>().Distinct(StringComparer.Ordinal).Count() > 1;
        return new Decision(result, split, result.All(r => r.Shortfall == 0), reasoning);
    }

    private static int Rank(IReadOnlyList<string> candidates, string facility)
    {
        for (var i = 0; i < candidates.Count; i++)
        {
            if (candidates[i] == facility)
            {
                return i + 1;
            }
        }
        return candidates.Count + 1;
    }
}
