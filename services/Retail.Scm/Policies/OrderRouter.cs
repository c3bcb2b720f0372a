using Retail.Scm.Sources;
using Retail.Shared.Invocation;

namespace Retail.Scm.Policies;

/// <summary>ICS's allocation suggestion as SCM reads it: the candidates holding some of the variant.</summary>
public sealed record IcsAllocationCandidate(string FacilityCode, long Available, bool CanFulfil);

public sealed record IcsAllocationSuggestion(string VariantGuid, long Quantity, IReadOnlyList<IcsAllocationCandidate> Candidates);

/// <summary>
/// What is available at a routing policy's candidates: one ICS <c>/allocation/suggest</c> per variant, naming the
/// candidates (ICS reads exactly those positions).
/// </summary>
public sealed class RoutingAvailability(ScmSources sources)
{
    public async Task<IReadOnlyDictionary<(string Facility, string Variant), long>> ReadAsync(string orgcode, IReadOnlyList<string> candidates,
        IReadOnlyList<RouteLineInput> lines, CancellationToken ct)
    {
        var available = new Dictionary<(string, string), long>();
        if (candidates.Count == 0)
        {
            return available;
        }
        foreach (var variant in lines.GroupBy(l => l.VariantGuid, StringComparer.Ordinal))
        {
            IcsAllocationSuggestion answer;
            try
            {
                answer = await sources.Invoker.SendAsync<IcsAllocationSuggestion>(ScmSources.Ics, "/allocation/suggest",
                    new { variant_guid = variant.Key, quantity = Math.Max(1, variant.Sum(l => l.Quantity)), facility_codes = candidates },
                    new InvocationOptions(orgcode), ct);
            }
            catch (ServiceRefusedException refused) when (refused.Status == StatusCodes.Status422UnprocessableEntity)
            {
                // ICS never heard of the variant: no facility holds any of it.
                continue;
            }
            foreach (var candidate in answer.Candidates)
            {
                available[(Codes.Normalize(candidate.FacilityCode), variant.Key)] = candidate.Available;
            }
        }
        return available;
    }
}

/// <summary>
/// Which facility fulfils each line of an order (<see cref="IOrderRouter"/>), cheapest answer first: the facility the
/// order names; the pickup facility; the latest routing plan made for the order; the channel's routing policy (its first
/// candidate, or, in <see cref="RoutingMode.Availability"/> mode, a plan from ICS's availability, not stored); the
/// channel's facility in OFM (cached with the org directory's answers); else null. Only availability mode and the OFM
/// fallback call another service, and the OFM answer is cached.
/// </summary>
public sealed class OrderRouter(RecordStore<RoutingPolicy> policies, RecordStore<RoutingPlan> plans, RoutingAvailability availability,
    ScmSources sources, OrgDirectoryCache cache) : IOrderRouter
{
    public async Task<RouteAnswer?> RouteAsync(string orgcode, RouteInput input, CancellationToken ct)
    {
        if (!string.IsNullOrWhiteSpace(input.FacilityCode))
        {
            return All(input, Codes.Normalize(input.FacilityCode), null);
        }
        if (!string.IsNullOrWhiteSpace(input.PickupFacilityCode))
        {
            return All(input, Codes.Normalize(input.PickupFacilityCode), null);
        }
        if (input.OrderGuid is { } order && await LatestPlanAsync(orgcode, order, ct) is { } plan)
        {
            var planned = plan.Lines.Where(l => l.FacilityCode is not null).ToDictionary(l => l.LineNo, l => l.FacilityCode!);
            if (input.Lines.All(l => planned.ContainsKey(l.LineNo)))
            {
                return new RouteAnswer(input.Lines.ToDictionary(l => l.LineNo, l => planned[l.LineNo]), plan.PlanGuid);
            }
        }
        var channel = Codes.Normalize(input.ChannelCode);
        if ((await policies.GetAsync(orgcode, channel, ct: ct))?.Record is { Candidates.Count: > 0 } policy)
        {
            if (policy.Mode == RoutingMode.Availability)
            {
                var stock = await availability.ReadAsync(orgcode, policy.Candidates, input.Lines, ct);
                var decision = RoutingPlanner.Plan(input.Lines, policy.Candidates, stock, policy.SplitAllowed, policy.PreferWholeOrder);
                var first = policy.Candidates[0];
                return new RouteAnswer(decision.Lines.ToDictionary(l => l.LineNo, l => l.FacilityCode ?? first), null);
            }
            return All(input, policy.Candidates[0], null);
        }
        var facility = await PolicyReferences.ChannelFacilityAsync(sources.Invoker, cache, orgcode, channel, ct);
        return facility is null ? null : All(input, facility, null);
    }

    public async Task<RoutingPlan?> LatestPlanAsync(string orgcode, string orderGuid, CancellationToken ct) =>
        (await plans.ListAsync(orgcode, [StateFilter.Eq("order_guid", TaxQuoter.GuidKey(orderGuid))], limit: 1,
            sort: [new StateSort("created_ms", Descending: true), new StateSort("plan_guid", Descending: true)], ct: ct)).Items.FirstOrDefault();

    private static RouteAnswer All(RouteInput input, string facility, string? planGuid) =>
        new(input.Lines.ToDictionary(l => l.LineNo, _ => facility), planGuid);
}
