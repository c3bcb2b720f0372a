using Retail.Shared.Invocation;

namespace Retail.Influencer.Earnings;

/// <summary>
/// Attribution and earnings (UC-INF-002, UC-INF-003): <c>/attribution/record</c>, <c>/earnings/list|hold|release|clawback</c>.
/// </summary>
public static class EarningsApi
{
    public const string Scm = "scm";

    public static RouteGroupBuilder MapEarningsApi(this IEndpointRouteBuilder routes)
    {
        var attribution = routes.MapGroup("/attribution").WithTags("Attribution");
        attribution.MapPost("/record", Record).RequireRole(Role.Member).AsWrite()
            .WithSummary("Attribute an SCM order to a campaign (the order is read from SCM; amounts never come from the caller), with its pending commission. A repeat answers the first attribution (200).");
        var earnings = routes.MapGroup("/earnings").WithTags("Earnings");
        earnings.MapPost("/list", List).RequireRole(Role.Viewer)
            .WithSummary("Earnings of a profile (optionally of one status), of an attribution or of an order, oldest first.");
        earnings.MapPost("/hold", Hold).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Hold a pending or available commission, with a reason (paid or cancelled: 409 invalid_transition).");
        earnings.MapPost("/release", Release).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Release a held commission back to the status it was held from (available when its return window has passed).");
        earnings.MapPost("/clawback", Clawback).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Claw back an amount of a commission, or all that is left (full), once per reference; never more than the commission.");
        return earnings;
    }

    public static async Task<Results<Created<AttributionView>, Ok<AttributionView>, ProblemHttpResult>> Record(AttributionRecordRequest request,
        EarningsLedger ledger, IServiceInvoker invoker, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var orderGuid = request.OrderGuid!.Trim().ToLowerInvariant();
        if (await ledger.ReplayOfAsync(orgcode, orderGuid, ct) is { } replay)
        {
            return TypedResults.Ok(View(replay));
        }
        ScmOrder? order;
        try
        {
            order = await invoker.GetOrNullAsync<ScmOrder>(Scm, "/order/get", new { order_guid = orderGuid }, new InvocationOptions(orgcode), ct);
        }
        catch (ServiceRefusedException)
        {
            order = null;
        }
        if (order?.OrderGuid is null)
        {
            return InfluencerProblems.UnknownReference("order_guid", $"No order '{orderGuid}' in this org.");
        }
        if (!order.WasPlaced)
        {
            return InfluencerProblems.OrderNotPlaced(orderGuid, order.Status);
        }
        var code = request.CampaignCode is null ? null : Codes.Normalize(request.CampaignCode);
        var result = await ledger.AttributeAsync(orgcode, order with { OrderGuid = orderGuid }, code, AttributionSource.Manual, Actor(context), ct);
        if (result.Problem is { } problem)
        {
            return problem;
        }
        return result.Replayed ? TypedResults.Ok(View(result)) : TypedResults.Created((string?)null, View(result));
    }

    public static async Task<Results<Ok<Page<Earning>>, ProblemHttpResult>> List(EarningListRequest request, RecordStore<Earning> earnings,
        RequestContext context, CancellationToken ct)
    {
        List<StateFilter> filters = [];
        if (request.ProfileGuid is { } profile)
        {
            filters.Add(StateFilter.Eq("profile_guid", Guid(profile)));
            if (request.Status is { } status)
            {
                filters.Add(StateFilter.Eq("status", Retail.Shared.Json.SnakeCase.Name(status)));
            }
        }
        else if (request.AttributionGuid is { } attribution)
        {
            filters.Add(StateFilter.Eq("attribution_guid", Guid(attribution)));
        }
        else
        {
            filters.Add(StateFilter.Eq("order_guid", Guid(request.OrderGuid!)));
        }
        return TypedResults.Ok(await earnings.ListAsync(context.RequireOrgcode(), filters, Paging.LimitOf(request), request.NextToken,
            sort: [new StateSort("earning_guid")], ct: ct));
    }

    public static async Task<Results<Ok<EarningMovement>, ProblemHttpResult>> Hold(EarningHoldRequest request, EarningsLedger ledger, RequestContext context,
        CancellationToken ct) =>
        Answer(await ledger.HoldAsync(context.RequireOrgcode(), Guid(request.EarningGuid!), request.ExpectedRevision, request.Reason!.Trim(), Actor(context), ct));

    public static async Task<Results<Ok<EarningMovement>, ProblemHttpResult>> Release(EarningReleaseRequest request, EarningsLedger ledger,
        RequestContext context, CancellationToken ct) =>
        Answer(await ledger.ReleaseAsync(context.RequireOrgcode(), Guid(request.EarningGuid!), request.ExpectedRevision, RequestRules.Trimmed(request.Reason),
            Actor(context), ct));

    public static async Task<Results<Created<EarningMovement>, Ok<EarningMovement>, ProblemHttpResult>> Clawback(EarningClawbackRequest request,
        EarningsLedger ledger, RequestContext context, CancellationToken ct)
    {
        var result = await ledger.ClawbackAsync(context.RequireOrgcode(), Guid(request.EarningGuid!), EarningsLedger.ManualClawbackReference(request.Reference!.Trim()),
            null, request.AmountMinor, request.Full == true, null, request.Reason!.Trim(), Actor(context), ct);
        if (result.Problem is { } problem)
        {
            return problem;
        }
        var movement = new EarningMovement(result.Earning!, result.Balance, result.Replayed);
        return result.Replayed ? TypedResults.Ok(movement) : TypedResults.Created((string?)null, movement);
    }

    private static Results<Ok<EarningMovement>, ProblemHttpResult> Answer(EarningResult result) =>
        result.Problem is { } problem ? problem : TypedResults.Ok(new EarningMovement(result.Earning!, result.Balance, result.Replayed));

    private static AttributionView View(EarningResult result) => new(result.Attribution!, result.Earning, result.Balance, result.Replayed);

    private static string Guid(string raw) => raw.Trim().ToLowerInvariant();

    private static string Actor(RequestContext context) => context.Principal?.Id ?? "system";
}
