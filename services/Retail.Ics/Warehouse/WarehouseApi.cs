using Retail.Ics.Catalog;
using Retail.Ics.Facilities;
using Retail.Ics.Holds;
using Retail.Ics.Stock;
using Retail.Shared;

namespace Retail.Ics.Warehouse;

/// <summary>The warehouse flow (UC-ICS-001): receive, QC, put away, pick, pack and ship against commitments.</summary>
public static class WarehouseApi
{
    public static IServiceCollection AddWarehouse(this IServiceCollection services)
    {
        services.AddRecords(IcsModule.Id, Receipt.Type);
        services.AddRecords(IcsModule.Id, Pack.Type);
        services.AddRecords(IcsModule.Id, Shipment.Type);
        return services;
    }

    public static IEndpointRouteBuilder MapWarehouse(this IEndpointRouteBuilder routes)
    {
        var receive = routes.MapGroup("/receive").WithTags("Warehouse");
        receive.MapPost("/record", Receive).RequireRole(Role.Member).AsWrite()
            .WithSummary("Receive goods against a reference into available or qc_hold (optionally into a bin); the receipt and its movements commit together.");
        receive.MapPost("/get", GetReceipt).RequireRole(Role.Viewer).WithSummary("A receipt with its lines and QC progress.");
        receive.MapPost("/list", ListReceipts).RequireRole(Role.Viewer).WithSummary("List receipts by facility or by reference.");
        routes.MapGroup("/qc").WithTags("Warehouse").MapPost("/complete", CompleteQc).RequireRole(Role.Member).AsWrite()
            .WithSummary("Release a receipt's QC hold: passed to available, failed to damaged, at most what is still on hold per line.");
        routes.MapGroup("/putaway").WithTags("Warehouse").MapPost("/record", Putaway).RequireRole(Role.Member).AsWrite()
            .WithSummary("Put available stock away into a bin (from another bin or from unbinned stock); the state does not change.");
        routes.MapGroup("/pick").WithTags("Warehouse").MapPost("/record", Pick).RequireRole(Role.Member).AsWrite()
            .WithSummary("Pick stock out of a bin (for a commitment, or available stock) into a staging bin or a tote.");
        routes.MapGroup("/pack").WithTags("Warehouse").MapPost("/record", PackCommitment).RequireRole(Role.Member).AsWrite()
            .WithSummary("Record a package packed for a commitment; no stock moves.");
        routes.MapGroup("/ship").WithTags("Warehouse").MapPost("/record", Ship).RequireRole(Role.Member).AsWrite()
            .WithSummary("Ship a commitment: its committed stock leaves the facility and the hold becomes shipped, in one change.");
        return routes;
    }

    public static async Task<Results<Created<Receipt>, ProblemHttpResult>> Receive(ReceiveRequest request, StockLedger ledger,
        RecordStore<Receipt> receipts, VariantCatalog catalog, FacilityCheck facilities, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var facilityCode = Codes.Normalize(request.FacilityCode);
        if (await facilities.ProblemAsync(orgcode, facilityCode, "facility_code", ct) is { } noFacility)
        {
            return noFacility;
        }
        var lines = request.Lines!.Select(l => new ReceiptLine(StockRules.Guid(l.VariantGuid), l.Quantity!.Value, l.State ?? StockState.Available,
            l.BinCode is null ? null : Codes.Normalize(l.BinCode))).ToList();
        for (var i = 0; i < lines.Count; i++)
        {
            if ((await catalog.CheckAsync(orgcode, lines[i].VariantGuid, $"lines[{i}].variant_guid", VariantNeed.NotRetired, ct)).Problem is { } noVariant)
            {
                return noVariant;
            }
        }
        var receipt = new Receipt
        {
            ReceiptGuid = Ids.New(),
            ChangeGuid = Ids.New(),
            FacilityCode = facilityCode,
            Reference = StockRules.Normalized(request.Reference)!,
            Lines = lines,
            Status = Receipt.StatusOf(lines),
        };
        Receipt? staged = null;
        var result = await ledger.ApplyAsync(orgcode, lines.Select(l => new StockMove(facilityCode, l.VariantGuid, null, l.State, l.Quantity, ToBin: l.BinCode)).ToList(),
            new MoveReason("receipt", receipt.Reference, ChangeGuid: receipt.ChangeGuid), (batch, _) => staged = receipts.Create(batch, orgcode, receipt), ct);
        return result.Succeeded ? TypedResults.Created((string?)null, staged!) : result.Problem!;
    }

