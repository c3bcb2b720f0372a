using FluentValidation;
using Retail.Ppm.Pricing;
using Retail.Shared;

namespace Retail.Ppm.Lists;

/// <summary>
/// Creates a zone (no <c>price_zone_guid</c>, a code not yet used: <c>name</c> required, 201) or changes the one named
/// by guid or code (<c>expected_revision</c> required; fields left out stay as they are).
/// </summary>
public sealed record SetPriceZoneRequest(string? PriceZoneGuid, string? PriceZoneCode, string? Name, string? Description, long? ExpectedRevision)
    : IRecordRef
{
    public string? GuidRef() => PriceZoneGuid;

    public string? CodeRef() => PriceZoneCode is null ? null : Codes.Normalize(PriceZoneCode);
}

/// <param name="ExpectedRevision">
/// The facility's current assignment's revision: needed to move a facility that is already in another zone (without
/// it that is 409 <c>already_assigned</c>); absent or 0 for a facility in no zone.
/// </param>
public sealed record AssignPriceZoneRequest(string? FacilityCode, string? PriceZoneCode, long? ExpectedRevision);

public sealed record ClearPriceZoneRequest(string? FacilityCode, long? ExpectedRevision);

/// <summary>The facilities of one zone, or the zone of one facility (exactly one of the two).</summary>
public sealed record PriceZoneAssignmentsRequest(string? PriceZoneCode, string? FacilityCode, int? Limit, string? NextToken) : IPagedRequest;

/// <summary>The facility by <c>facility_code</c> or the <c>x-facility-code</c> header.</summary>
public sealed record ResolvePriceZoneRequest(string? FacilityCode);

/// <summary>
/// The zone a facility prices in; <see cref="PriceZone"/> null when it has none, or its zone is not active (the list
/// price applies). <see cref="Assignment"/> is the facility's assignment whatever its zone's status.
/// </summary>
public sealed record PriceZoneResolution(string FacilityCode, PriceZone? PriceZone, FacilityZone? Assignment);

public sealed record PriceZoneAssigned(string FacilityCode, string PriceZoneGuid, string PriceZoneCode, string? PreviousPriceZoneCode);

public sealed record PriceZoneUnassigned(string FacilityCode, string PriceZoneGuid, string PriceZoneCode);

public sealed class SetPriceZoneRequestValidator : AbstractValidator<SetPriceZoneRequest>
{
    public SetPriceZoneRequestValidator()
    {
        RuleFor(r => r.PriceZoneGuid).OptionalGuid();
        RuleFor(r => r.PriceZoneCode).OptionalCode();
        RuleFor(r => r.PriceZoneCode).Must((r, code) => !string.IsNullOrWhiteSpace(code) || !string.IsNullOrWhiteSpace(r.PriceZoneGuid))
            .WithMessage("name the zone by price_zone_code (or price_zone_guid to change one)");
        RuleFor(r => r.Name).Text();
        RuleFor(r => r.Description).Text(1000);
        RuleFor(r => r.ExpectedRevision).GreaterThanOrEqualTo(0).When(r => r.ExpectedRevision is not null);
    }
}

public sealed class AssignPriceZoneRequestValidator : AbstractValidator<AssignPriceZoneRequest>
{
    public AssignPriceZoneRequestValidator()
    {
        RuleFor(r => r.FacilityCode).BusinessCode();
        RuleFor(r => r.PriceZoneCode).BusinessCode();
        RuleFor(r => r.ExpectedRevision).GreaterThanOrEqualTo(0).When(r => r.ExpectedRevision is not null);
    }
}

public sealed class ClearPriceZoneRequestValidator : AbstractValidator<ClearPriceZoneRequest>
{
    public ClearPriceZoneRequestValidator()
    {
        RuleFor(r => r.FacilityCode).BusinessCode();
        RuleFor(r => r.ExpectedRevision).GreaterThan(0).When(r => r.ExpectedRevision is not null);
    }
}

