using Retail.Influencer.Earnings;
using Retail.Shared;

namespace Retail.Influencer.Profiles;

/// <summary>
/// Influencer profiles (UC-INF-001): created active by a member (handle unique in the org), read by guid or handle; payout
/// readiness set by an admin (payout method token, tax form status, minimum, enabled) and read with every reason a payout
/// could not be made now and the available balance.
/// </summary>
public static class ProfilesApi
{
    public static RouteGroupBuilder MapProfilesApi(this IEndpointRouteBuilder routes)
    {
        var profiles = routes.MapGroup("/profile").WithTags("Influencer profiles");
        profiles.MapPost("/create", Create).RequireRole(Role.Member).AsWrite()
            .WithSummary("Create an influencer profile: handle (unique), display name, contact, payout method token, tax form status, currency.");
        profiles.MapPost("/get", Get).RequireRole(Role.Viewer).WithSummary("Read a profile by profile_guid or handle.");
        return profiles;
    }

    public static RouteGroupBuilder MapPayoutReadinessApi(this IEndpointRouteBuilder routes)
    {
        var ready = routes.MapGroup("/payout/ready").WithTags("Influencer payouts");
        ready.MapPost("/set", SetReadiness).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Set a profile's payout readiness (expected_revision): payout method token, tax form status, minimum payout, enabled.");
        ready.MapPost("/get", GetReadiness).RequireRole(Role.Viewer)
            .WithSummary("Whether a profile can be paid now, every reason it cannot, and its available balance.");
        return ready;
    }

    public static async Task<Results<Created<InfluencerProfile>, ProblemHttpResult>> Create(CreateProfileRequest request, RecordStore<InfluencerProfile> profiles,
        RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var profile = new InfluencerProfile
        {
            ProfileGuid = Ids.New(),
            Handle = ProfileRules.NormalizeHandle(request.Handle!),
            DisplayName = request.DisplayName!.Trim(),
            Email = ProfileRules.NormalizeEmail(request.Email),
            Phone = RequestRules.Trimmed(request.Phone),
            PayoutMethodRef = RequestRules.Trimmed(request.PayoutMethodRef),
            TaxFormStatus = request.TaxFormStatus ?? TaxFormStatus.Missing,
            Currency = ProfileRules.CurrencyOf(request.Currency!),
            // No activation step in the seed (UC-INF-001: profile create, then campaign launch): a new profile is active.
            Status = ProfileStatus.Active,
        };
        return (await profiles.CreateAsync(orgcode, profile, [ProfileEvents.Created(orgcode, profile)], ct)).ToCreated();
    }

    public static async Task<Results<Ok<InfluencerProfile>, ProblemHttpResult>> Get(ProfileKey request, RecordStore<InfluencerProfile> profiles,
        RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var loaded = request.ProfileGuid is not null
            ? await profiles.GetAsync(orgcode, ProfileRules.GuidKey(request.ProfileGuid), ct: ct)
            : await profiles.FindAsync(orgcode, "handle", ProfileRules.NormalizeHandle(request.Handle!), ct);
        return loaded is null ? ApiProblem.NotFound("No such influencer profile in this org.") : TypedResults.Ok(loaded.Record);
    }

    public static async Task<Results<Ok<PayoutReadinessView>, ProblemHttpResult>> SetReadiness(SetPayoutReadinessRequest request,
        RecordStore<InfluencerProfile> profiles, RecordStore<InfluencerBalance> balances, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await profiles.LoadForChangeAsync(orgcode, ProfileRules.GuidKey(request.ProfileGuid!), request.ExpectedRevision, ct: ct);
        if (problem is not null)
        {
            return problem;
        }
        var current = loaded!.Record;
        var next = current with
        {
            PayoutMethodRef = RequestRules.Trimmed(request.PayoutMethodRef) ?? current.PayoutMethodRef,
            TaxFormStatus = request.TaxFormStatus ?? current.TaxFormStatus,
            MinimumPayoutMinor = request.MinimumPayoutMinor ?? current.MinimumPayoutMinor,
            PayoutReady = request.Enabled ?? current.PayoutReady,
        };
        var write = await profiles.UpdateAsync(orgcode, loaded, next, "updated", [ProfileEvents.ReadinessChanged(orgcode, next, current.Revision + 1)], ct);
        if (!write.Succeeded)
        {
            return write.Problem();
        }
        return TypedResults.Ok(await ReadinessOfAsync(balances, orgcode, write.Record!, ct));
    }

    public static async Task<Results<Ok<PayoutReadinessView>, ProblemHttpResult>> GetReadiness(PayoutReadinessKey request,
        RecordStore<InfluencerProfile> profiles, RecordStore<InfluencerBalance> balances, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        return await profiles.GetAsync(orgcode, ProfileRules.GuidKey(request.ProfileGuid!), ct: ct) is { } loaded
            ? TypedResults.Ok(await ReadinessOfAsync(balances, orgcode, loaded.Record, ct))
            : ApiProblem.NotFound("No such influencer profile in this org.");
    }

    private static async Task<PayoutReadinessView> ReadinessOfAsync(RecordStore<InfluencerBalance> balances, string orgcode, InfluencerProfile p,
        CancellationToken ct)
    {
        var available = (await balances.GetAsync(orgcode, p.ProfileGuid, ct: ct))?.Record.AvailableMinor ?? 0;
        var reasons = PayoutReadiness.Reasons(p, available);
        return new PayoutReadinessView(p.ProfileGuid, reasons.Count == 0, reasons, p.PayoutReady, p.PayoutMethodRef, p.TaxFormStatus, p.MinimumPayoutMinor,
            available, p.Currency, p.Status, p.Revision);
    }
}
