using Retail.Ics.Catalog;
using Retail.Ics.Facilities;
using Retail.Ics.Stock;
using Retail.Shared;

namespace Retail.Ics.Transfers;

/// <summary>A shipment or receipt as committed, with the transfer it changed (its new revision for the next change).</summary>
public sealed record ShipmentOutcome(TransferShipment Shipment, Transfer Transfer);

/// <summary>
/// Transfers between logical facilities (UC-ICS-003): request, submit, approve by someone else, ship (one ledger change:
/// out of the source's <c>available</c>, into the destination's <c>in_transit</c>, so the org's total stays the same and
/// the destination sees what is coming), receive (in transit → available; a short quantity leaves as a
/// <c>transfer_short</c> loss and is kept as the discrepancy), get, list and report.
/// </summary>
public static class TransfersApi
{
    public static IServiceCollection AddTransfers(this IServiceCollection services)
    {
        services.AddRecords(IcsModule.Id, Transfer.Type);
        services.AddRecords(IcsModule.Id, TransferShipment.Type);
        return services;
    }

    public static IEndpointRouteBuilder MapTransfers(this IEndpointRouteBuilder routes)
    {
        var requests = routes.MapGroup("/transfer/request").WithTags("Transfers");
        requests.MapPost("/create", Create).RequireRole(Role.Member).AsWrite().WithSummary("Request a transfer of stock between two facilities (a draft).");
        requests.MapPost("/submit", Submit).RequireRole(Role.Member).AsWrite().WithSummary("Submit a draft transfer for approval.");
        requests.MapPost("/approve", Approve).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Approve or reject a submitted transfer; someone other than its requester and submitter decides.");
        requests.MapPost("/cancel", Cancel).RequireRole(Role.Member).AsWrite().WithSummary("Cancel a draft or submitted transfer.");
        requests.MapPost("/close", Close).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Close a shipped transfer whose shipments are all received; what is not shipped will not be.");
        requests.MapPost("/get", Get).RequireRole(Role.Viewer).WithSummary("Read a transfer by transfer_guid.");
        requests.MapPost("/list", List).RequireRole(Role.Viewer).WithSummary("List transfers by status, source or destination facility.");
        routes.MapPost("/transfer/report", Report).RequireRole(Role.Viewer).WithTags("Transfers")
            .WithSummary("Requested, shipped, received and missing quantities per transfer, from the transfers' own totals.");

        var shipments = routes.MapGroup("/transfer/shipment").WithTags("Transfers");
        shipments.MapPost("/record", RecordShipment).RequireRole(Role.Member).AsWrite()
            .WithSummary("Ship part or all of an approved transfer: stock leaves the source and is in transit at the destination.");
        shipments.MapPost("/receive", ReceiveShipment).RequireRole(Role.Member).AsWrite()
            .WithSummary("Receive a shipment at the destination; a short receipt records the discrepancy.");
        shipments.MapPost("/get", GetShipment).RequireRole(Role.Viewer).WithSummary("Read a shipment by shipment_guid.");
        shipments.MapPost("/list", ListShipments).RequireRole(Role.Viewer).WithSummary("List shipments by transfer and status.");
        return routes;
    }

    public static async Task<Results<Created<Transfer>, ProblemHttpResult>> Create(CreateTransferRequest request, RecordStore<Transfer> store,
        FacilityCheck facilities, VariantCatalog catalog, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var from = Codes.Normalize(request.FromFacilityCode);
        var to = Codes.Normalize(request.ToFacilityCode);
        if (await facilities.ProblemAsync(orgcode, from, "from_facility_code", ct) is { } noSource)
        {
            return noSource;
        }
        if (await facilities.ProblemAsync(orgcode, to, "to_facility_code", ct) is { } noDestination)
        {
            return noDestination;
        }
        var lines = TransferRules.LinesOf(request.Lines!);
        if (await catalog.ProblemAsync(orgcode, lines.Select(l => l.VariantGuid), "lines.variant_guid", VariantNeed.Active, ct) is { } badVariant)
        {
            return badVariant;
        }
        var transfer = new Transfer
        {
            TransferGuid = Ids.New(),
            FromFacilityCode = from,
            ToFacilityCode = to,
            Lines = lines,
            Reason = RequestRules.Trimmed(request.Reason),
            NeededBy = request.NeededBy,
            RequestedBy = context.RequirePrincipal().Id,
            RequestedTotal = lines.Sum(l => l.Quantity),
        };
        return (await store.CreateAsync(orgcode, transfer, [TransferEvents.Of(IcsEvents.TransferRequested, orgcode, transfer, 1)], ct)).ToCreated();
    }