    public static async Task<Results<Ok<Receipt>, ProblemHttpResult>> GetReceipt(ReceiptKey request, RecordStore<Receipt> receipts, RequestContext context,
        CancellationToken ct) =>
        await receipts.GetAsync(context.RequireOrgcode(), StockRules.Guid(request.ReceiptGuid), ct: ct) is { } loaded
            ? TypedResults.Ok(loaded.Record)
            : ApiProblem.NotFound("No such receipt.");

    public static async Task<Ok<Page<Receipt>>> ListReceipts(ReceiptListRequest request, RecordStore<Receipt> receipts, RequestContext context,
        CancellationToken ct)
    {
        var filters = new List<StateFilter>();
        if (StockRules.Normalized(request.Reference) is { } reference)
        {
            filters.Add(StateFilter.Eq("reference.kind", reference.Kind));
            filters.Add(StateFilter.Eq("reference.id", reference.Id));
        }
        if (request.FacilityCode is { } facility)
        {
            filters.Add(StateFilter.Eq("facility_code", Codes.Normalize(facility)));
        }
        return TypedResults.Ok(await receipts.ListAsync(context.RequireOrgcode(), filters, Paging.LimitOf(request), request.NextToken, ct: ct));
    }

    public static async Task<Results<Ok<Receipt>, ProblemHttpResult>> CompleteQc(QcCompleteRequest request, StockLedger ledger,
        RecordStore<Receipt> receipts, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await receipts.LoadForChangeAsync(orgcode, StockRules.Guid(request.ReceiptGuid), request.ExpectedRevision, ct: ct);
        if (problem is not null)
        {
            return problem;
        }
        var receipt = loaded!.Record;
        var decision = QcDecision.Decide(receipt, request.Lines!);
        if (decision.OverdrawnField is { } field)
        {
            return StockProblems.ExceedsOpen(field, decision.Detail!);
        }
        var next = receipt with { Lines = decision.Lines, Status = Receipt.StatusOf(decision.Lines) };
        Receipt? staged = null;
        // One change, so one reason: "qc"; each movement's to state says whether it passed (available) or failed (damaged).
        var result = await ledger.ApplyAsync(orgcode, decision.Moves, new MoveReason("qc", receipt.Reference),
            (batch, _) => staged = receipts.Update(batch, orgcode, loaded, next, "qc_completed"), ct);
        return result.Succeeded ? TypedResults.Ok(staged!) : result.Problem!;
    }

