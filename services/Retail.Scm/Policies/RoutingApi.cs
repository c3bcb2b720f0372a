using FluentValidation;
using Retail.Scm.Orders;
using Retail.Shared;

namespace Retail.Scm.Policies;

/// <summary>
/// A channel's routing policy as it is to be; fields left out keep their value (candidates are required the first time).
/// <c>expected_revision</c>: absent or 0 the first time, the current after.
/// </summary>
public sealed record SetRoutingPolicyRequest(string? ChannelCode, IReadOnlyList<string>? Candidates, bool? SplitAllowed, bool? PreferWholeOrder,
    RoutingMode? Mode, long? ExpectedRevision);

public sealed record GetRoutingPolicyRequest(string? ChannelCode);

public sealed record ListRoutingPoliciesRequest(int? Limit, string? NextToken) : IPagedRequest;

public sealed record PlanLineRequest(int? LineNo, string? VariantGuid, long? Quantity);

/// <summary>A plan for an order's open lines (<c>order_guid</c>), or for lines of a channel (<c>channel_code</c> and <c>lines</c>).</summary>
public sealed record CreateRoutingPlanRequest(string? OrderGuid, string? ChannelCode, IReadOnlyList<PlanLineRequest>? Lines);

public sealed record GetRoutingPlanRequest(string? PlanGuid);

/// <summary>Plans of an order, or of a channel, newest first; every plan of the org without either.</summary>
public sealed record ListRoutingPlansRequest(string? OrderGuid, string? ChannelCode, int? Limit, string? NextToken) : IPagedRequest;

public static class RoutingRules
{
    public const int MaxCandidates = 20;
    public const int MaxLines = 500;
}

public sealed class SetRoutingPolicyRequestValidator : AbstractValidator<SetRoutingPolicyRequest>
{
    public SetRoutingPolicyRequestValidator()
    {
        RuleFor(r => r.ChannelCode).OptionalCode();
        RuleFor(r => r.Candidates).Must(c => c is null || c.Count is > 0 and <= RoutingRules.MaxCandidates)
            .WithMessage($"lists 1 to {RoutingRules.MaxCandidates} facility codes")
            .Must(c => c is null || c.Select(x => Codes.Normalize(x)).Distinct().Count() == c.Count).WithMessage("lists each facility once");
        RuleForEach(r => r.Candidates).BusinessCode();
        RuleFor(r => r.Mode).IsInEnum();
        RuleFor(r => r.ExpectedRevision).GreaterThanOrEqualTo(0);
    }
}

public sealed class GetRoutingPolicyRequestValidator : AbstractValidator<GetRoutingPolicyRequest>
{
    public GetRoutingPolicyRequestValidator() => RuleFor(r => r.ChannelCode).OptionalCode();
}

public sealed class ListRoutingPoliciesRequestValidator : AbstractValidator<ListRoutingPoliciesRequest>
{
    public ListRoutingPoliciesRequestValidator() => this.AddPagingRules();
}

public sealed class CreateRoutingPlanRequestValidator : AbstractValidator<CreateRoutingPlanRequest>
{
    public CreateRoutingPlanRequestValidator()
    {
        RuleFor(r => r.OrderGuid).OptionalGuid();
        RuleFor(r => r.ChannelCode).OptionalCode();
        RuleFor(r => r).Must(r => (r.OrderGuid is null) != (r.Lines is null))
            .WithMessage("names an order_guid, or a channel's lines (one of them)").OverridePropertyName("order_guid");
        RuleFor(r => r.ChannelCode).Null().When(r => r.OrderGuid is not null).WithMessage("is the order's; send order_guid alone");
        RuleFor(r => r.Lines).Must(l => l is null || l.Count is > 0 and <= RoutingRules.MaxLines).WithMessage($"has 1 to {RoutingRules.MaxLines} lines")
            .Must(l => l is null || l.Where(x => x?.LineNo is not null).Select(x => x.LineNo).Distinct().Count() == l.Count(x => x?.LineNo is not null))
            .WithMessage("numbers each line once");
        RuleForEach(r => r.Lines).NotNull().WithMessage("is required").ChildRules(line =>
        {
            line.RuleFor(x => x.LineNo).InclusiveBetween(1, 100_000);
            line.RuleFor(x => x.VariantGuid).RequiredGuid();
            line.RuleFor(x => x.Quantity).NotNull().WithMessage("is required").InclusiveBetween(1, 1_000_000_000);
        });
    }
}

public sealed class GetRoutingPlanRequestValidator : AbstractValidator<GetRoutingPlanRequest>
{
    public GetRoutingPlanRequestValidator() => RuleFor(r => r.PlanGuid).RequiredGuid();
}