    public static async Task<Results<Ok<Transfer>, ProblemHttpResult>> Submit(TransferChange request, RecordStore<Transfer> store,
        RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await store.LoadForChangeAsync(orgcode, TransferRules.GuidKey(request.TransferGuid!), request.ExpectedRevision, ct: ct);
        if (problem is not null)
        {
            return problem;
        }
        var current = loaded!.Record;
        if (Transfer.Lifecycle.Check(current.Status, TransferStatus.Submitted) is { } refused)
        {
            return refused;
        }
        var next = current with { Status = TransferStatus.Submitted, SubmittedBy = context.RequirePrincipal().Id };
        return (await store.UpdateAsync(orgcode, loaded, next, "status_changed",
            [TransferEvents.Of(IcsEvents.TransferSubmitted, orgcode, next, current.Revision + 1)], ct)).ToOk();
    }

    public static async Task<Results<Ok<Transfer>, ProblemHttpResult>> Approve(ApproveTransferRequest request, RecordStore<Transfer> store,
        RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await store.LoadForChangeAsync(orgcode, TransferRules.GuidKey(request.TransferGuid!), request.ExpectedRevision, ct: ct);
        if (problem is not null)
        {
            return problem;
        }
        var current = loaded!.Record;
        var to = request.Approve!.Value ? TransferStatus.Approved : TransferStatus.Rejected;
        if (Transfer.Lifecycle.Check(current.Status, to) is { } refused)
        {
            return refused;
        }
        var approver = context.RequirePrincipal().Id;
        if (approver == current.RequestedBy || approver == current.SubmittedBy)
        {
            return IcsProblems.SegregationOfDuties("Whoever requested or submitted a transfer cannot approve or reject it.");
        }
        var next = current with { Status = to, DecidedBy = approver, DecisionNote = RequestRules.Trimmed(request.Note) };
        return (await store.UpdateAsync(orgcode, loaded, next, "status_changed",
            [TransferEvents.Of(IcsEvents.TransferApproved, orgcode, next, current.Revision + 1)], ct)).ToOk();
    }

    public static Task<Results<Ok<Transfer>, ProblemHttpResult>> Cancel(TransferChange request, RecordStore<Transfer> store, RequestContext context,
        CancellationToken ct) => MoveAsync(request, store, context, TransferStatus.Cancelled, ct);

    public static Task<Results<Ok<Transfer>, ProblemHttpResult>> Close(TransferChange request, RecordStore<Transfer> store, RequestContext context,
        CancellationToken ct) => MoveAsync(request, store, context, TransferStatus.Closed, ct);

    private static async Task<Results<Ok<Transfer>, ProblemHttpResult>> MoveAsync(TransferChange request, RecordStore<Transfer> store,
        RequestContext context, TransferStatus to, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await store.LoadForChangeAsync(orgcode, TransferRules.GuidKey(request.TransferGuid!), request.ExpectedRevision, ct: ct);
        if (problem is not null)
        {
            return problem;
        }
        var current = loaded!.Record;
        if (Transfer.Lifecycle.Check(current.Status, to) is { } refused)
        {
            return refused;
        }
        if (to == TransferStatus.Closed && current.OpenShipments > 0)
        {
            return ApiProblem.Business("shipments_open", "Shipments are still in transit.",
                $"{current.OpenShipments} shipment(s) of this transfer are not received yet.");
        }
        return (await store.UpdateAsync(orgcode, loaded, current with { Status = to, DecisionNote = RequestRules.Trimmed(request.Note) ?? current.DecisionNote },
            "status_changed", ct: ct)).ToOk();
    }

