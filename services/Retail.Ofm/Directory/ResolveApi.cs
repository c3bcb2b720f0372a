using FluentValidation;
using Retail.Ofm.CostCentres;
using Retail.Ofm.Facilities;
using Retail.Ofm.MasterData;

namespace Retail.Ofm.Directory;

public sealed record ResolveOrgRequest(string? Orgcode);

public sealed record ResolvedOrg(string Orgcode, string OrgGuid, string LegalName, OrgStatus Status, bool Active);

public enum FacilityType
{
    Logical,
    Physical,
    Legal,
}

public sealed record ResolveFacilityRequest(string? FacilityCode, FacilityType? FacilityType);

public sealed record ResolvedFacility(FacilityType FacilityType, string FacilityCode, string FacilityGuid, MasterStatus Status, bool Active, object Record);

public sealed record ResolveZoneRequest(string? FacilityCode, string? ZoneCode);

public sealed record ResolvedZone(string FacilityCode, string ZoneCode, string ZoneGuid, MasterStatus Status, bool Active, Zone Record);

public sealed record ResolveCostCentreRequest(string? Cccode);

public sealed record ResolvedCostCentre(string Cccode, string CostCentreGuid, MasterStatus Status, bool Active, CostCentre Record);

public sealed class ResolveOrgRequestValidator : AbstractValidator<ResolveOrgRequest>
{
    public ResolveOrgRequestValidator() => RuleFor(r => r.Orgcode).OptionalCode();
}

public sealed class ResolveFacilityRequestValidator : AbstractValidator<ResolveFacilityRequest>
{
    public ResolveFacilityRequestValidator() => RuleFor(r => r.FacilityCode).BusinessCode();
}

public sealed class ResolveZoneRequestValidator : AbstractValidator<ResolveZoneRequest>
{
    public ResolveZoneRequestValidator()
    {
        RuleFor(r => r.FacilityCode).BusinessCode();
        RuleFor(r => r.ZoneCode).BusinessCode();
    }
}

public sealed class ResolveCostCentreRequestValidator : AbstractValidator<ResolveCostCentreRequest>
{
    public ResolveCostCentreRequestValidator() => RuleFor(r => r.Cccode).BusinessCode();
}

/// <summary>Code → record and status, for every other service: one unique-index read each.</summary>
public static class ResolveApi
{
    public static RouteGroupBuilder MapResolvers(this IEndpointRouteBuilder routes)
    {
        var resolve = routes.MapGroup("/resolve").WithTags("Resolvers");
        resolve.MapPost("/orgcode", ResolveOrg).RequireRole(Role.Viewer)
            .WithSummary("The org of x-orgcode: whether it is known and its status.");
        resolve.MapPost("/facility", ResolveFacility).RequireRole(Role.Viewer)
            .WithSummary("Whether a facility code is known and active, and of which type.");
        resolve.MapPost("/zone", ResolveZone).RequireRole(Role.Viewer)
            .WithSummary("Whether a zone of a facility is known and active.");
        resolve.MapPost("/cost-centre", ResolveCostCentre).RequireRole(Role.Viewer)
            .WithSummary("Whether a cost centre code is known and active.");
        return resolve;
    }

    public static async Task<Results<Ok<ResolvedOrg>, ProblemHttpResult>> ResolveOrg(ResolveOrgRequest request, OrgAccessResolver resolver,
        RequestContext context, CancellationToken ct) =>
        await resolver.FindOrgAsync(context.RequireOrgcode(), ct) is { } org
            ? TypedResults.Ok(new ResolvedOrg(org.Record.Orgcode, org.Record.OrgGuid, org.Record.LegalName, org.Record.Status,
                org.Record.Status == OrgStatus.Active))
            : ApiProblem.NotFound("No such org.");

    public static async Task<Results<Ok<ResolvedFacility>, ProblemHttpResult>> ResolveFacility(ResolveFacilityRequest request,
        RecordStore<LogicalFacility> logicals, RecordStore<PhysicalFacility> physicals, RecordStore<LegalFacility> legals, RequestContext context,
        CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var code = Codes.Normalize(request.FacilityCode);
        // Without a type, the logical facility (the operational code) answers first, then the site, then the entity.
        if (request.FacilityType is null or FacilityType.Logical && await logicals.FindAsync(orgcode, LogicalFacility.CodeName, code, ct) is { } logical)
        {
            return TypedResults.Ok(Resolved(FacilityType.Logical, logical.Record.FacilityCode, logical.Record.FacilityGuid, logical.Record.Status, logical.Record));
        }
        if (request.FacilityType is null or FacilityType.Physical && await physicals.FindAsync(orgcode, PhysicalFacility.CodeName, code, ct) is { } physical)
        {
            return TypedResults.Ok(Resolved(FacilityType.Physical, physical.Record.FacilityCode, physical.Record.FacilityGuid, physical.Record.Status, physical.Record));
        }
        if (request.FacilityType is null or FacilityType.Legal && await legals.FindAsync(orgcode, LegalFacility.CodeName, code, ct) is { } legal)
        {
            return TypedResults.Ok(Resolved(FacilityType.Legal, legal.Record.FacilityCode, legal.Record.FacilityGuid, legal.Record.Status, legal.Record));
        }
        return ApiProblem.NotFound("No such facility in this org.");
    }

    public static async Task<Results<Ok<ResolvedZone>, ProblemHttpResult>> ResolveZone(ResolveZoneRequest request, RecordStore<Zone> zones,
        RequestContext context, CancellationToken ct) =>
        await zones.FindAsync(context.RequireOrgcode(), Zone.CodeName, $"{Codes.Normalize(request.FacilityCode)}/{Codes.Normalize(request.ZoneCode)}", ct)
            is { } zone
            ? TypedResults.Ok(new ResolvedZone(zone.Record.FacilityCode, zone.Record.ZoneCode, zone.Record.ZoneGuid, zone.Record.Status,
                zone.Record.Status == MasterStatus.Active, zone.Record))
            : ApiProblem.NotFound("No such zone in this org.");

    public static async Task<Results<Ok<ResolvedCostCentre>, ProblemHttpResult>> ResolveCostCentre(ResolveCostCentreRequest request,
        RecordStore<CostCentre> centres, RequestContext context, CancellationToken ct) =>
        await centres.FindAsync(context.RequireOrgcode(), CostCentre.CodeName, Codes.Normalize(request.Cccode), ct) is { } centre
            ? TypedResults.Ok(new ResolvedCostCentre(centre.Record.Cccode, centre.Record.CostCentreGuid, centre.Record.Status,
                centre.Record.Status == MasterStatus.Active, centre.Record))
            : ApiProblem.NotFound("No such cost centre in this org.");

    private static ResolvedFacility Resolved(FacilityType type, string code, string guid, MasterStatus status, object record) =>
        new(type, code, guid, status, status == MasterStatus.Active, record);
}
