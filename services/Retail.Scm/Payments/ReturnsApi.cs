using Retail.Scm.Orders;
using Retail.Scm.Policies;
using Retail.Shared;

namespace Retail.Scm.Payments;

/// <summary>
/// Returns (UC-SCM-003): request within the channel's return window for quantities shipped and not yet returned →
/// receive and inspect (the order's saga restocks to ICS <c>available</c>, or <c>damaged</c>, and refunds) → refund to the
/// original tenders through the payment provider, never more than captured less refunded.
/// </summary>
public static class ReturnsApi
{
    private const int Attempts = 5;

    public static IEndpointRouteBuilder MapReturns(this IEndpointRouteBuilder routes)
    {
        var returns = routes.MapGroup("/return").WithTags("Returns");
        returns.MapPost("/request", Request).RequireRole(Role.Member).AsWrite()
            .WithSummary("Ask back shipped quantities of an order's lines within the channel's return window; authorised at once.");
        returns.MapPost("/receive", Receive).RequireRole(Role.Member).AsWrite()
            .WithSummary("Receive and inspect a return: resellable lines go back to available in ICS, damaged ones to damaged.");
        returns.MapPost("/get", Get).RequireRole(Role.Viewer).WithSummary("Read a return by return_guid.");
        returns.MapPost("/list", List).RequireRole(Role.Viewer).WithSummary("List returns by order or status.");
        routes.MapGroup("/refund").WithTags("Returns").MapPost("/issue", Refund).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Refund a received return to the order's original tenders, at most what was captured and not yet refunded.");
        return routes;
    }

    public static async Task<Results<Created<OrderReturn>, ProblemHttpResult>> Request(RequestReturnRequest request, RecordStore<OrderReturn> returns,
        RecordStore<Order> orders, RecordStore<ChannelPolicy> policies, IShipmentDates dates, RequestContext context, TimeProvider clock,
        CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var orderGuid = PaymentRules.GuidKey(request.OrderGuid!);
        if (await orders.GetAsync(orgcode, orderGuid, ct: ct) is not { } loaded)
        {
            return ScmProblems.UnknownReference("order_guid", $"No order {orderGuid} in this org.");
        }
        var order = loaded.Record;
        var policy = await policies.EffectiveAsync(orgcode, order.ChannelCode, ct);
        // One order's open returns: few, read through the (order_guid, status) index.
        var open = await returns.ListAsync(orgcode,
            [StateFilter.Eq("order_guid", orderGuid), StateFilter.In("status", ReturnStatus.Requested, ReturnStatus.Authorized)], Paging.MaxLimit, ct: ct);
        var onOpen = open.Items.SelectMany(r => r.Lines).GroupBy(l => l.LineNo).ToDictionary(g => g.Key, g => g.Sum(l => l.Quantity));
        var now = clock.GetUtcNow();
        var starts = await dates.WindowStartsAsync(orgcode, order, ct);
        var lines = new List<ReturnLine>();
        foreach (var asked in request.Lines!)
        {
            var lineNo = asked.LineNo!.Value;
            if (order.Line(lineNo) is not { } line)
            {
                return ScmProblems.UnknownReference("lines.line_no", $"The order has no line {lineNo}.");
            }
            var returnable = ReturnRules.Returnable(line, onOpen.GetValueOrDefault(lineNo));
            if (asked.Quantity!.Value > returnable)
            {
                return ScmProblems.NotReturnable(lineNo, asked.Quantity.Value, returnable);
            }
            var closesAt = starts[lineNo].AddDays(policy.ReturnWindowDays);
            if (now > closesAt)
            {
                return ScmProblems.ReturnWindowClosed(lineNo, closesAt, policy.ReturnWindowDays);
            }
            lines.Add(ReturnRules.LineOf(order, line, asked.Quantity.Value));
        }
        var ret = new OrderReturn
        {
            ReturnGuid = Ids.New(),
            OrderGuid = orderGuid,
            OrderNumber = order.OrderNumber,
            ChannelCode = order.ChannelCode,
            Currency = order.Currency,
            Status = ReturnStatus.Authorized,
            Lines = lines,
            Reason = request.Reason!.Trim(),
            Note = RequestRules.Trimmed(request.Note),
            RequestedBy = context.RequirePrincipal().Id,
        };
        return (await returns.CreateAsync(orgcode, ret,
            [PaymentEvents.Of(ScmEvents.ReturnRequested, orgcode, ret, 1), PaymentEvents.Of(ScmEvents.ReturnAuthorized, orgcode, ret, 1)], ct)).ToCreated();
    }