    public static async Task<Results<Ok<Transfer>, ProblemHttpResult>> Get(TransferKey request, RecordStore<Transfer> store, RequestContext context,
        CancellationToken ct) =>
        await store.GetAsync(context.RequireOrgcode(), TransferRules.GuidKey(request.TransferGuid!), ct: ct) is { } loaded
            ? TypedResults.Ok(loaded.Record)
            : ApiProblem.NotFound("No such transfer.");

    public static async Task<Ok<Page<Transfer>>> List(TransferListRequest request, RecordStore<Transfer> store, RequestContext context,
        CancellationToken ct) =>
        TypedResults.Ok(await store.ListAsync(context.RequireOrgcode(), Filters(request.Status, request.FromFacilityCode, request.ToFacilityCode),
            Paging.LimitOf(request), request.NextToken, ct: ct));

    public static async Task<Ok<Page<TransferReportLine>>> Report(TransferReportRequest request, RecordStore<Transfer> store, RequestContext context,
        CancellationToken ct)
    {
        var filters = Filters(request.Status, request.FromFacilityCode, request.ToFacilityCode);
        if (request.CreatedFrom is { } since)
        {
            filters.Add(StateFilter.Above("created_ms", since.ToUnixTimeMilliseconds(), inclusive: true));
        }
        if (request.CreatedTo is { } until)
        {
            filters.Add(StateFilter.Below("created_ms", until.ToUnixTimeMilliseconds()));
        }
        var page = await store.ListAsync(context.RequireOrgcode(), filters, Paging.LimitOf(request), request.NextToken, ct: ct);
        return TypedResults.Ok(new Page<TransferReportLine>(page.Items.Select(t => new TransferReportLine(t.TransferGuid, t.FromFacilityCode,
            t.ToFacilityCode, t.Status, t.RequestedTotal, t.ShippedTotal, t.ReceivedTotal, t.Discrepancy, t.CreatedAt)).ToList(), page.NextToken));
    }

    public static async Task<Results<Created<ShipmentOutcome>, ProblemHttpResult>> RecordShipment(RecordShipmentRequest request,
        RecordStore<Transfer> transfers, RecordStore<TransferShipment> shipments, StockLedger ledger, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await transfers.LoadForChangeAsync(orgcode, TransferRules.GuidKey(request.TransferGuid!), request.ExpectedRevision, ct: ct);
        if (problem is not null)
        {
            return problem;
        }
        var transfer = loaded!.Record;
        if (Transfer.Lifecycle.Check(transfer.Status, TransferStatus.Shipped) is { } refused)
        {
            return refused;
        }
        var lines = TransferRules.LinesOf(request.Lines!);
        if (TransferRules.CheckShipment(transfer, lines) is { } tooMuch)
        {
            return tooMuch;
        }
        var shipment = new TransferShipment
        {
            ShipmentGuid = Ids.New(),
            TransferGuid = transfer.TransferGuid,
            FromFacilityCode = transfer.FromFacilityCode,
            ToFacilityCode = transfer.ToFacilityCode,
            Lines = lines.Select(l => new ShipmentLine(l.VariantGuid, l.Quantity)).ToList(),
            Carrier = RequestRules.Trimmed(request.Carrier),
            Tracking = RequestRules.Trimmed(request.Tracking),
            ShippedBy = context.RequirePrincipal().Id,
        };
        var next = TransferRules.Ship(transfer, lines);
        ShipmentOutcome? outcome = null;
        var result = await ledger.ApplyAsync(orgcode, TransferRules.ShipmentMoves(transfer, lines),
            new MoveReason(TransferRules.ShipReason, new StockReference("transfer", transfer.TransferGuid), $"shipment {shipment.ShipmentGuid}"),
            (batch, _) =>
            {
                var staged = shipments.Create(batch, orgcode, shipment);
                var changed = transfers.Update(batch, orgcode, loaded, next, "shipped",
                    [TransferEvents.Of(IcsEvents.TransferShipped, orgcode, next, transfer.Revision + 1, staged)]);
                outcome = new ShipmentOutcome(staged, changed);
            }, ct);
        return result.Problem is { } failed ? failed : TypedResults.Created((string?)null, outcome!);
    }

