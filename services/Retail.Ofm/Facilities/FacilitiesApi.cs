using Retail.Ofm.MasterData;
using Retail.Shared;

namespace Retail.Ofm.Facilities;

/// <summary>The facility spine: physical sites, legal entities and logical facilities (linked to one of each).</summary>
public static class FacilitiesApi
{
    public static RouteGroupBuilder MapFacilities(this IEndpointRouteBuilder routes)
    {
        var facilities = routes.MapGroup("/facility").WithTags("Facilities");
        facilities.MapGroup("/physical").MapMasterData(OfmMasterData.Routes<PhysicalFacility>(CreatePhysical,
            update: MasterDataApi.Update<PhysicalFacility, UpdatePhysicalRequest>));
        facilities.MapGroup("/legal").MapMasterData(OfmMasterData.Routes<LegalFacility>(CreateLegal,
            update: MasterDataApi.Update<LegalFacility, UpdateLegalRequest>));
        facilities.MapGroup("/logical").MapMasterData(OfmMasterData.Routes<LogicalFacility>(CreateLogical,
            update: MasterDataApi.Update<LogicalFacility, UpdateLogicalRequest>, list: ListLogical));
        routes.MapZones();
        return facilities;
    }

    public static async Task<Results<Created<PhysicalFacility>, ProblemHttpResult>> CreatePhysical(CreatePhysicalRequest request,
        RecordStore<PhysicalFacility> store, RequestContext context, CancellationToken ct)
    {
        var facility = new PhysicalFacility
        {
            FacilityGuid = Ids.New(),
            FacilityCode = Codes.Normalize(request.FacilityCode),
            Name = request.Name!.Trim(),
            Site = RequestRules.Trimmed(request.Site),
            Address = request.Address,
            TimeZone = request.TimeZone!.Trim(),
        };
        return (await store.CreateAsync(context.RequireOrgcode(), facility, ct: ct)).ToCreated();
    }

    public static async Task<Results<Created<LegalFacility>, ProblemHttpResult>> CreateLegal(CreateLegalRequest request,
        RecordStore<LegalFacility> store, RequestContext context, CancellationToken ct)
    {
        var facility = new LegalFacility
        {
            FacilityGuid = Ids.New(),
            FacilityCode = Codes.Normalize(request.FacilityCode),
            LegalName = request.LegalName!.Trim(),
            RegistrationId = RequestRules.Trimmed(request.RegistrationId),
            TaxId = RequestRules.Trimmed(request.TaxId),
            Country = request.Country?.Trim().ToUpperInvariant(),
            Address = request.Address,
        };
        return (await store.CreateAsync(context.RequireOrgcode(), facility, ct: ct)).ToCreated();
    }

    public static async Task<Results<Created<LogicalFacility>, ProblemHttpResult>> CreateLogical(CreateLogicalRequest request,
        RecordStore<LogicalFacility> store, RecordStore<PhysicalFacility> physicals, RecordStore<LegalFacility> legals, RequestContext context,
        CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var physicalCode = Codes.Normalize(request.PhysicalFacilityCode);
        var legalCode = Codes.Normalize(request.LegalFacilityCode);
        if (OfmMasterData.Missing(await physicals.FindAsync(orgcode, PhysicalFacility.CodeName, physicalCode, ct), "physical_facility_code",
                $"physical facility '{physicalCode}'") is { } noPhysical)
        {
            return noPhysical;
        }
        if (OfmMasterData.Missing(await legals.FindAsync(orgcode, LegalFacility.CodeName, legalCode, ct), "legal_facility_code",
                $"legal facility '{legalCode}'") is { } noLegal)
        {
            return noLegal;
        }
        var facility = new LogicalFacility
        {
            FacilityGuid = Ids.New(),
            FacilityCode = Codes.Normalize(request.FacilityCode),
            Name = request.Name!.Trim(),
            Kind = request.Kind!.Value,
            PhysicalFacilityCode = physicalCode,
            LegalFacilityCode = legalCode,
        };
        return (await store.CreateAsync(orgcode, facility, ct: ct)).ToCreated();
    }

    public static async Task<Ok<Page<LogicalFacility>>> ListLogical(LogicalListRequest request, RecordStore<LogicalFacility> store,
        RequestContext context, CancellationToken ct)
    {
        var filters = new List<StateFilter>();
        if (request.Kind is { } kind)
        {
            filters.Add(StateFilter.Eq("kind", kind));
        }
        if (request.PhysicalFacilityCode is { } physical)
        {
            filters.Add(StateFilter.Eq("physical_facility_code", Codes.Normalize(physical)));
        }
        if (request.LegalFacilityCode is { } legal)
        {
            filters.Add(StateFilter.Eq("legal_facility_code", Codes.Normalize(legal)));
        }
        return TypedResults.Ok(await MasterDataApi.ListAsync(store, context.RequireOrgcode(), request, filters, ct));
    }
}
