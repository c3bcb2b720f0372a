using Retail.Influencer.Profiles;
using Retail.Shared;
using Retail.Shared.Invocation;

namespace Retail.Influencer.Campaigns;

/// <summary>
/// Campaigns (UC-INF-001): created as drafts by an admin for an active profile, code unique in the org; moved along
/// <c>draft → active ⇄ paused → ended</c> (expected_revision). Activating a campaign with a buyer's discount first makes
/// (or finds) its PPM promotion, then writes the campaign; ending it first ends the promotion. When PPM cannot answer the
/// status change is 503 and nothing is written here; the retry finds the promotion by its code. A paused campaign keeps its
/// promotion (the buyer's code still gives the discount; its sales are not attributed while paused).
/// </summary>
public static class CampaignsApi
{
    public static RouteGroupBuilder MapCampaignsApi(this IEndpointRouteBuilder routes)
    {
        var campaigns = routes.MapGroup("/campaign").WithTags("Influencer campaigns");
        campaigns.MapPost("/create", Create).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Create a draft campaign for an active profile: code, window, channels, commission rule and the buyer's discount.");
        campaigns.MapPost("/get", Get).RequireRole(Role.Viewer).WithSummary("Read a campaign by campaign_guid or code.");
        campaigns.MapPost("/list", List).RequireRole(Role.Viewer).WithSummary("List campaigns by status and by profile.");
        campaigns.MapPost("/status/set", SetStatus).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Activate, pause, resume or end a campaign (expected_revision); activation makes the buyer's PPM promotion, ending ends it.");
        return campaigns;
    }

    public static async Task<Results<Created<Campaign>, ProblemHttpResult>> Create(CreateCampaignRequest request, RecordStore<Campaign> campaigns,
        RecordStore<InfluencerProfile> profiles, IOrgDirectory directory, RequestContext context, TimeProvider clock, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        if (request.EndsAt is { } endsAt && endsAt <= clock.GetUtcNow())
        {
            return InfluencerProblems.WindowInPast(endsAt);
        }
        var profileGuid = CampaignRules.GuidKey(request.ProfileGuid!);
        if (await profiles.GetAsync(orgcode, profileGuid, ct: ct) is not { } profile)
        {
            return InfluencerProblems.UnknownReference("profile_guid", $"No influencer profile {profileGuid} in this org.");
        }
        if (profile.Record.Status != ProfileStatus.Active)
        {
            return InfluencerProblems.ProfileNotActive(profileGuid, Retail.Shared.Json.SnakeCase.Name(profile.Record.Status));
        }
        var channels = CampaignRules.Channels(request.Channels);
        foreach (var channel in channels)
        {
            var check = await directory.CheckContextAsync(orgcode, new ContextCodes(null, channel, null), ct);
            if (check.Dependency is not null)
            {
                return ApiProblem.DependencyUnavailable(check.Dependency);
            }
            if (!check.IsValid)
            {
                return InfluencerProblems.UnknownReference("channels", $"No active sales channel '{channel}' in this org.");
            }
        }
        var code = Codes.Normalize(request.Code);
        var bps = request.BuyerDiscountBps ?? 0;
        var campaign = new Campaign
        {
            CampaignGuid = Ids.New(),
            Code = code,
            Name = request.Name!.Trim(),
            ProfileGuid = profileGuid,
            StartsAt = request.StartsAt!.Value.ToUniversalTime(),
            EndsAt = request.EndsAt?.ToUniversalTime(),
            Channels = channels,
            Currency = request.Currency!.Trim().ToUpperInvariant(),
            Commission = new CommissionRule(request.Commission!.RateBps!.Value, request.Commission.UseTiers ?? false, request.Commission.ReturnWindowDays ?? 30),
            BuyerDiscountBps = bps,
            // The buyer presents the code an SCM order carries as campaign_code: by default the campaign's own code.
            DiscountCode = bps > 0 ? (request.DiscountCode is null ? code : Codes.Normalize(request.DiscountCode)) : null,
        };
        return (await campaigns.CreateAsync(orgcode, campaign, [CampaignEvents.Created(orgcode, campaign)], ct)).ToCreated();
    }

