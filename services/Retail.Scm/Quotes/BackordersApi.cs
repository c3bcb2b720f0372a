using Retail.Scm.Orders;
using Retail.Shared;

namespace Retail.Scm.Quotes;

/// <summary>
/// Backorders (UC-SCM-005): create (an order line or a variant; only where the channel policy allows backorders),
/// approve (another admin), fulfill (reserve in ICS, then a new placed order at the backorder's price, one batch with the
/// backorder's change), cancel, get, list.
/// </summary>
public static class BackordersApi
{
    public static IEndpointRouteBuilder MapBackorderEndpoints(this IEndpointRouteBuilder routes)
    {
        var backorders = routes.MapGroup("/backorder").WithTags("Backorders");
        backorders.MapPost("/create", Create).RequireRole(Role.Member).AsWrite()
            .WithSummary("Backorder an order's line (at its price) or a variant (priced as an order would be); 422 backorder_not_allowed where the channel policy forbids it.");
        backorders.MapPost("/approve", Approve).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Approve a pending backorder (an admin other than its creator: 403 same_actor).");
        backorders.MapPost("/fulfill", Fulfill).RequireRole(Role.Member).AsWrite()
            .WithSummary("Fulfil an approved backorder once stock is there: reserved in ICS (409 insufficient_stock, it stays approved) and placed as a new order at its price.");
        backorders.MapPost("/cancel", Cancel).RequireRole(Role.Member).AsWrite().WithSummary("Cancel a pending or approved backorder.");
        backorders.MapPost("/get", Get).RequireRole(Role.Viewer).WithSummary("A backorder by backorder_guid.");
        backorders.MapPost("/list", List).RequireRole(Role.Viewer).WithSummary("Backorders newest first, by status, channel, customer, variant or source order.");
        return routes;
    }

    public static async Task<Results<Created<Backorder>, ProblemHttpResult>> Create(CreateBackorderRequest request, OrderLifecycle lifecycle,
        RecordStore<Backorder> backorders, RecordStore<Order> orders, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var actor = context.RequirePrincipal().Id;
        Backorder backorder;
        if (request.OrderGuid is { } orderGuid)
        {
            if (await orders.GetAsync(orgcode, QuoteRules.GuidKey(orderGuid), ct: ct) is not { } loaded)
            {
                return ScmProblems.UnknownReference("order_guid", $"No order {orderGuid} in this org.");
            }
            var order = loaded.Record;
            if (order.Line(request.LineNo!.Value) is not { } line)
            {
                return ScmProblems.UnknownReference("line_no", $"Order {order.OrderNumber} has no line {request.LineNo}.");
            }
            var quantity = request.Quantity ?? line.OpenQuantity;
            if (quantity <= 0 || quantity > line.Quantity)
            {
                return ScmProblems.QuantityExceedsOpen(line, quantity);
            }
            if (!(await lifecycle.PolicyOfAsync(orgcode, order.ChannelCode, ct)).BackordersAllowed)
            {
                return ScmProblems.BackordersRefused(order.ChannelCode);
            }
            backorder = new Backorder
            {
                BackorderGuid = Ids.New(),
                ChannelCode = order.ChannelCode,
                FacilityCode = order.FacilityCode,
                Customer = order.Customer,
                Delivery = order.Delivery,
                Currency = order.Currency,
                TaxInclusive = order.TaxInclusive,
                Line = BackorderRules.Part(line, quantity),
                SourceOrderGuid = order.OrderGuid,
                SourceLineNo = line.LineNo,
                Note = RequestRules.Trimmed(request.Note),
                CreatedBy = actor,
            };
        }
        else
        {
            var channel = request.ChannelCode ?? context.ChannelCode;
            if (channel is not null && !(await lifecycle.PolicyOfAsync(orgcode, Codes.Normalize(channel), ct)).BackordersAllowed)
            {
                return ScmProblems.BackordersRefused(Codes.Normalize(channel));
            }
            var (draft, problem) = await lifecycle.DraftAsync(new CreateOrderRequest(request.ChannelCode,
                [new OrderLineRequest(request.VariantGuid, null, null, null, null, request.Quantity, null)], request.Customer, request.Delivery, null,
                request.Note, null, null), ct);
            if (problem is not null)
            {
                return problem;
            }
            if (!(await lifecycle.PolicyOfAsync(orgcode, draft!.ChannelCode, ct)).BackordersAllowed)
            {
                return ScmProblems.BackordersRefused(draft.ChannelCode);
            }
            backorder = new Backorder
            {
                BackorderGuid = Ids.New(),
                ChannelCode = draft.ChannelCode,
                Customer = draft.Customer,
                Delivery = draft.Delivery,
                Currency = draft.Currency,
                TaxInclusive = draft.TaxInclusive,
                Line = draft.Lines[0],
                Note = draft.Note,
                CreatedBy = actor,
            };
        }
        return (await backorders.CreateAsync(orgcode, backorder, [QuoteEvents.Of(ScmEvents.BackorderCreated, orgcode, backorder with { Revision = 1 })], ct))
            .ToCreated();
    }