    public static async Task<Results<Ok<ShipmentOutcome>, ProblemHttpResult>> ReceiveShipment(ReceiveShipmentRequest request,
        RecordStore<Transfer> transfers, RecordStore<TransferShipment> shipments, StockLedger ledger, RequestContext context, TimeProvider clock,
        CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await shipments.LoadForChangeAsync(orgcode, TransferRules.GuidKey(request.ShipmentGuid!), request.ExpectedRevision, ct: ct);
        if (problem is not null)
        {
            return problem;
        }
        var shipment = loaded!.Record;
        if (TransferShipment.Lifecycle.Check(shipment.Status, ShipmentStatus.Received) is { } refused)
        {
            return refused;
        }
        var (lines, mismatch) = TransferRules.Receive(shipment, request.Lines!);
        if (mismatch is not null)
        {
            return mismatch;
        }
        if (await transfers.GetAsync(orgcode, shipment.TransferGuid, ct: ct) is not { } transferLoaded)
        {
            return ApiProblem.NotFound("The shipment's transfer is gone.");
        }
        var received = shipment with
        {
            Status = ShipmentStatus.Received,
            Lines = lines!,
            ReceivedBy = context.RequirePrincipal().Id,
            ReceivedAt = clock.GetUtcNow(),
        };
        var next = TransferRules.ApplyReceipt(transferLoaded.Record, lines!);
        ShipmentOutcome? outcome = null;
        var result = await ledger.ApplyAsync(orgcode, TransferRules.ReceiptMoves(shipment, lines!),
            new MoveReason(TransferRules.ReceiveReason, new StockReference("transfer", shipment.TransferGuid), $"shipment {shipment.ShipmentGuid}"),
            (batch, _) =>
            {
                var staged = shipments.Update(batch, orgcode, loaded, received, "received");
                var changed = transfers.Update(batch, orgcode, transferLoaded, next, "received",
                    [TransferEvents.Of(IcsEvents.TransferReceived, orgcode, next, transferLoaded.Record.Revision + 1, staged)]);
                outcome = new ShipmentOutcome(staged, changed);
            }, ct);
        return result.Problem is { } failed ? failed : TypedResults.Ok(outcome!);
    }

    public static async Task<Results<Ok<TransferShipment>, ProblemHttpResult>> GetShipment(ShipmentKey request, RecordStore<TransferShipment> store,
        RequestContext context, CancellationToken ct) =>
        await store.GetAsync(context.RequireOrgcode(), TransferRules.GuidKey(request.ShipmentGuid!), ct: ct) is { } loaded
            ? TypedResults.Ok(loaded.Record)
            : ApiProblem.NotFound("No such shipment.");

    public static async Task<Ok<Page<TransferShipment>>> ListShipments(ShipmentListRequest request, RecordStore<TransferShipment> store, RequestContext context,
        CancellationToken ct)
    {
        var filters = new List<StateFilter>();
        if (request.TransferGuid is { } transfer)
        {
            filters.Add(StateFilter.Eq("transfer_guid", TransferRules.GuidKey(transfer)));
        }
        if (request.Status is { } status)
        {
            filters.Add(StateFilter.Eq("status", status));
        }
        return TypedResults.Ok(await store.ListAsync(context.RequireOrgcode(), filters, Paging.LimitOf(request), request.NextToken, ct: ct));
    }

    private static List<StateFilter> Filters(TransferStatus? status, string? from, string? to)
    {
        var filters = new List<StateFilter>();
        if (from is not null)
        {
            filters.Add(StateFilter.Eq("from_facility_code", Codes.Normalize(from)));
        }
        if (to is not null)
        {
            filters.Add(StateFilter.Eq("to_facility_code", Codes.Normalize(to)));
        }
        if (status is { } s)
        {
            filters.Add(StateFilter.Eq("status", s));
        }
        return filters;
    }
}