    public static async Task<Results<Created<StockChangeView>, ProblemHttpResult>> Putaway(PutawayRequest request, StockLedger ledger,
        RecordStore<Position> positions, RecordStore<BinBalance> bins, FacilityCheck facilities, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var facilityCode = Codes.Normalize(request.FacilityCode);
        var variantGuid = StockRules.Guid(request.VariantGuid);
        var quantity = request.Quantity!.Value;
        if (await facilities.ProblemAsync(orgcode, facilityCode, "facility_code", ct) is { } noFacility)
        {
            return noFacility;
        }
        var fromBin = request.FromBin is null ? null : Codes.Normalize(request.FromBin);
        if (fromBin is null)
        {
            // Unbinned stock is what is on hand but in no bin; the ledger checks a bin, this checks the rest. Read outside the
            // ledger's queue, so two concurrent putaways of the last unbinned units can both pass (the bins then over-count).
            var position = (await positions.GetAsync(orgcode, Position.KeyOf(facilityCode, variantGuid), ct: ct))?.Record;
            var unbinned = (position?.OnHand ?? 0) - await BinnedAsync(bins, orgcode, facilityCode, variantGuid, ct);
            if (quantity > unbinned)
            {
                return IcsProblems.InsufficientStock([new Shortfall(facilityCode, variantGuid, "unbinned", quantity, Math.Max(0, unbinned))]);
            }
        }
        var result = await ledger.ApplyAsync(orgcode,
            [new StockMove(facilityCode, variantGuid, StockState.Available, StockState.Available, quantity, fromBin, Codes.Normalize(request.ToBin))],
            new MoveReason("putaway"), ct: ct);
        return result.Succeeded ? TypedResults.Created((string?)null, StockChangeView.Of(result)) : result.Problem!;
    }

    public static async Task<Results<Created<StockChangeView>, ProblemHttpResult>> Pick(PickRequest request, StockLedger ledger,
        RecordStore<Hold> holds, FacilityCheck facilities, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var facilityCode = Codes.Normalize(request.FacilityCode);
        var variantGuid = StockRules.Guid(request.VariantGuid);
        var quantity = request.Quantity!.Value;
        if (await facilities.ProblemAsync(orgcode, facilityCode, "facility_code", ct) is { } noFacility)
        {
            return noFacility;
        }
        var state = StockState.Available;
        StockReference? reference = null;
        if (request.HoldGuid is { } holdGuid)
        {
            var hold = (await holds.GetAsync(orgcode, StockRules.Guid(holdGuid), ct: ct))?.Record;
            if (hold is null)
            {
                return ApiProblem.NotFound("No such hold.");
            }
            if (CommitmentProblem(hold, facilityCode) is { } notCommitted)
            {
                return notCommitted;
            }
            if (hold.Lines.FirstOrDefault(l => l.VariantGuid == variantGuid) is not { } line)
            {
                return StockProblems.NotCommitted($"The commitment does not claim variant {variantGuid}.");
            }
            if (quantity > line.Quantity)
            {
                return StockProblems.ExceedsOpen("quantity", $"{quantity} asked; the commitment claims {line.Quantity}.");
            }
            (state, reference) = (StockState.Committed, new StockReference("hold", hold.HoldGuid));
        }
        var toBin = request.ToBin is null ? null : Codes.Normalize(request.ToBin);
        var result = await ledger.ApplyAsync(orgcode, [new StockMove(facilityCode, variantGuid, state, state, quantity, Codes.Normalize(request.FromBin), toBin)],
            new MoveReason("pick", reference), ct: ct);
        return result.Succeeded ? TypedResults.Created((string?)null, StockChangeView.Of(result)) : result.Problem!;
    }

    public static async Task<Results<Created<Pack>, ProblemHttpResult>> PackCommitment(PackRequest request, RecordStore<Pack> packs, RecordStore<Hold> holds,
        RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var facilityCode = Codes.Normalize(request.FacilityCode);
        var hold = (await holds.GetAsync(orgcode, StockRules.Guid(request.HoldGuid), ct: ct))?.Record;
        if (hold is null)
        {
            return ApiProblem.NotFound("No such hold.");
        }
        if (CommitmentProblem(hold, facilityCode) is { } notCommitted)
        {
            return notCommitted;
        }
        var lines = request.Lines!.Select(l => new PackLine(StockRules.Guid(l.VariantGuid), l.Quantity!.Value)).ToList();
        foreach (var (variantGuid, quantity) in lines.GroupBy(l => l.VariantGuid).Select(g => (g.Key, g.Sum(l => l.Quantity))))
        {
            var claimed = hold.Lines.Where(l => l.VariantGuid == variantGuid).Sum(l => l.Quantity);
            if (claimed == 0)
            {
                return StockProblems.NotCommitted($"The commitment does not claim variant {variantGuid}.");
            }
            if (quantity > claimed)
            {
                return StockProblems.ExceedsOpen("lines", $"{quantity} of variant {variantGuid} packed; the commitment claims {claimed}.");
            }
        }
        var pack = new Pack
        {
            PackGuid = Ids.New(),
            FacilityCode = facilityCode,
            HoldGuid = hold.HoldGuid,
            PackageRef = request.PackageRef!.Trim(),
            Lines = lines,
        };
        return (await packs.CreateAsync(orgcode, pack, ct: ct)).ToCreated();
    }

