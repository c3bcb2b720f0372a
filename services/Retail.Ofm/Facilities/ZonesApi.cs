using FluentValidation;
using Retail.Ofm.MasterData;
using Retail.Shared;

namespace Retail.Ofm.Facilities;

/// <summary>A zone is named by its facility and its own code, or by its guid.</summary>
public sealed record ZoneKey(string? ZoneGuid, string? FacilityCode, string? ZoneCode) : IRecordRef
{
    public string? GuidRef() => ZoneGuid;

    public string? CodeRef() => ZoneCodes.Of(FacilityCode, ZoneCode);
}

public sealed record ZoneStatusRequest(string? ZoneGuid, string? FacilityCode, string? ZoneCode, MasterStatus? Status, string? Reason,
    long? ExpectedRevision) : IStatusRequest
{
    public string? GuidRef() => ZoneGuid;

    public string? CodeRef() => ZoneCodes.Of(FacilityCode, ZoneCode);
}

public sealed record CreateZoneRequest(string? FacilityCode, string? ZoneCode, string? Name, string? Kind);

public sealed record ZoneListRequest(string? FacilityCode, MasterStatus? Status, bool? IncludeDoomed, int? Limit, string? NextToken) : IMasterList;

internal static class ZoneCodes
{
    /// <summary>Unique within the org as "{facility_code}/{zone_code}".</summary>
    public static string? Of(string? facilityCode, string? zoneCode) =>
        facilityCode is null || zoneCode is null ? null : $"{Codes.Normalize(facilityCode)}/{Codes.Normalize(zoneCode)}";

    public static void AddZoneRefRules<T>(this AbstractValidator<T> validator, Func<T, string?> guid, Func<T, string?> facility, Func<T, string?> zone)
    {
        validator.RuleFor(r => guid(r)).OptionalGuid().OverridePropertyName("zone_guid");
        validator.RuleFor(r => facility(r)).OptionalCode().OverridePropertyName("facility_code");
        validator.RuleFor(r => zone(r)).OptionalCode().OverridePropertyName("zone_code");
        validator.RuleFor(r => r).Must(r => !string.IsNullOrWhiteSpace(guid(r)) || (facility(r) is not null && zone(r) is not null))
            .OverridePropertyName("zone_guid").WithMessage("name the zone by zone_guid, or by facility_code and zone_code");
    }
}

public sealed class ZoneKeyValidator : AbstractValidator<ZoneKey>
{
    public ZoneKeyValidator() => this.AddZoneRefRules(r => r.ZoneGuid, r => r.FacilityCode, r => r.ZoneCode);
}

public sealed class ZoneStatusRequestValidator : AbstractValidator<ZoneStatusRequest>
{
    public ZoneStatusRequestValidator()
    {
        this.AddZoneRefRules(r => r.ZoneGuid, r => r.FacilityCode, r => r.ZoneCode);
        this.AddStatusRules();
    }
}

public sealed class CreateZoneRequestValidator : AbstractValidator<CreateZoneRequest>
{
    public CreateZoneRequestValidator()
    {
        RuleFor(r => r.FacilityCode).BusinessCode();
        RuleFor(r => r.ZoneCode).BusinessCode();
        RuleFor(r => r.Name).RequiredText();
        RuleFor(r => r.Kind).Text(32);
    }
}

public sealed class ZoneListRequestValidator : AbstractValidator<ZoneListRequest>
{
    public ZoneListRequestValidator()
    {
        this.AddListRules();
        RuleFor(r => r.FacilityCode).OptionalCode();
    }
}

/// <summary>Areas inside a logical facility (backroom, sales floor, bin range).</summary>
public static class ZonesApi
{
    public static RouteGroupBuilder MapZones(this IEndpointRouteBuilder routes)
    {
        var zones = routes.MapGroup("/zone").WithTags("Zones");
        var standard = OfmMasterData.Routes<Zone>(CreateZone, list: ListZones, get: MasterDataApi.GetBy<Zone, ZoneKey>);
        return zones.MapMasterData(standard with
        {
            Status = MasterDataApi.StatusHandler<Zone, ZoneStatusRequest>(standard),
            GetBy = "zone_guid, or facility_code and zone_code",
        });
    }

    public static async Task<Results<Created<Zone>, ProblemHttpResult>> CreateZone(CreateZoneRequest request, RecordStore<Zone> store,
        RecordStore<LogicalFacility> logicals, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var facilityCode = Codes.Normalize(request.FacilityCode);
        if (OfmMasterData.Missing(await logicals.FindAsync(orgcode, LogicalFacility.CodeName, facilityCode, ct), "facility_code",
                $"logical facility '{facilityCode}'") is { } missing)
        {
            return missing;
        }
        var zone = new Zone
        {
            ZoneGuid = Ids.New(),
            ZoneCode = Codes.Normalize(request.ZoneCode),
            FacilityCode = facilityCode,
            Name = request.Name!.Trim(),
            Kind = RequestRules.Trimmed(request.Kind),
        };
        return (await store.CreateAsync(orgcode, zone, ct: ct)).ToCreated();
    }

    public static async Task<Ok<Page<Zone>>> ListZones(ZoneListRequest request, RecordStore<Zone> store, RequestContext context, CancellationToken ct)
    {
        IEnumerable<StateFilter> filters = request.FacilityCode is { } code ? [StateFilter.Eq("facility_code", Codes.Normalize(code))] : [];
        return TypedResults.Ok(await MasterDataApi.ListAsync(store, context.RequireOrgcode(), request, filters, ct));
    }
}
