using Retail.Pcm.Sources;
using Retail.Shared;

namespace Retail.Pcm.Buying;

/// <summary>
/// Buy-plan worksheets: create (lines checked against PVM and OFM; a line without a vendor takes its style's primary
/// vendor), submit (draft POs, one per vendor × ship-to facility, in the batch of the worksheet's own change), get, list.
/// </summary>
public static class WorksheetsApi
{
    public static IEndpointRouteBuilder MapWorksheets(this IEndpointRouteBuilder routes)
    {
        var worksheets = routes.MapGroup("/worksheet").WithTags("Worksheets");
        worksheets.MapPost("/create", Create).RequireRole(Role.Member).AsWrite()
            .WithSummary("Create a buy-plan worksheet: variant, facility, quantity, unit cost and (optionally) vendor per line.");
        worksheets.MapPost("/submit", Submit).RequireRole(Role.Member).AsWrite()
            .WithSummary("Submit a worksheet: its lines become draft POs, one per vendor and ship-to facility, once.");
        worksheets.MapPost("/get", Get).RequireRole(Role.Viewer).WithSummary("Read a worksheet by worksheet_guid.");
        worksheets.MapPost("/list", List).RequireRole(Role.Viewer).WithSummary("List worksheets by status, newest first.");
        return routes;
    }

    public static async Task<Results<Created<Worksheet>, ProblemHttpResult>> Create(CreateWorksheetRequest request, RecordStore<Worksheet> store,
        BuyingChecks checks, PcmSources sources, RequestContext context, TimeProvider clock, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var requested = request.Lines!.Select(l => l!).ToList();
        foreach (var (facility, i) in requested.Select((l, i) => (Codes.Normalize(l.FacilityCode), i)).DistinctBy(f => f.Item1))
        {
            if (await checks.FacilityProblemAsync(orgcode, facility, $"lines[{i}].facility_code", ct) is { } badFacility)
            {
                return badFacility;
            }
        }
        var guids = requested.Select(l => PoRules.GuidKey(l.VariantGuid!)).ToList();
        var (variants, badVariant) = await checks.VariantsAsync(orgcode, guids, i => $"lines[{i}].variant_guid", ct);
        if (badVariant is not null)
        {
            return badVariant;
        }
        var vendors = new Dictionary<string, PvmVendor>(StringComparer.Ordinal);
        var primaryOfStyle = new Dictionary<string, string?>(StringComparer.Ordinal);
        var lines = new List<WorksheetLine>();
        for (var i = 0; i < requested.Count; i++)
        {
            var line = requested[i];
            var field = $"lines[{i}].vendor_code";
            string? vendorGuid = null;
            var vendorCode = line.VendorCode is null ? null : Codes.Normalize(line.VendorCode);
            if (vendorCode is null)
            {
                var styleGuid = variants[guids[i]].StyleGuid;
                if (!primaryOfStyle.TryGetValue(styleGuid, out vendorGuid))
                {
                    try
                    {
                        vendorGuid = (await sources.StyleAsync(orgcode, styleGuid, ct))?.PrimaryVendorGuid;
                    }
                    catch (SourceUnavailableException)
                    {
                        return ApiProblem.DependencyUnavailable(PcmSources.Pvm);
                    }
                    primaryOfStyle[styleGuid] = vendorGuid;
                }
                if (vendorGuid is null)
                {
                    return PcmProblems.UnknownReference(field, $"Line {i + 1}: the variant's style has no primary vendor; name one.");
                }
            }
            var cacheKey = vendorGuid ?? "code:" + vendorCode;
            if (!vendors.TryGetValue(cacheKey, out var vendor))
            {
                var (found, problem) = await checks.VendorAsync(orgcode, vendorGuid, vendorCode, ct);
                if (problem is not null)
                {
                    return PcmProblems.UnknownReference(field, $"Line {i + 1}: no vendor '{vendorCode ?? vendorGuid}' in PVM.");
                }
                vendors[cacheKey] = vendor = found!;
            }
            lines.Add(new WorksheetLine(i + 1, guids[i], Codes.Normalize(line.FacilityCode), line.Quantity!.Value, line.UnitCostMinor!.Value,
                vendor.VendorGuid, vendor.VendorCode));
        }
        if (lines.GroupBy(l => (l.VariantGuid, l.FacilityCode, l.VendorGuid)).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            return ApiProblem.Validation("lines", $"names variant {twice.Key.VariantGuid} twice for facility {twice.Key.FacilityCode} and vendor {twice.First().VendorCode}");
        }
        var worksheet = new Worksheet
        {
            WorksheetGuid = Guid.CreateVersion7(clock.GetUtcNow()).ToString(),
            Name = RequestRules.Trimmed(request.Name),
            Currency = request.Currency?.Trim().ToUpperInvariant(),
            Lines = lines,
            CreatedBy = context.RequirePrincipal().Id,
        };
        return (await store.CreateAsync(orgcode, worksheet, ct: ct)).ToCreated();
    }