    public static async Task<Results<Ok<Backorder>, ProblemHttpResult>> Approve(BackorderChangeRequest request, RecordStore<Backorder> backorders,
        RequestContext context, TimeProvider clock, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await backorders.LoadForChangeAsync(orgcode, QuoteRules.GuidKey(request.BackorderGuid!), request.ExpectedRevision, ct: ct);
        if (problem is not null)
        {
            return problem;
        }
        var current = loaded!.Record;
        if (Backorder.Lifecycle.Check(current.Status, BackorderStatus.Approved) is { } refused)
        {
            return refused;
        }
        var actor = context.RequirePrincipal().Id;
        if (actor == current.CreatedBy)
        {
            return ScmProblems.SameActor("A backorder is approved by an admin other than the one who created it.");
        }
        var next = current with { Status = BackorderStatus.Approved, ApprovedBy = actor, ApprovedAt = clock.GetUtcNow() };
        return (await backorders.UpdateAsync(orgcode, loaded, next, "status_changed",
            [QuoteEvents.Of(ScmEvents.BackorderApproved, orgcode, next with { Revision = current.Revision + 1 })], ct)).ToOk();
    }

    /// <summary>
    /// approved → fulfilled: a new order of the backorder's line at its price (<c>source = backorder</c>) is routed and
    /// reserved in ONE ICS call; then the order (placed, holding the stock) and the backorder's change are ONE batch. Not
    /// enough stock: 409 <c>insufficient_stock</c>, nothing saved, the backorder stays approved. A lost race releases the
    /// holds it made.
    /// </summary>
    public static async Task<Results<Ok<BackorderFulfilment>, ProblemHttpResult>> Fulfill(BackorderChangeRequest request, OrderLifecycle lifecycle,
        OrderHolds holds, RecordStore<Backorder> backorders, RecordStore<Order> orders, RequestContext context, TimeProvider clock, HttpContext http,
        CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await backorders.LoadForChangeAsync(orgcode, QuoteRules.GuidKey(request.BackorderGuid!), request.ExpectedRevision, ct: ct);
        if (problem is not null)
        {
            return problem;
        }
        var current = loaded!.Record;
        if (Backorder.Lifecycle.Check(current.Status, BackorderStatus.Fulfilled) is { } refused)
        {
            return refused;
        }
        var policy = await lifecycle.PolicyOfAsync(orgcode, current.ChannelCode, ct);
        var order = lifecycle.FromPricedLines(current.ChannelCode, current.FacilityCode, current.Customer, current.Delivery, current.Currency,
            current.TaxInclusive, [current.Line], "backorder", current.BackorderGuid, null, current.Note);
        var (reserved, noStock) = await lifecycle.ReserveAsync(orgcode, order, policy, "backorder", OrdersApi.ClientKey(http), ct);
        if (noStock is not null)
        {
            return noStock;
        }
        var now = clock.GetUtcNow();
        var placed = (reserved?.Order ?? order) with { Status = OrderStatus.Placed, PlacedAt = now, PromisedShipBy = now.AddHours(policy.SlaHours) };
        var next = current with { Status = BackorderStatus.Fulfilled, OrderGuid = placed.OrderGuid, FulfilledAt = now };
        var batch = new RecordBatch();
        var staged = backorders.Update(batch, orgcode, loaded, next, "status_changed",
            [QuoteEvents.Of(ScmEvents.BackorderFulfilled, orgcode, next with { Revision = current.Revision + 1 })]);
        var first = placed with { Revision = 1 };
        List<DomainEvent> events = [OrderEvents.Changed(ScmEvents.OrderCreated, orgcode, first), OrderEvents.Changed(ScmEvents.OrderPlaced, orgcode, first)];
        if (reserved is not null)
        {
            events.Add(OrderEvents.Promise(ScmEvents.PromiseReserved, orgcode, first, reserved.LineNos));
        }
        var created = orders.Create(batch, orgcode, placed, events);
        var write = await batch.CommitAsync(ct);
        if (!write.Succeeded)
        {
            if (reserved is not null)
            {
                await holds.ReleaseAsync(orgcode, reserved.Holds.Select(h => new HoldRelease(h.HoldGuid, h.Revision)).ToList(), "backorder changed meanwhile",
                    $"{reserved.Key}:compensate", ct);
            }
            return write.Problem();
        }
        return TypedResults.Ok(new BackorderFulfilment(staged, created));
    }

