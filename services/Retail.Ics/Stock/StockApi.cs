using Retail.Ics.Catalog;
using Retail.Ics.Facilities;
using Retail.Shared;

namespace Retail.Ics.Stock;

/// <summary>
/// Balances and the stock card (reads), state transitions and adjustments (admin writes through the ledger), and the
/// reconcile audit that rebuilds a position from its movements.
/// </summary>
public static class StockApi
{
    public static IServiceCollection AddStock(this IServiceCollection services)
    {
        services.AddRecords(IcsModule.Id, Adjustment.Type);
        return services;
    }

    public static IEndpointRouteBuilder MapStock(this IEndpointRouteBuilder routes)
    {
        var stock = routes.MapGroup("/stock").WithTags("Stock");
        stock.MapPost("/get", GetPosition).RequireRole(Role.Viewer)
            .WithSummary("A variant's balance at a facility by state, with its revision (zeros and revision 0 when it never had stock).");
        stock.MapPost("/list", ListPositions).RequireRole(Role.Viewer)
            .WithSummary("List positions by facility and/or variant; with state, only those holding stock in that state.");
        stock.MapPost("/card/list", ListCard).RequireRole(Role.Viewer)
            .WithSummary("The stock card: every movement of a variant at a facility, newest first.");
        stock.MapPost("/transition", Transition).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Move a quantity between two states with a reason; the hold states (reserved, allocated, committed) only move through holds.");
        stock.MapPost("/reconcile", Reconcile).RequireRole(Role.Admin)
            .WithSummary("Rebuild a position from its movements and say whether the stored balance agrees.");
        routes.MapGroup("/adjustment").WithTags("Stock").MapPost("/create", CreateAdjustment).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Book an adjustment (damage, shrink, found, correction) with its movement; publishes adjustment.created.");
        return routes;
    }

    public static async Task<Ok<Position>> GetPosition(StockKeyRequest request, RecordStore<Position> positions, RequestContext context,
        CancellationToken ct)
    {
        var facilityCode = Codes.Normalize(request.FacilityCode);
        var variantGuid = StockRules.Guid(request.VariantGuid);
        var loaded = await positions.GetAsync(context.RequireOrgcode(), Position.KeyOf(facilityCode, variantGuid), ct: ct);
        return TypedResults.Ok(loaded?.Record ?? new Position { FacilityCode = facilityCode, VariantGuid = variantGuid });
    }

    public static async Task<Ok<Page<Position>>> ListPositions(StockListRequest request, RecordStore<Position> positions, RequestContext context,
        CancellationToken ct)
    {
        var filters = new List<StateFilter>();
        if (request.FacilityCode is { } facility)
        {
            filters.Add(StateFilter.Eq("facility_code", Codes.Normalize(facility)));
        }
        if (request.VariantGuid is { } variant)
        {
            filters.Add(StateFilter.Eq("variant_guid", StockRules.Guid(variant)));
        }
        if (request.State is { } state)
        {
            // A range the store applies beside the facility or variant index; negative available (a policy) is not "holding stock".
            filters.Add(StateFilter.Above(Retail.Shared.Json.SnakeCase.Name(state), 0));
        }
        return TypedResults.Ok(await positions.ListAsync(context.RequireOrgcode(), filters, Paging.LimitOf(request), request.NextToken, ct: ct));
    }

    public static async Task<Ok<Page<Movement>>> ListCard(StockCardListRequest request, RecordStore<Movement> movements, RequestContext context,
        CancellationToken ct)
    {
        // Movement guids are UUIDv7: descending is newest first (movements of one change share a millisecond, in no set order).
        var page = await movements.ListAsync(context.RequireOrgcode(),
            [StateFilter.Eq("facility_code", Codes.Normalize(request.FacilityCode)), StateFilter.Eq("variant_guid", StockRules.Guid(request.VariantGuid))],
            Paging.LimitOf(request), request.NextToken, sort: [new StateSort("movement_guid", Descending: true)], ct: ct);
        return TypedResults.Ok(page);
    }