    public static async Task<Results<Ok<Worksheet>, ProblemHttpResult>> Submit(WorksheetChange request, RecordStore<Worksheet> store,
        RecordStore<PurchaseOrder> pos, BuyingChecks checks, RequestContext context, TimeProvider clock, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await store.LoadForChangeAsync(orgcode, PoRules.GuidKey(request.WorksheetGuid!), request.ExpectedRevision, ct: ct);
        if (problem is not null)
        {
            return problem;
        }
        var current = loaded!.Record;
        if (Worksheet.Lifecycle.Check(current.Status, WorksheetStatus.Submitted) is { } refused)
        {
            return refused;
        }
        var groups = WorksheetRules.Group(current.Lines);
        var vendors = new Dictionary<string, PvmVendor>(StringComparer.Ordinal);
        foreach (var vendorGuid in groups.Select(g => g.VendorGuid).Distinct())
        {
            var (vendor, badVendor) = await checks.ActiveVendorAsync(orgcode, vendorGuid, null, ct);
            if (badVendor is not null)
            {
                return badVendor;
            }
            vendors[vendorGuid] = vendor!;
        }
        foreach (var facility in groups.Select(g => g.FacilityCode).Distinct())
        {
            if (await checks.FacilityProblemAsync(orgcode, facility, "facility_code", ct) is { } badFacility)
            {
                return badFacility;
            }
        }
        var actor = context.RequirePrincipal().Id;
        var now = clock.GetUtcNow();
        var batch = new RecordBatch();
        var created = new List<PurchaseOrder>();
        foreach (var group in groups)
        {
            var vendor = vendors[group.VendorGuid];
            var currency = current.Currency ?? vendor.Terms?.Currency?.Trim().ToUpperInvariant();
            if (currency is null)
            {
                return ApiProblem.Business("currency_required", "No currency for a PO.",
                    $"Vendor '{vendor.VendorCode}' has no terms currency and the worksheet names none.");
            }
            var po = PurchaseOrdersApi.NewPo(vendor, group.FacilityCode, currency, group.Lines, null, null, null, current.WorksheetGuid, actor, now);
            created.Add(pos.Create(batch, orgcode, po, [PoEvents.Of(PcmEvents.PoCreated, orgcode, po, 1, actor)]));
        }
        var next = current with
        {
            Status = WorksheetStatus.Submitted,
            PoGuids = created.Select(p => p.PoGuid).ToList(),
            SubmittedBy = actor,
            SubmittedAt = now,
        };
        var submitted = store.Update(batch, orgcode, loaded, next, "status_changed",
            [new DomainEvent(PcmEvents.WorksheetSubmitted, new WorksheetSubmitted(orgcode, next.WorksheetGuid, current.Revision + 1, next.PoGuids, actor),
                $"worksheet/{next.WorksheetGuid}")]);
        var write = await batch.CommitAsync(ct);
        return write.Succeeded ? TypedResults.Ok(submitted) : write.Problem();
    }

    public static async Task<Results<Ok<Worksheet>, ProblemHttpResult>> Get(WorksheetKey request, RecordStore<Worksheet> store, RequestContext context,
        CancellationToken ct) =>
        await store.GetAsync(context.RequireOrgcode(), PoRules.GuidKey(request.WorksheetGuid!), ct: ct) is { } loaded
            ? TypedResults.Ok(loaded.Record)
            : ApiProblem.NotFound("No such worksheet.");

    public static async Task<Ok<Page<Worksheet>>> List(WorksheetListRequest request, RecordStore<Worksheet> store, RequestContext context,
        CancellationToken ct)
    {
        var filters = new List<StateFilter>();
        if (request.Status is { } status)
        {
            filters.Add(StateFilter.Eq("status", status));
        }
        return TypedResults.Ok(await store.ListAsync(context.RequireOrgcode(), filters, Paging.LimitOf(request), request.NextToken,
            sort: [new StateSort("worksheet_guid", Descending: true)], ct: ct));
    }
}