public sealed class PriceZoneAssignmentsRequestValidator : AbstractValidator<PriceZoneAssignmentsRequest>
{
    public PriceZoneAssignmentsRequestValidator()
    {
        RuleFor(r => r.PriceZoneCode).OptionalCode();
        RuleFor(r => r.FacilityCode).OptionalCode();
        RuleFor(r => r.PriceZoneCode).Must((r, zone) => (zone is null) != (r.FacilityCode is null))
            .WithMessage("name exactly one of price_zone_code and facility_code");
        RuleFor(r => r.NextToken).Null().When(r => r.FacilityCode is not null).WithMessage("pages the facilities of a zone; a facility has one zone");
        this.AddPagingRules();
    }
}

public sealed class ResolvePriceZoneRequestValidator : AbstractValidator<ResolvePriceZoneRequest>
{
    public ResolvePriceZoneRequestValidator() => RuleFor(r => r.FacilityCode).OptionalCode();
}

/// <summary>
/// Price zones (issue 12, UC-PPM-004): overrides of a list's prices for the OFM logical facilities assigned to them.
/// A facility is in at most one zone (one <see cref="FacilityZone"/> record per facility, read once to resolve); moving
/// it to another zone names the revision of the assignment it replaces.
/// </summary>
public static class PriceZonesApi
{
    /// <summary>How often an assign that did not pin a revision re-reads the facility after losing a race.</summary>
    private const int Attempts = 2;

    public static IEndpointRouteBuilder MapPriceZones(this IEndpointRouteBuilder routes)
    {
        var zones = routes.MapGroup("/price-zone").WithTags("Price zones");
        var lifecycle = new MasterRoutes<PriceZone> { Create = Set, StatusPath = "/status/set", StatusGuard = RetireGuard };
        zones.MapPost("/set", Set).RequireRole(Role.Member).AsWrite().InvalidatesPricing()
            .WithSummary("Create a price zone (code, name) or change one (expected_revision).");
        // The shared handlers go in as delegates, as MapMasterData maps them.
        Delegate get = MasterDataApi.Get<PriceZone>;
        Delegate list = MasterDataApi.List<PriceZone, MasterStatus>;
        Delegate status = MasterDataApi.StatusHandler<PriceZone, MasterStatus, StatusChange<PriceZone, MasterStatus>>(lifecycle);
        zones.MapPost("/get", get).RequireRole(Role.Viewer).WithSummary("Read a price zone by price_zone_guid or price_zone_code.");
        zones.MapPost("/list", list).RequireRole(Role.Viewer).WithSummary("List the org's price zones, by status.");
        zones.MapPost("/status/set", status)
            .RequireRole(Role.Admin).AsWrite().InvalidatesPricing()
            .WithSummary("Move a price zone through its lifecycle (active, inactive, retired); a zone with facilities is not retired.");
        zones.MapPost("/assign", Assign).RequireRole(Role.Member).AsWrite().InvalidatesPricing()
            .WithSummary("Put an active logical facility in an active zone; a facility in another zone moves only with its assignment's expected_revision.");
        zones.MapPost("/assign/clear", Clear).RequireRole(Role.Member).AsWrite().InvalidatesPricing()
            .WithSummary("Take a facility out of its zone (its list prices apply again).");
        zones.MapPost("/assignments", Assignments).RequireRole(Role.Viewer)
            .WithSummary("The facilities of a zone (price_zone_code), or the zone of a facility (facility_code).");
        zones.MapPost("/resolve", Resolve).RequireRole(Role.Viewer)
            .WithSummary("The zone a facility (facility_code or x-facility-code) prices in; price_zone null when it has none (list prices apply).");
        return zones;
    }