    public static async Task<Results<Created<Shipment>, ProblemHttpResult>> Ship(ShipRequest request, StockLedger ledger, RecordStore<Hold> holds,
        RecordStore<Shipment> shipments, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var facilityCode = Codes.Normalize(request.FacilityCode);
        var (loaded, problem) = await holds.LoadForChangeAsync(orgcode, StockRules.Guid(request.HoldGuid), request.ExpectedRevision, ct: ct);
        if (problem is not null)
        {
            return problem;
        }
        var hold = loaded!.Record;
        if (hold.Status != HoldStatus.Active)
        {
            return ApiProblem.InvalidTransition(Retail.Shared.Json.SnakeCase.Name(hold.Status), "shipped", []);
        }
        if (CommitmentProblem(hold, facilityCode) is { } notCommitted)
        {
            return notCommitted;
        }
        var fromBin = request.FromBin is null ? null : Codes.Normalize(request.FromBin);
        var shipment = new Shipment
        {
            ShipmentGuid = Ids.New(),
            ChangeGuid = Ids.New(),
            FacilityCode = facilityCode,
            HoldGuid = hold.HoldGuid,
            Reference = hold.Reference,
            Lines = hold.Lines,
            FromBin = fromBin,
            Carrier = RequestRules.Trimmed(request.Carrier),
            Tracking = RequestRules.Trimmed(request.Tracking),
        };
        Shipment? staged = null;
        var result = await ledger.ApplyAsync(orgcode,
            hold.Lines.Select(l => new StockMove(facilityCode, l.VariantGuid, StockState.Committed, null, l.Quantity, FromBin: fromBin)).ToList(),
            new MoveReason("ship", hold.Reference, ChangeGuid: shipment.ChangeGuid),
            (batch, _) =>
            {
                holds.Update(batch, orgcode, loaded, hold with { Status = HoldStatus.Shipped, StatusReason = "shipped" }, "status_changed");
                staged = shipments.Create(batch, orgcode, shipment);
            }, ct);
        HoldChanges.Measure(hold.Stage, "shipped", hold.Quantity, result);
        return result.Succeeded ? TypedResults.Created((string?)null, staged!) : result.Problem!;
    }

    /// <summary>Null when the hold is an active commitment at the facility; else the 422.</summary>
    private static ProblemHttpResult? CommitmentProblem(Hold hold, string facilityCode) =>
        hold.Stage != HoldStage.Committed || hold.Status != HoldStatus.Active ? StockProblems.NotCommitted("The hold is not an active commitment.")
        : hold.FacilityCode != facilityCode ? StockProblems.NotCommitted($"The commitment is at facility '{hold.FacilityCode}'.")
        : null;

    private static async Task<long> BinnedAsync(RecordStore<BinBalance> bins, string orgcode, string facilityCode, string variantGuid, CancellationToken ct)
    {
        long total = 0;
        string? token = null;
        do
        {
            var page = await bins.ListAsync(orgcode, [StateFilter.Eq("variant_guid", variantGuid), StateFilter.Eq("facility_code", facilityCode)],
                Paging.MaxLimit, token, ct: ct);
            total += page.Items.Sum(b => b.Quantity);
            token = page.NextToken;
        }
        while (token is not null);
        return total;
    }
}