public sealed class ListRoutingPlansRequestValidator : AbstractValidator<ListRoutingPlansRequest>
{
    public ListRoutingPlansRequestValidator()
    {
        RuleFor(r => r.OrderGuid).OptionalGuid();
        RuleFor(r => r.ChannelCode).OptionalCode();
        RuleFor(r => r.ChannelCode).Null().When(r => r.OrderGuid is not null).WithMessage("filter by order_guid or channel_code, not both");
        this.AddPagingRules();
    }
}

/// <summary>Routing (issue 15): a channel's routing policy and the routing plans made from ICS's availability.</summary>
public static class RoutingApi
{
    public static RouteGroupBuilder MapRouting(this IEndpointRouteBuilder routes)
    {
        var routing = routes.MapGroup("/routing").WithTags("Routing");
        routing.MapPost("/policy/set", SetPolicy).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Set a channel's routing policy: candidate logical facilities in order, split shipments, whole-order preference, hot-path mode (fields left out keep their value).");
        routing.MapPost("/policy/get", GetPolicy).RequireRole(Role.Viewer).WithSummary("A channel's routing policy.");
        routing.MapPost("/policy/list", ListPolicies).RequireRole(Role.Viewer).WithSummary("Every channel's routing policy, by channel code.");
        routing.MapPost("/plan/create", CreatePlan).RequireRole(Role.Member).AsWrite()
            .WithSummary("Plan which facility fulfils each line of an order (or of lines of a channel) from ICS's availability at the policy's candidates; kept with its reasoning.");
        routing.MapPost("/plan/get", GetPlan).RequireRole(Role.Viewer).WithSummary("A routing plan.");
        routing.MapPost("/plan/list", ListPlans).RequireRole(Role.Viewer).WithSummary("Routing plans of an order or a channel, newest first.");
        return routing;
    }

    public static async Task<Results<Ok<RoutingPolicy>, ProblemHttpResult>> SetPolicy(SetRoutingPolicyRequest request, RecordStore<RoutingPolicy> store,
        IOrgDirectory directory, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (channel, problem) = await PolicyReferences.ChannelAsync(directory, orgcode, request.ChannelCode, context, ct);
        if (problem is not null)
        {
            return problem;
        }
        var (loaded, refused) = await store.LoadForUpsertAsync(orgcode, channel!, request.ExpectedRevision, ct);
        if (refused is not null)
        {
            return refused;
        }
        if (loaded is null && request.Candidates is null)
        {
            return ApiProblem.Validation("candidates", "is required the first time");
        }
        var candidates = request.Candidates?.Select(c => Codes.Normalize(c)).ToList();
        foreach (var facility in candidates ?? [])
        {
            if (await PolicyReferences.FacilityAsync(directory, orgcode, facility, "candidates", ct) is { } unknown)
            {
                return unknown;
            }
        }
        var current = loaded?.Record;
        var next = new RoutingPolicy
        {
            ChannelCode = channel!,
            Candidates = candidates ?? current!.Candidates,
            SplitAllowed = request.SplitAllowed ?? current?.SplitAllowed ?? false,
            PreferWholeOrder = request.PreferWholeOrder ?? current?.PreferWholeOrder ?? true,
            Mode = request.Mode ?? current?.Mode ?? RoutingMode.FirstCandidate,
            UpdatedBy = context.Principal?.Id,
        };
        var write = loaded is null ? await store.CreateAsync(orgcode, next, ct: ct) : await store.UpdateAsync(orgcode, loaded, next, ct: ct);
        return write.ToOk();
    }

    public static async Task<Results<Ok<RoutingPolicy>, ProblemHttpResult>> GetPolicy(GetRoutingPolicyRequest request, RecordStore<RoutingPolicy> store,
        RequestContext context, CancellationToken ct)
    {
        var channel = request.ChannelCode ?? context.ChannelCode;
        if (string.IsNullOrWhiteSpace(channel))
        {
            return ApiProblem.Validation("channel_code", "is required (or send the x-channel-code header)");
        }
        return (await store.GetAsync(context.RequireOrgcode(), Codes.Normalize(channel), ct: ct))?.Record is { } policy
            ? TypedResults.Ok(policy)
            : ApiProblem.NotFound($"Channel '{Codes.Normalize(channel)}' has no routing policy.");
    }

    public static async Task<Ok<Page<RoutingPolicy>>> ListPolicies(ListRoutingPoliciesRequest request, RecordStore<RoutingPolicy> store,
        RequestContext context, CancellationToken ct) =>
        TypedResults.Ok(await store.ListAsync(context.RequireOrgcode(), null, Paging.LimitOf(request), request.NextToken, ct: ct));

