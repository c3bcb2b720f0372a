using Retail.Ics.Catalog;
using Retail.Ics.Facilities;
using Retail.Ics.Stock;

namespace Retail.Ics.Consignment;

/// <summary>
/// Vendor-owned stock (UC-ICS-005): received into <c>consignment</c>, consumed when sold, settled with the vendor. Each
/// vendor's ledger record commits with the movements it counts; a concurrent change of the same ledger is 409
/// <c>revision_mismatch</c> (retry with the same Idempotency-Key).
/// </summary>
public static class ConsignmentApi
{
    public static IServiceCollection AddConsignment(this IServiceCollection services)
    {
        services.AddRecords(IcsModule.Id, ConsignmentLedger.Type);
        return services;
    }

    public static IEndpointRouteBuilder MapConsignment(this IEndpointRouteBuilder routes)
    {
        var consignment = routes.MapGroup("/consignment").WithTags("Consignment");
        consignment.MapPost("/receive", Receive).RequireRole(Role.Member).AsWrite()
            .WithSummary("Receive a vendor's consigned stock into consignment; each variant's vendor ledger counts it in the same change.");
        consignment.MapPost("/consume", Consume).RequireRole(Role.Member).AsWrite()
            .WithSummary("Consume (sell) consigned stock of a vendor: it leaves the facility and the vendor ledger's consumed grows.");
        consignment.MapPost("/settle", Settle).RequireRole(Role.Member).AsWrite()
            .WithSummary("Mark consumed consignment stock settled with the vendor (at most consumed minus settled); no stock moves.");
        consignment.MapPost("/ledger/list", ListLedgers).RequireRole(Role.Viewer)
            .WithSummary("A facility's consignment ledgers of one vendor (received, consumed, settled per variant); what PCM settles from.");
        return routes;
    }

    public static async Task<Results<Created<ConsignmentReceipt>, ProblemHttpResult>> Receive(ConsignmentReceiveRequest request, StockLedger ledger,
        RecordStore<ConsignmentLedger> ledgers, VariantCatalog catalog, FacilityCheck facilities, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var facilityCode = Codes.Normalize(request.FacilityCode);
        var vendorCode = Codes.Normalize(request.VendorCode);
        if (await facilities.ProblemAsync(orgcode, facilityCode, "facility_code", ct) is { } noFacility)
        {
            return noFacility;
        }
        var lines = request.Lines!.Select(l => (VariantGuid: StockRules.Guid(l.VariantGuid), Quantity: l.Quantity!.Value)).ToList();
        for (var i = 0; i < lines.Count; i++)
        {
            if ((await catalog.CheckAsync(orgcode, lines[i].VariantGuid, $"lines[{i}].variant_guid", VariantNeed.NotRetired, ct)).Problem is { } noVariant)
            {
                return noVariant;
            }
        }
        var current = new List<(Loaded<ConsignmentLedger>? Loaded, ConsignmentLedger Next)>();
        foreach (var (variantGuid, quantity) in lines)
        {
            var loaded = await ledgers.GetAsync(orgcode, ConsignmentLedger.KeyOf(facilityCode, variantGuid, vendorCode), ct: ct);
            var record = loaded?.Record ?? new ConsignmentLedger { FacilityCode = facilityCode, VariantGuid = variantGuid, VendorCode = vendorCode };
            current.Add((loaded, record with { Received = record.Received + quantity }));
        }
        var staged = new List<ConsignmentLedger>();
        var result = await ledger.ApplyAsync(orgcode, lines.Select(l => new StockMove(facilityCode, l.VariantGuid, null, StockState.Consignment, l.Quantity)).ToList(),
            new MoveReason("consignment_receipt", StockRules.Normalized(request.Reference), $"vendor {vendorCode}"),
            (batch, _) =>
            {
                staged.Clear();
                staged.AddRange(current.Select(c => c.Loaded is null ? ledgers.Create(batch, orgcode, c.Next) : ledgers.Update(batch, orgcode, c.Loaded, c.Next, "received")));
            }, ct);
        return result.Succeeded ? TypedResults.Created((string?)null, new ConsignmentReceipt(result.Movements[0].ChangeGuid, staged)) : result.Problem!;
    }

    public static async Task<Results<Ok<ConsignmentLedger>, ProblemHttpResult>> Consume(ConsignmentConsumeRequest request, StockLedger ledger,
        RecordStore<ConsignmentLedger> ledgers, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (facilityCode, vendorCode, variantGuid) = (Codes.Normalize(request.FacilityCode), Codes.Normalize(request.VendorCode), StockRules.Guid(request.VariantGuid));
        var quantity = request.Quantity!.Value;
        var loaded = await ledgers.GetAsync(orgcode, ConsignmentLedger.KeyOf(facilityCode, variantGuid, vendorCode), ct: ct);
        if (loaded is null)
        {
            return IcsProblems.UnknownReference("vendor_code", $"Vendor '{vendorCode}' has no consigned stock of variant {variantGuid} at '{facilityCode}'.");
        }
        if (quantity > loaded.Record.OnHand)
        {
            return IcsProblems.InsufficientStock([new Shortfall(facilityCode, variantGuid, "consignment", quantity, loaded.Record.OnHand)]);
        }
        ConsignmentLedger? staged = null;
        var result = await ledger.ApplyAsync(orgcode, [new StockMove(facilityCode, variantGuid, StockState.Consignment, null, quantity)],
            new MoveReason("consignment_consume", StockRules.Normalized(request.Reference), $"vendor {vendorCode}"),
            (batch, _) => staged = ledgers.Update(batch, orgcode, loaded, loaded.Record with { Consumed = loaded.Record.Consumed + quantity }, "consumed"), ct);
        return result.Succeeded ? TypedResults.Ok(staged!) : result.Problem!;
    }

    public static async Task<Results<Ok<ConsignmentLedger>, ProblemHttpResult>> Settle(ConsignmentSettleRequest request, RecordStore<ConsignmentLedger> ledgers,
        RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (facilityCode, vendorCode, variantGuid) = (Codes.Normalize(request.FacilityCode), Codes.Normalize(request.VendorCode), StockRules.Guid(request.VariantGuid));
        var quantity = request.Quantity!.Value;
        var loaded = await ledgers.GetAsync(orgcode, ConsignmentLedger.KeyOf(facilityCode, variantGuid, vendorCode), ct: ct);
        if (loaded is null)
        {
            return IcsProblems.UnknownReference("vendor_code", $"Vendor '{vendorCode}' has no consigned stock of variant {variantGuid} at '{facilityCode}'.");
        }
        if (quantity > loaded.Record.Unsettled)
        {
            return StockProblems.ExceedsOpen("quantity", $"{quantity} asked; {loaded.Record.Unsettled} consumed and not yet settled.");
        }
        var next = loaded.Record with { Settled = loaded.Record.Settled + quantity, LastSettlement = StockRules.Normalized(request.Reference) };
        return (await ledgers.UpdateAsync(orgcode, loaded, next, "settled", ct: ct)).ToOk();
    }

    public static async Task<Ok<Page<ConsignmentLedger>>> ListLedgers(ConsignmentLedgerListRequest request, RecordStore<ConsignmentLedger> ledgers,
        RequestContext context, CancellationToken ct)
    {
        List<StateFilter> filters = [StateFilter.Eq("facility_code", Codes.Normalize(request.FacilityCode)), StateFilter.Eq("vendor_code", Codes.Normalize(request.VendorCode))];
        return TypedResults.Ok(await ledgers.ListAsync(context.RequireOrgcode(), filters, Paging.LimitOf(request), request.NextToken, ct: ct));
    }
}