    public static async Task<Results<Created<PriceZone>, Ok<PriceZone>, ProblemHttpResult>> Set(SetPriceZoneRequest request, RecordStore<PriceZone> store,
        RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var existing = await MasterDataApi.LoadAsync(store, orgcode, request, ct);
        if (existing is null)
        {
            if (!string.IsNullOrWhiteSpace(request.PriceZoneGuid))
            {
                return ApiProblem.NotFound("No such price zone in this org.");
            }
            if (request.ExpectedRevision is > 0)
            {
                return ApiProblem.RevisionMismatch(0);
            }
            if (RequestRules.Trimmed(request.Name) is not { } name)
            {
                return ApiProblem.Validation("name", "is required to create a price zone");
            }
            var zone = new PriceZone
            {
                PriceZoneGuid = Ids.New(),
                PriceZoneCode = request.CodeRef()!,
                Name = name,
                Description = RequestRules.Trimmed(request.Description),
            };
            var created = await store.CreateAsync(orgcode, zone, ct: ct);
            return created.Succeeded ? TypedResults.Created((string?)null, created.Record!) : created.Problem();
        }
        var (loaded, problem) = RecordStore<PriceZone>.CheckRevision(existing, request.ExpectedRevision);
        if (problem is not null)
        {
            return problem;
        }
        var current = loaded!.Record;
        var next = current with
        {
            Name = RequestRules.Trimmed(request.Name) ?? current.Name,
            Description = RequestRules.Trimmed(request.Description) ?? current.Description,
        };
        var updated = await store.UpdateAsync(orgcode, loaded, next, ct: ct);
        return updated.Succeeded ? TypedResults.Ok(updated.Record!) : updated.Problem();
    }