    /// <summary>
    /// Records the goods back and inspected: the return <c>received</c> (conditions, notes, who refunds it) and the order
    /// lines' <c>returned</c>, with <c>return.received</c> + <c>return.inspected</c>, in one transaction. The order's saga
    /// (<c>Orders/Saga</c>), signalled by return.received, then restocks the units in ICS and, unless the refund is left
    /// to an admin (<c>refund: manual</c>), refunds the return.
    /// </summary>
    public static async Task<Results<Ok<OrderReturn>, ProblemHttpResult>> Receive(ReceiveReturnRequest request, RecordStore<OrderReturn> returns,
        RecordStore<Order> orders, RequestContext context, TimeProvider clock, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await returns.LoadForChangeAsync(orgcode, PaymentRules.GuidKey(request.ReturnGuid!), request.ExpectedRevision, ct: ct);
        if (problem is not null)
        {
            return problem;
        }
        var ret = loaded!.Record;
        if (OrderReturn.Lifecycle.Check(ret.Status, ReturnStatus.Received) is { } refused)
        {
            return refused;
        }
        var given = request.Lines!.ToDictionary(l => l.LineNo!.Value);
        if (!given.Keys.ToHashSet().SetEquals(ret.Lines.Select(l => l.LineNo)))
        {
            return ScmProblems.ReturnLinesMismatch($"Name every line of the return once ({string.Join(", ", ret.Lines.Select(l => l.LineNo))}) with its condition.");
        }
        var received = new List<ReturnLine>();
        foreach (var line in ret.Lines)
        {
            var got = given[line.LineNo];
            var quantity = got.Quantity ?? line.Quantity;
            if (quantity > line.Quantity)
            {
                return ScmProblems.ReturnLinesMismatch($"Line {line.LineNo}: {quantity} received, {line.Quantity} on the return.");
            }
            if (quantity > 0 && line.FacilityCode is null)
            {
                return ScmProblems.UnknownReference("lines.line_no", $"Order line {line.LineNo} has no facility to restock at.");
            }
            received.Add(line with { ReceivedQuantity = quantity, Condition = got.Condition, Note = RequestRules.Trimmed(got.Note) });
        }
        var next = ret with
        {
            Status = ReturnStatus.Received,
            Lines = received,
            InspectionNotes = RequestRules.Trimmed(request.InspectionNotes),
            RefundMode = request.Refund ?? ReturnRefundMode.Auto,
            ReceivedBy = context.RequirePrincipal().Id,
            ReceivedAt = clock.GetUtcNow(),
        };
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            if (await orders.GetAsync(orgcode, ret.OrderGuid, ct: ct) is not { } order)
            {
                return ApiProblem.NotFound("The return's order is gone.");
            }
            var batch = new RecordBatch();
            var staged = returns.Update(batch, orgcode, loaded, next, "status_changed",
            [
                PaymentEvents.Of(ScmEvents.ReturnReceived, orgcode, next, ret.Revision + 1),
                PaymentEvents.Of(ScmEvents.ReturnInspected, orgcode, next, ret.Revision + 1),
            ]);
            orders.Update(batch, orgcode, order, ReturnRules.WithReturned(order.Record, received), "returned");
            var write = await batch.CommitAsync(ct);
            if (write.Succeeded)
            {
                return TypedResults.Ok(staged);
            }
            if (write.Entity == OrderReturn.Type.Entity)
            {
                return write.Problem();
            }
        }
        throw new InvalidOperationException($"order {ret.OrderGuid} kept changing while return {ret.ReturnGuid} was received");
    }

    /// <summary>
    /// An admin's refund of a <c>received</c> return (amount default: what it is worth; never more than captured less
    /// refunded), through <see cref="ReturnRefunds"/> exactly as the saga refunds. A <c>refunding</c> return (a claim the
    /// provider has not confirmed, e.g. after a timeout) is completed when the amount is left out or the same.
    /// </summary>
    public static async Task<Results<Ok<RefundView>, ProblemHttpResult>> Refund(IssueRefundRequest request, RecordStore<OrderReturn> returns,
        ReturnRefunds refunds, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await returns.LoadForChangeAsync(orgcode, PaymentRules.GuidKey(request.ReturnGuid!), request.ExpectedRevision, ct: ct);
        if (problem is not null)
        {
            return problem;
        }
        var ret = loaded!.Record;
        var by = context.RequirePrincipal().Id;
        var pending = ret.Status == ReturnStatus.Refunding && (request.AmountMinor is null || request.AmountMinor == ret.RefundedMinor);
        // A resolved return was refunded: never again.
        if (!pending && await refunds.ClaimAsync(orgcode, loaded, request.AmountMinor ?? ReturnRules.RefundDue(ret), by, ct) is { } refused)
        {
            return refused;
        }
        var result = await refunds.CompleteAsync(orgcode, ret.ReturnGuid, by, ct);
        return result switch
        {
            { End: RefundEnd.Resolved, View: { } view } => TypedResults.Ok(view),
            { End: RefundEnd.TimedOut } => ScmProblems.PaymentProviderTimeout(),
            { End: RefundEnd.Declined } => ScmProblems.PaymentDeclined(result.Reason ?? "declined"),
            _ => ApiProblem.InvalidTransition(Retail.Shared.Json.SnakeCase.Name(ret.Status), "resolved", []),
        };
    }

    public static async Task<Results<Ok<OrderReturn>, ProblemHttpResult>> Get(ReturnKey request, RecordStore<OrderReturn> returns, RequestContext context,
        CancellationToken ct) =>
        await returns.GetAsync(context.RequireOrgcode(), PaymentRules.GuidKey(request.ReturnGuid!), ct: ct) is { } loaded
            ? TypedResults.Ok(loaded.Record)
            : ApiProblem.NotFound("No such return.");

    public static async Task<Ok<Page<OrderReturn>>> List(ReturnListRequest request, RecordStore<OrderReturn> returns, RequestContext context,
        CancellationToken ct)
    {
        var filters = new List<StateFilter>();
        if (request.OrderGuid is { } order)
        {
            filters.Add(StateFilter.Eq("order_guid", PaymentRules.GuidKey(order)));
        }
        if (request.Status is { } status)
        {
            filters.Add(StateFilter.Eq("status", status));
        }
        return TypedResults.Ok(await returns.ListAsync(context.RequireOrgcode(), filters, Paging.LimitOf(request), request.NextToken, ct: ct));
    }
}