    public static async Task<Results<Ok<Backorder>, ProblemHttpResult>> Cancel(CancelBackorderRequest request, RecordStore<Backorder> backorders,
        RequestContext context, TimeProvider clock, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await backorders.LoadForChangeAsync(orgcode, QuoteRules.GuidKey(request.BackorderGuid!), request.ExpectedRevision, ct: ct);
        if (problem is not null)
        {
            return problem;
        }
        var current = loaded!.Record;
        if (Backorder.Lifecycle.Check(current.Status, BackorderStatus.Cancelled) is { } refused)
        {
            return refused;
        }
        var next = current with { Status = BackorderStatus.Cancelled, CancelledAt = clock.GetUtcNow(), StatusReason = RequestRules.Trimmed(request.Reason) };
        return (await backorders.UpdateAsync(orgcode, loaded, next, "status_changed",
            [QuoteEvents.Of(ScmEvents.BackorderCancelled, orgcode, next with { Revision = current.Revision + 1 })], ct)).ToOk();
    }

    public static async Task<Results<Ok<Backorder>, ProblemHttpResult>> Get(BackorderKey request, RecordStore<Backorder> backorders, RequestContext context,
        CancellationToken ct) =>
        await backorders.GetAsync(context.RequireOrgcode(), QuoteRules.GuidKey(request.BackorderGuid!), ct: ct) is { } loaded
            ? TypedResults.Ok(loaded.Record)
            : ApiProblem.NotFound("No such backorder.");

    public static async Task<Ok<Page<Backorder>>> List(BackorderListRequest request, RecordStore<Backorder> backorders, RequestContext context,
        CancellationToken ct)
    {
        var filters = new List<StateFilter>();
        if (request.Status is { } status)
        {
            filters.Add(StateFilter.Eq("status", status));
        }
        if (request.ChannelCode is { } channel)
        {
            filters.Add(StateFilter.Eq("channel_code", Codes.Normalize(channel)));
        }
        if (request.CustomerGuid is { } customer)
        {
            filters.Add(StateFilter.Eq("customer_guid", QuoteRules.GuidKey(customer)));
        }
        if (request.VariantGuid is { } variant)
        {
            filters.Add(StateFilter.Eq("variant_guid", QuoteRules.GuidKey(variant)));
        }
        if (request.OrderGuid is { } order)
        {
            filters.Add(StateFilter.Eq("source_order_guid", QuoteRules.GuidKey(order)));
        }
        return TypedResults.Ok(await backorders.ListAsync(context.RequireOrgcode(), filters, Paging.LimitOf(request), request.NextToken,
            sort: QuotesApi.NewestFirst, ct: ct));
    }
}

public static class BackorderRules
{
    /// <summary>
    /// <paramref name="quantity"/> of an order line at its price: net, discount and tax in proportion (half up), the unit
    /// prices as they were; line_no 1, open, without hold or running quantities.
    /// </summary>
    public static OrderLine Part(OrderLine line, long quantity)
    {
        long Share(long amount) => line.Quantity == quantity ? amount : (long)Math.Round((decimal)amount * quantity / line.Quantity, MidpointRounding.AwayFromZero);
        return line with
        {
            LineNo = 1,
            Quantity = quantity,
            NetMinor = Share(line.NetMinor),
            DiscountMinor = Share(line.DiscountMinor),
            Tax = line.Tax is { } tax ? tax with { TaxMinor = Share(tax.TaxMinor) } : null,
            Status = OrderLineStatus.Open,
            Hold = null,
            FacilityCode = null,
            Shipped = 0,
            Delivered = 0,
            Returned = 0,
            CancelledQuantity = 0,
        };
    }
}
