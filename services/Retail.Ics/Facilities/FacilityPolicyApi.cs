using FluentValidation;
using Retail.Ics.Stock;

namespace Retail.Ics.Facilities;

public sealed record FacilityPolicyKey(string? FacilityCode);

/// <param name="ExpectedRevision">Absent or 0 while the facility has no policy yet; the current revision after.</param>
public sealed record SetFacilityPolicyRequest(string? FacilityCode, bool? AllowNegativeAvailable, long? ExpectedRevision);

public sealed class FacilityPolicyKeyValidator : AbstractValidator<FacilityPolicyKey>
{
    public FacilityPolicyKeyValidator() => RuleFor(r => r.FacilityCode).BusinessCode();
}

public sealed class SetFacilityPolicyRequestValidator : AbstractValidator<SetFacilityPolicyRequest>
{
    public SetFacilityPolicyRequestValidator()
    {
        RuleFor(r => r.FacilityCode).BusinessCode();
        RuleFor(r => r.AllowNegativeAvailable).NotNull().WithMessage("is required");
        RuleFor(r => r.ExpectedRevision).GreaterThanOrEqualTo(0).When(r => r.ExpectedRevision is not null);
    }
}

/// <summary>
/// A facility's stock policy: whether <c>available</c> may go below zero (selling ahead of a receipt), which the ledger
/// reads on every change. A facility without a policy record answers the default (not allowed) at revision 0.
/// </summary>
public static class FacilityPolicyApi
{
    public static RouteGroupBuilder MapFacilityPolicy(this IEndpointRouteBuilder routes)
    {
        var policy = routes.MapGroup("/facility/policy").WithTags("Facility policy");
        policy.MapPost("/set", SetPolicy).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Set a facility's stock policy (whether available may go negative); expected_revision 0 or absent creates it.");
        policy.MapPost("/get", GetPolicy).RequireRole(Role.Viewer).WithSummary("Read a facility's stock policy (the default when none is set).");
        return policy;
    }

    public static async Task<Results<Ok<FacilityPolicy>, ProblemHttpResult>> SetPolicy(SetFacilityPolicyRequest request,
        RecordStore<FacilityPolicy> store, FacilityCheck facilities, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var facilityCode = Codes.Normalize(request.FacilityCode);
        if (await facilities.ProblemAsync(orgcode, facilityCode, "facility_code", ct) is { } problem)
        {
            return problem;
        }
        var (loaded, refused) = await store.LoadForUpsertAsync(orgcode, facilityCode, request.ExpectedRevision, ct);
        if (refused is not null)
        {
            return refused;
        }
        var next = new FacilityPolicy { FacilityCode = facilityCode, AllowNegativeAvailable = request.AllowNegativeAvailable!.Value };
        var write = loaded is null ? await store.CreateAsync(orgcode, next, ct: ct) : await store.UpdateAsync(orgcode, loaded, next, ct: ct);
        return write.ToOk();
    }

    public static async Task<Ok<FacilityPolicy>> GetPolicy(FacilityPolicyKey request, RecordStore<FacilityPolicy> store, RequestContext context,
        CancellationToken ct)
    {
        var facilityCode = Codes.Normalize(request.FacilityCode);
        var loaded = await store.GetAsync(context.RequireOrgcode(), facilityCode, ct: ct);
        return TypedResults.Ok(loaded?.Record ?? new FacilityPolicy { FacilityCode = facilityCode });
    }
}