    public static async Task<Results<Ok<StockChangeView>, ProblemHttpResult>> Transition(StockTransitionRequest request, StockLedger ledger,
        VariantCatalog catalog, FacilityCheck facilities, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (from, to) = (request.From!.Value, request.To!.Value);
        if (StockRules.HoldStates.Contains(from) || StockRules.HoldStates.Contains(to))
        {
            return StockProblems.HeldState(StockRules.HoldStates.Contains(from) ? "from" : "to");
        }
        var facilityCode = Codes.Normalize(request.FacilityCode);
        var variantGuid = StockRules.Guid(request.VariantGuid);
        if (await facilities.ProblemAsync(orgcode, facilityCode, "facility_code", ct) is { } noFacility)
        {
            return noFacility;
        }
        if ((await catalog.CheckAsync(orgcode, variantGuid, "variant_guid", VariantNeed.Known, ct)).Problem is { } noVariant)
        {
            return noVariant;
        }
        var result = await ledger.ApplyAsync(orgcode, [new StockMove(facilityCode, variantGuid, from, to, request.Quantity!.Value)],
            new MoveReason(Codes.Normalize(request.Reason), Note: RequestRules.Trimmed(request.Note)), ct: ct);
        return result.Succeeded ? TypedResults.Ok(StockChangeView.Of(result)) : result.Problem!;
    }

    public static async Task<Results<Ok<ReconcileView>, ProblemHttpResult>> Reconcile(StockKeyRequest request, StockLedger ledger,
        RequestContext context, CancellationToken ct)
    {
        var facilityCode = Codes.Normalize(request.FacilityCode);
        var variantGuid = StockRules.Guid(request.VariantGuid);
        var (rebuilt, stored, agrees) = await ledger.ReconcileAsync(context.RequireOrgcode(), facilityCode, variantGuid, ct);
        return TypedResults.Ok(new ReconcileView(rebuilt, stored ?? new Position { FacilityCode = facilityCode, VariantGuid = variantGuid }, agrees));
    }

    public static async Task<Results<Created<Adjustment>, ProblemHttpResult>> CreateAdjustment(CreateAdjustmentRequest request, StockLedger ledger,
        RecordStore<Adjustment> adjustments, VariantCatalog catalog, FacilityCheck facilities, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var adjustment = new Adjustment
        {
            AdjustmentGuid = Ids.New(),
            ChangeGuid = Ids.New(),
            FacilityCode = Codes.Normalize(request.FacilityCode),
            VariantGuid = StockRules.Guid(request.VariantGuid),
            Quantity = request.Quantity!.Value,
            Reason = request.Reason!.Value,
            BinCode = request.BinCode is null ? null : Codes.Normalize(request.BinCode),
            Note = RequestRules.Trimmed(request.Note),
        };
        if (await facilities.ProblemAsync(orgcode, adjustment.FacilityCode, "facility_code", ct) is { } noFacility)
        {
            return noFacility;
        }
        if ((await catalog.CheckAsync(orgcode, adjustment.VariantGuid, "variant_guid", VariantNeed.Known, ct)).Problem is { } noVariant)
        {
            return noVariant;
        }
        Adjustment? staged = null;
        var why = new MoveReason(Retail.Shared.Json.SnakeCase.Name(adjustment.Reason), new StockReference("adjustment", adjustment.AdjustmentGuid),
            adjustment.Note, adjustment.ChangeGuid);
        var result = await ledger.ApplyAsync(orgcode, [adjustment.Move()], why, (batch, _) => staged = adjustments.Create(batch, orgcode, adjustment,
            [new DomainEvent(IcsEvents.AdjustmentCreated, new AdjustmentCreated(orgcode, adjustment.AdjustmentGuid, adjustment.ChangeGuid,
                adjustment.FacilityCode, adjustment.VariantGuid, adjustment.Quantity, adjustment.Reason, adjustment.BinCode))]), ct);
        return result.Succeeded ? TypedResults.Created((string?)null, staged!) : result.Problem!;
    }
}
