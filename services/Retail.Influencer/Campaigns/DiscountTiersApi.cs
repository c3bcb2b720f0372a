namespace Retail.Influencer.Campaigns;

/// <summary>
/// Discount tiers: sales-volume thresholds → commission rate and buyer discount, set by an admin (created without
/// expected_revision, changed with it), read and listed (by threshold, lowest first) by viewers. <see cref="DiscountTiers.For"/>
/// picks the tier a volume reached.
/// </summary>
public static class DiscountTiersApi
{
    public static RouteGroupBuilder MapDiscountTiersApi(this IEndpointRouteBuilder routes)
    {
        var tiers = routes.MapGroup("/discount-tier").WithTags("Influencer discount tiers");
        tiers.MapPost("/set", Set).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Create a tier (no expected_revision) or change it (expected_revision): threshold, commission rate, buyer discount, active.");
        tiers.MapPost("/get", Get).RequireRole(Role.Viewer).WithSummary("Read a tier by tier_code.");
        tiers.MapPost("/list", List).RequireRole(Role.Viewer).WithSummary("List tiers by threshold, lowest first; active filters.");
        return tiers;
    }

    public static async Task<Results<Ok<DiscountTier>, ProblemHttpResult>> Set(SetDiscountTierRequest request, RecordStore<DiscountTier> tiers,
        RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var code = Codes.Normalize(request.TierCode);
        var (loaded, problem) = await tiers.LoadForUpsertAsync(orgcode, code, request.ExpectedRevision, ct);
        if (problem is not null)
        {
            return problem;
        }
        var tier = new DiscountTier
        {
            TierCode = code,
            Name = request.Name!.Trim(),
            Currency = request.Currency!.Trim().ToUpperInvariant(),
            ThresholdMinor = request.ThresholdMinor!.Value,
            CommissionRateBps = request.CommissionRateBps!.Value,
            BuyerDiscountBps = request.BuyerDiscountBps ?? 0,
            Active = request.Active ?? true,
        };
        var write = loaded is null
            ? await tiers.CreateAsync(orgcode, tier, [CampaignEvents.TierChanged(orgcode, tier, 1)], ct)
            : await tiers.UpdateAsync(orgcode, loaded, tier, "updated", [CampaignEvents.TierChanged(orgcode, tier, loaded.Record.Revision + 1)], ct);
        return write.ToOk();
    }

    public static async Task<Results<Ok<DiscountTier>, ProblemHttpResult>> Get(DiscountTierKey request, RecordStore<DiscountTier> tiers,
        RequestContext context, CancellationToken ct) =>
        await tiers.GetAsync(context.RequireOrgcode(), Codes.Normalize(request.TierCode), ct: ct) is { } loaded
            ? TypedResults.Ok(loaded.Record)
            : ApiProblem.NotFound("No such discount tier in this org.");

    public static async Task<Ok<Page<DiscountTier>>> List(DiscountTierListRequest request, RecordStore<DiscountTier> tiers, RequestContext context,
        CancellationToken ct)
    {
        List<StateFilter> filters = request.Active is { } active ? [StateFilter.Eq("active", active)] : [];
        return TypedResults.Ok(await tiers.ListAsync(context.RequireOrgcode(), filters, Paging.LimitOf(request), request.NextToken,
            sort: [new StateSort("threshold_minor"), new StateSort("key")], ct: ct));
    }
}
