using Retail.Ics.Stock;
using Retail.Shared;

namespace Retail.Ics.Facilities;

/// <summary>Zones and bins inside a logical facility (master records with the shared lifecycle), and the facility's stock policy.</summary>
public static class BinsApi
{
    public static IServiceCollection AddBins(this IServiceCollection services)
    {
        services.AddMasterRecord<StorageZone>(IcsModule.Id);
        services.AddMasterRecord<Bin>(IcsModule.Id);
        services.AddScoped<BinCheck>();
        return services;
    }

    public static IEndpointRouteBuilder MapBins(this IEndpointRouteBuilder routes)
    {
        var zones = new MasterRoutes<StorageZone> { Create = CreateZone, List = ListZones, Get = MasterDataApi.GetBy<StorageZone, ZoneKey>, StatusPath = "/status/set" };
        routes.MapGroup("/zone").WithTags("Zones").MapMasterData(zones with
        {
            Status = MasterDataApi.StatusHandler<StorageZone, ZoneStatusRequest>(zones with { StatusGuard = ZoneInUse }),
            GetBy = "zone_guid, or facility_code and zone_code",
        });
        var bins = new MasterRoutes<Bin> { Create = CreateBin, List = ListBins, Get = MasterDataApi.GetBy<Bin, BinKey>, StatusPath = "/status/set" };
        routes.MapGroup("/bin").WithTags("Bins").MapMasterData(bins with
        {
            Status = MasterDataApi.StatusHandler<Bin, BinStatusRequest>(bins with { StatusGuard = BinHoldsStock }),
            GetBy = "bin_guid, or facility_code and bin_code",
        });
        routes.MapFacilityPolicy();
        return routes;
    }

    public static async Task<Results<Created<StorageZone>, ProblemHttpResult>> CreateZone(CreateZoneRequest request, RecordStore<StorageZone> store,
        FacilityCheck facilities, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var facilityCode = Codes.Normalize(request.FacilityCode);
        if (await facilities.ProblemAsync(orgcode, facilityCode, "facility_code", ct) is { } problem)
        {
            return problem;
        }
        var zone = new StorageZone
        {
            ZoneGuid = Ids.New(),
            FacilityCode = facilityCode,
            ZoneCode = Codes.Normalize(request.ZoneCode),
            Name = request.Name!.Trim(),
        };
        return (await store.CreateAsync(orgcode, zone, ct: ct)).ToCreated();
    }

    public static async Task<Ok<Page<StorageZone>>> ListZones(ZoneListRequest request, RecordStore<StorageZone> store, RequestContext context,
        CancellationToken ct)
    {
        IEnumerable<StateFilter> filters = request.FacilityCode is { } code ? [StateFilter.Eq("facility_code", Codes.Normalize(code))] : [];
        return TypedResults.Ok(await MasterDataApi.ListAsync(store, context.RequireOrgcode(), request, filters, ct));
    }

    public static async Task<Results<Created<Bin>, ProblemHttpResult>> CreateBin(CreateBinRequest request, RecordStore<Bin> store,
        RecordStore<StorageZone> zones, FacilityCheck facilities, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var facilityCode = Codes.Normalize(request.FacilityCode);
        if (await facilities.ProblemAsync(orgcode, facilityCode, "facility_code", ct) is { } problem)
        {
            return problem;
        }
        var zoneCode = request.ZoneCode is null ? null : Codes.Normalize(request.ZoneCode);
        if (zoneCode is not null)
        {
            switch (await zones.FindAsync(orgcode, StorageZone.CodeName, FacilityCodes.Of(facilityCode, zoneCode), ct))
            {
                case null:
                    return IcsProblems.UnknownReference("zone_code", $"No zone '{zoneCode}' at facility '{facilityCode}' in this org.");
                case { Record.Status: not MasterStatus.Active }:
                    return IcsProblems.ReferenceNotActive("zone_code", $"Zone '{zoneCode}' at facility '{facilityCode}' is not active.");
            }
        }
        var bin = new Bin
        {
            BinGuid = Ids.New(),
            FacilityCode = facilityCode,
            BinCode = Codes.Normalize(request.BinCode),
            ZoneCode = zoneCode,
            Kind = request.Kind!.Value,
            Name = RequestRules.Trimmed(request.Name),
        };
        return (await store.CreateAsync(orgcode, bin, ct: ct)).ToCreated();
    }

    public static async Task<Ok<Page<Bin>>> ListBins(BinListRequest request, RecordStore<Bin> store, RequestContext context, CancellationToken ct)
    {
        var filters = new List<StateFilter>();
        if (request.FacilityCode is { } facility)
        {
            filters.Add(StateFilter.Eq("facility_code", Codes.Normalize(facility)));
        }
        if (request.ZoneCode is { } zone)
        {
            filters.Add(StateFilter.Eq("zone_code", Codes.Normalize(zone)));
        }
        return TypedResults.Ok(await MasterDataApi.ListAsync(store, context.RequireOrgcode(), request, filters, ct));
    }

    /// <summary>A bin that still holds stock (a balance above or below zero) cannot retire: the stock would have nowhere to be.</summary>
    private static async Task<ProblemHttpResult?> BinHoldsStock(IServiceProvider services, string orgcode, Bin bin, MasterStatus to, CancellationToken ct)
    {
        if (to != MasterStatus.Retired)
        {
            return null;
        }
        var balances = services.GetRequiredService<RecordStore<BinBalance>>();
        foreach (var nonZero in new[] { StateFilter.Above("quantity", 0L), StateFilter.Below("quantity", 0L) })
        {
            var page = await balances.ListAsync(orgcode,
                [StateFilter.Eq("facility_code", bin.FacilityCode), StateFilter.Eq("bin_code", bin.BinCode), nonZero], 1, ct: ct);
            if (page.Items.Count > 0)
            {
                return InUse($"Bin '{bin.BinCode}' still holds {page.Items[0].Quantity} of variant {page.Items[0].VariantGuid}; move it out first.");
            }
        }
        return null;
    }

    /// <summary>A zone with bins that are not retired cannot retire: they would point at a retired zone.</summary>
    private static async Task<ProblemHttpResult?> ZoneInUse(IServiceProvider services, string orgcode, StorageZone zone, MasterStatus to,
        CancellationToken ct)
    {
        if (to != MasterStatus.Retired)
        {
            return null;
        }
        var page = await services.GetRequiredService<RecordStore<Bin>>().ListAsync(orgcode,
            [StateFilter.Eq("facility_code", zone.FacilityCode), StateFilter.Eq("zone_code", zone.ZoneCode),
                StateFilter.In("status", MasterStatus.Active, MasterStatus.Inactive)], 1, ct: ct);
        return page.Items.Count > 0 ? InUse($"Bin '{page.Items[0].BinCode}' (and perhaps others) is in zone '{zone.ZoneCode}'; retire them first.") : null;
    }

    /// <summary>409: the record is still in use (a bin with stock, a zone with bins) and cannot retire.</summary>
    internal static ProblemHttpResult InUse(string detail) =>
        ApiProblem.Create(StatusCodes.Status409Conflict, "in_use", "The record is still in use.", detail);
}