    public static async Task<Results<Ok<FacilityZone>, ProblemHttpResult>> Assign(AssignPriceZoneRequest request, RecordStore<PriceZone> zones,
        RecordStore<FacilityZone> assignments, IOrgDirectory directory, RequestContext context, TimeProvider clock, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var facilityCode = Codes.Normalize(request.FacilityCode);
        var zoneCode = Codes.Normalize(request.PriceZoneCode);
        if (await OrgReferences.FacilityProblemAsync(directory, orgcode, facilityCode, "facility_code", ct) is { } unknownFacility)
        {
            return unknownFacility;
        }
        if (await zones.FindAsync(orgcode, PriceZone.CodeName, zoneCode, ct) is not { } zone)
        {
            return PpmProblems.UnknownReference("price_zone_code", $"No price zone '{zoneCode}' in this org.");
        }
        if (zone.Record.Status != MasterStatus.Active)
        {
            return PpmProblems.ReferenceNotActive("price_zone_code", $"The price zone '{zoneCode}' is {MasterLifecycle.Name(zone.Record.Status)}.");
        }

        ProblemHttpResult? lost = null;
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            // A cleared assignment is kept doomed: assigning the facility again continues its history.
            var existing = await assignments.GetAsync(orgcode, facilityCode, includeDoomed: true, ct: ct);
            var live = existing is { Record.IsDoomed: false } ? existing : null;
            if (live is not null)
            {
                if (request.ExpectedRevision is null)
                {
                    if (live.Record.PriceZoneGuid == zone.Record.PriceZoneGuid)
                    {
                        return TypedResults.Ok(live.Record);
                    }
                    return PpmProblems.AlreadyAssigned(
                        $"Facility '{facilityCode}' is in zone '{live.Record.PriceZoneCode}'; send its assignment's expected_revision ({live.Record.Revision}) to move it.",
                        live.Record.Revision);
                }
                if (RecordStore<FacilityZone>.CheckRevision(live, request.ExpectedRevision).Problem is { } stale)
                {
                    return stale;
                }
                if (live.Record.PriceZoneGuid == zone.Record.PriceZoneGuid)
                {
                    return TypedResults.Ok(live.Record);
                }
            }
            else if (request.ExpectedRevision is > 0)
            {
                return ApiProblem.RevisionMismatch(0);
            }

            var next = new FacilityZone
            {
                FacilityCode = facilityCode,
                PriceZoneGuid = zone.Record.PriceZoneGuid,
                PriceZoneCode = zone.Record.PriceZoneCode,
                AssignedAt = clock.GetUtcNow(),
                AssignedBy = context.Principal?.Id,
            };
            DomainEvent[] events = [new(PpmEvents.ZoneAssigned,
                new PriceZoneAssigned(facilityCode, zone.Record.PriceZoneGuid, zone.Record.PriceZoneCode, live?.Record.PriceZoneCode), $"facility/{facilityCode}")];
            var write = existing is null
                ? await assignments.CreateAsync(orgcode, next, events, ct)
                : await assignments.UpdateAsync(orgcode, existing, next, live is null ? "assigned" : "moved", events, ct);
            if (write.Succeeded)
            {
                return TypedResults.Ok(write.Record!);
            }
            lost = write.Problem();
            if (request.ExpectedRevision is not null || write.Outcome != RecordWriteOutcome.RevisionMismatch)
            {
                break;
            }
        }
        return lost!;
    }

    public static async Task<Results<Ok<FacilityZone>, ProblemHttpResult>> Clear(ClearPriceZoneRequest request, RecordStore<FacilityZone> assignments,
        RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var facilityCode = Codes.Normalize(request.FacilityCode);
        if (await assignments.GetAsync(orgcode, facilityCode, ct: ct) is not { } current)
        {
            return ApiProblem.NotFound($"Facility '{facilityCode}' is in no price zone.");
        }
        if (request.ExpectedRevision is not null && RecordStore<FacilityZone>.CheckRevision(current, request.ExpectedRevision).Problem is { } stale)
        {
            return stale;
        }
        var doomed = await assignments.DoomAsync(orgcode, current,
            [new DomainEvent(PpmEvents.ZoneUnassigned, new PriceZoneUnassigned(facilityCode, current.Record.PriceZoneGuid, current.Record.PriceZoneCode),
                $"facility/{facilityCode}")], ct);
        return doomed.ToOk();
    }

    public static async Task<Ok<Page<FacilityZone>>> Assignments(PriceZoneAssignmentsRequest request, RecordStore<FacilityZone> assignments,
        RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        if (request.FacilityCode is not null)
        {
            var one = await assignments.GetAsync(orgcode, Codes.Normalize(request.FacilityCode), ct: ct);
            return TypedResults.Ok(new Page<FacilityZone>(one is null ? [] : [one.Record], null));
        }
        var page = await assignments.ListAsync(orgcode, [StateFilter.Eq("price_zone_code", Codes.Normalize(request.PriceZoneCode))],
            Paging.LimitOf(request), request.NextToken, ct: ct);
        return TypedResults.Ok(page);
    }

    public static async Task<Results<Ok<PriceZoneResolution>, ProblemHttpResult>> Resolve(ResolvePriceZoneRequest request, RecordStore<FacilityZone> assignments,
        RecordStore<PriceZone> zones, IOrgDirectory directory, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (facilityCode, fromHeader, problem) = OrgReferences.BodyOrHeader(request.FacilityCode, context.FacilityCode, "facility_code", "x-facility-code");
        if (problem is not null)
        {
            return problem;
        }
        if (!fromHeader && await OrgReferences.FacilityProblemAsync(directory, orgcode, facilityCode!, "facility_code", ct) is { } unknownFacility)
        {
            return unknownFacility;
        }
        var assignment = (await assignments.GetAsync(orgcode, facilityCode!, ct: ct))?.Record;
        var zone = assignment is null ? null : (await zones.GetAsync(orgcode, assignment.PriceZoneGuid, ct: ct))?.Record;
        return TypedResults.Ok(new PriceZoneResolution(facilityCode!, zone is { Status: MasterStatus.Active } ? zone : null, assignment));
    }

    /// <summary>A zone facilities still price in cannot be retired (clear them first); it may be made inactive (resolve then answers no zone).</summary>
    private static async Task<ProblemHttpResult?> RetireGuard(IServiceProvider services, string orgcode, PriceZone zone, MasterStatus to, CancellationToken ct)
    {
        if (to != MasterStatus.Retired)
        {
            return null;
        }
        var assignments = services.GetRequiredService<RecordStore<FacilityZone>>();
        var assigned = await assignments.ListAsync(orgcode, [StateFilter.Eq("price_zone_code", zone.PriceZoneCode)], 1, ct: ct);
        return assigned.Items.Count > 0
            ? PpmProblems.InUse($"Facility '{assigned.Items[0].FacilityCode}' is in this zone; clear its assignment before retiring the zone.")
            : null;
    }
}