    public static async Task<Results<Ok<Campaign>, ProblemHttpResult>> Get(CampaignKey request, RecordStore<Campaign> campaigns, RequestContext context,
        CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var loaded = request.CampaignGuid is not null
            ? await campaigns.GetAsync(orgcode, CampaignRules.GuidKey(request.CampaignGuid), ct: ct)
            : await campaigns.FindAsync(orgcode, "code", Codes.Normalize(request.Code), ct);
        return loaded is null ? ApiProblem.NotFound("No such campaign in this org.") : TypedResults.Ok(loaded.Record);
    }

    public static async Task<Ok<Page<Campaign>>> List(CampaignListRequest request, RecordStore<Campaign> campaigns, RequestContext context,
        CancellationToken ct)
    {
        var filters = new List<StateFilter>();
        if (request.ProfileGuid is { } profile)
        {
            filters.Add(StateFilter.Eq("profile_guid", CampaignRules.GuidKey(profile)));
        }
        if (request.Status is { } status)
        {
            filters.Add(StateFilter.Eq("status", status));
        }
        return TypedResults.Ok(await campaigns.ListAsync(context.RequireOrgcode(), filters, Paging.LimitOf(request), request.NextToken, ct: ct));
    }

    public static async Task<Results<Ok<Campaign>, ProblemHttpResult>> SetStatus(SetCampaignStatusRequest request, RecordStore<Campaign> campaigns,
        RecordStore<InfluencerProfile> profiles, BuyerDiscounts discounts, RequestContext context, TimeProvider clock, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await campaigns.LoadForChangeAsync(orgcode, CampaignRules.GuidKey(request.CampaignGuid!), request.ExpectedRevision, ct: ct);
        if (problem is not null)
        {
            return problem;
        }
        var current = loaded!.Record;
        var target = request.Status!.Value;
        if (Campaign.Lifecycle.Check(current.Status, target) is { } refused)
        {
            return refused;
        }
        var promotionGuid = current.PromotionGuid;
        if (target == CampaignStatus.Active)
        {
            if (current.EndsAt is { } endsAt && endsAt <= clock.GetUtcNow())
            {
                return InfluencerProblems.WindowInPast(endsAt);
            }
            var profile = await profiles.GetAsync(orgcode, current.ProfileGuid, ct: ct);
            if (profile is null || profile.Record.Status != ProfileStatus.Active)
            {
                return InfluencerProblems.ProfileNotActive(current.ProfileGuid, profile is null ? "missing" : Retail.Shared.Json.SnakeCase.Name(profile.Record.Status));
            }
        }
        try
        {
            // PPM first, then the campaign: a failure here leaves the campaign as it was, and a retry finds what PPM holds.
            if (target == CampaignStatus.Active && current.BuyerDiscountBps > 0 && promotionGuid is null)
            {
                promotionGuid = await discounts.EnsureAsync(orgcode, current, ct);
            }
            else if (target == CampaignStatus.Ended && promotionGuid is not null)
            {
                await discounts.EndAsync(orgcode, current, ct);
            }
        }
        catch (DependencyUnavailableException unavailable)
        {
            return ApiProblem.DependencyUnavailable(unavailable.Dependency);
        }
        catch (DiscountCodeTakenException taken)
        {
            return InfluencerProblems.DiscountCodeTaken(taken.Code);
        }
        catch (ServiceRefusedException refusal)
        {
            return InfluencerProblems.DiscountRefused(refusal.Code, refusal.Detail);
        }
        var next = current with { Status = target, StatusReason = RequestRules.Trimmed(request.Reason), PromotionGuid = promotionGuid };
        return (await campaigns.UpdateAsync(orgcode, loaded, next, "status_changed", [CampaignEvents.StatusChanged(orgcode, current, next)], ct)).ToOk();
    }
}