    public static async Task<Results<Created<RoutingPlan>, ProblemHttpResult>> CreatePlan(CreateRoutingPlanRequest request, RecordStore<RoutingPlan> plans,
        RecordStore<RoutingPolicy> policies, RecordStore<Order> orders, RoutingAvailability availability, IOrgDirectory directory,
        Sources.ScmSources sources, OrgDirectoryCache cache, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        string channel;
        string? orderGuid = null;
        List<RouteLineInput> lines;
        if (request.OrderGuid is { } guid)
        {
            var order = (await orders.GetAsync(orgcode, TaxQuoter.GuidKey(guid), ct: ct))?.Record;
            if (order is null)
            {
                return ApiProblem.NotFound("No such order.");
            }
            if (order.Status == OrderStatus.Cancelled)
            {
                return ScmProblems.OrderCancelled("A cancelled order is not routed.");
            }
            channel = order.ChannelCode;
            orderGuid = order.OrderGuid;
            lines = order.Lines.Where(l => l.Status != OrderLineStatus.Cancelled && l.OpenQuantity > 0)
                .Select(l => new RouteLineInput(l.LineNo, l.VariantGuid, l.OpenQuantity)).ToList();
            if (lines.Count == 0)
            {
                return ApiProblem.Business("nothing_to_route", "The order has no open lines.", "Every line is shipped or cancelled.");
            }
        }
        else
        {
            var (named, problem) = await PolicyReferences.ChannelAsync(directory, orgcode, request.ChannelCode, context, ct);
            if (problem is not null)
            {
                return problem;
            }
            channel = named!;
            lines = request.Lines!.Select((l, i) => new RouteLineInput(l.LineNo ?? i + 1, TaxQuoter.GuidKey(l.VariantGuid!), l.Quantity!.Value)).ToList();
        }
        var policy = (await policies.GetAsync(orgcode, channel, ct: ct))?.Record;
        var reasoning = new List<string>();
        IReadOnlyList<string> candidates;
        if (policy is not null)
        {
            candidates = policy.Candidates;
            reasoning.Add($"Routing policy of {channel} (revision {policy.Revision}): candidates {string.Join(", ", candidates)}.");
        }
        else if (await PolicyReferences.ChannelFacilityAsync(sources.Invoker, cache, orgcode, channel, ct) is { } facility)
        {
            candidates = [facility];
            reasoning.Add($"{channel} has no routing policy: its OFM facility {facility} is the only candidate.");
        }
        else
        {
            return ScmProblems.NoRoutingCandidates(channel);
        }
        var split = policy?.SplitAllowed ?? false;
        var whole = policy?.PreferWholeOrder ?? true;
        var stock = await availability.ReadAsync(orgcode, candidates, lines, ct);
        var decision = RoutingPlanner.Plan(lines, candidates, stock, split, whole);
        var plan = new RoutingPlan
        {
            PlanGuid = Ids.New(),
            ChannelCode = channel,
            OrderGuid = orderGuid,
            Candidates = candidates,
            SplitAllowed = split,
            PreferWholeOrder = whole,
            PolicyRevision = policy?.Revision ?? 0,
            Lines = decision.Lines,
            Split = decision.Split,
            Fulfillable = decision.Fulfillable,
            Reasoning = [.. reasoning, .. decision.Reasoning],
            CreatedBy = context.RequirePrincipal().Id,
        };
        return (await plans.CreateAsync(orgcode, plan, ct: ct)).ToCreated();
    }

    public static async Task<Results<Ok<RoutingPlan>, ProblemHttpResult>> GetPlan(GetRoutingPlanRequest request, RecordStore<RoutingPlan> plans,
        RequestContext context, CancellationToken ct) =>
        (await plans.GetAsync(context.RequireOrgcode(), TaxQuoter.GuidKey(request.PlanGuid!), ct: ct))?.Record is { } plan
            ? TypedResults.Ok(plan)
            : ApiProblem.NotFound("No such routing plan.");

    public static async Task<Ok<Page<RoutingPlan>>> ListPlans(ListRoutingPlansRequest request, RecordStore<RoutingPlan> plans, RequestContext context,
        CancellationToken ct)
    {
        var filters = new List<StateFilter>();
        if (request.OrderGuid is { } order)
        {
            filters.Add(StateFilter.Eq("order_guid", TaxQuoter.GuidKey(order)));
        }
        else if (request.ChannelCode is { } channel)
        {
            filters.Add(StateFilter.Eq("channel_code", Codes.Normalize(channel)));
        }
        IReadOnlyList<StateSort>? sort = filters.Count > 0 ? [new StateSort("created_ms", Descending: true), new StateSort("plan_guid", Descending: true)] : null;
        return TypedResults.Ok(await plans.ListAsync(context.RequireOrgcode(), filters, Paging.LimitOf(request), request.NextToken, sort: sort, ct: ct));
    }
}
