using Retail.Scm.Orders;
using Retail.Scm.Policies;
using Retail.Scm.Sources;
using Retail.Shared.Invocation;

namespace Retail.Scm.Payments;

/// <summary>
/// Returns (UC-SCM-003): request within the channel's return window for quantities shipped and not yet returned →
/// receive (restock to ICS <c>available</c>, or <c>damaged</c> after inspection) → refund to the original tenders through
/// the payment provider, never more than captured less refunded.
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
            ReturnGuid = Guid.CreateVersion7().ToString(),
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

    public static async Task<Results<Ok<OrderReturn>, ProblemHttpResult>> Receive(ReceiveReturnRequest request, RecordStore<OrderReturn> returns,
        RecordStore<Order> orders, ScmSources sources, RequestContext context, TimeProvider clock, CancellationToken ct)
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
            received.Add(line with { ReceivedQuantity = quantity, Condition = got.Condition, Note = RequestRules.Trimmed(got.Note) });
        }
        if (await RestockAsync(sources, orgcode, ret.ReturnGuid, received, ct) is { } icsRefused)
        {
            return icsRefused;
        }
        var next = ret with
        {
            Status = ReturnStatus.Received,
            Lines = received,
            InspectionNotes = RequestRules.Trimmed(request.InspectionNotes),
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
    /// The goods back in ICS, per facility: resellable units received into <c>available</c>; damaged ones received into
    /// <c>qc_hold</c> and failed at once into <c>damaged</c>. Each call carries a key of this return, so a retry restocks once.
    /// </summary>
    private static async Task<ProblemHttpResult?> RestockAsync(ScmSources sources, string orgcode, string returnGuid, IReadOnlyList<ReturnLine> lines,
        CancellationToken ct)
    {
        var reference = new { kind = "return", id = returnGuid };
        foreach (var facility in lines.Where(l => l.ReceivedQuantity > 0).GroupBy(l => l.FacilityCode))
        {
            if (facility.Key is null)
            {
                return ScmProblems.UnknownReference("lines.line_no", "An order line of the return has no facility to restock at.");
            }
            try
            {
                foreach (var condition in new[] { ReturnCondition.Resellable, ReturnCondition.Damaged })
                {
                    var byVariant = facility.Where(l => l.Condition == condition).GroupBy(l => l.VariantGuid)
                        .Select(g => (Variant: g.Key, Quantity: g.Sum(l => l.ReceivedQuantity!.Value))).ToList();
                    if (byVariant.Count == 0)
                    {
                        continue;
                    }
                    var state = condition == ReturnCondition.Resellable ? "available" : "qc_hold";
                    var receipt = await sources.IcsAsync<IcsReceipt>(orgcode, "/receive/record", new
                    {
                        facility_code = facility.Key,
                        reference,
                        lines = byVariant.Select(v => new { variant_guid = v.Variant, quantity = v.Quantity, state }).ToList(),
                    }, $"{returnGuid}:receive:{facility.Key}:{state}", ct);
                    if (condition == ReturnCondition.Damaged)
                    {
                        await sources.IcsAsync<IcsReceipt>(orgcode, "/qc/complete", new
                        {
                            receipt_guid = receipt.ReceiptGuid,
                            expected_revision = 1,
                            lines = byVariant.Select(v => new { variant_guid = v.Variant, passed = 0, failed = v.Quantity }).ToList(),
                        }, $"{returnGuid}:qc:{facility.Key}", ct);
                    }
                }
            }
            catch (ServiceRefusedException refused)
            {
                return ApiProblem.Business(refused.Code, "ICS refused the restock.", refused.Detail);
            }
        }
        return null;
    }

    public static async Task<Results<Ok<RefundView>, ProblemHttpResult>> Refund(IssueRefundRequest request, RecordStore<OrderReturn> returns,
        RecordStore<Order> orders, RecordStore<Tender> tenders, PaymentProviders providers, RequestContext context, TimeProvider clock,
        CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await returns.LoadForChangeAsync(orgcode, PaymentRules.GuidKey(request.ReturnGuid!), request.ExpectedRevision, ct: ct);
        if (problem is not null)
        {
            return problem;
        }
        var ret = loaded!.Record;
        // A resolved return was refunded: never again.
        if (OrderReturn.Lifecycle.Check(ret.Status, ReturnStatus.Resolved) is { } refused)
        {
            return refused;
        }
        var amount = request.AmountMinor ?? ReturnRules.RefundDue(ret);
        var refundGuid = Guid.CreateVersion7().ToString();
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            if (await orders.GetAsync(orgcode, ret.OrderGuid, ct: ct) is not { } order)
            {
                return ApiProblem.NotFound("The return's order is gone.");
            }
            if (amount > OrderPayment.Refundable(order.Record))
            {
                return ScmProblems.RefundExceedsCaptured(amount, OrderPayment.Refundable(order.Record));
            }
            // An order's tenders: a handful, read through the order_guid index.
            var page = await tenders.ListAsync(orgcode, [StateFilter.Eq("order_guid", ret.OrderGuid)], Paging.MaxLimit, ct: ct);
            var current = await tenders.LoadManyAsync(orgcode, page.Items.Select(t => t.TenderGuid).ToList(), ct);
            if (ReturnRules.Allocate(current.Values.Select(t => t.Record), amount) is not { } allocation)
            {
                return ScmProblems.RefundExceedsCaptured(amount, current.Values.Sum(t => t.Record.Refundable));
            }
            var parts = new List<RefundPart>();
            foreach (var (tender, part) in allocation)
            {
                // Keyed by return and tender: a retry (or a second attempt here) refunds each tender once at the provider.
                var outcome = await providers.Of(tender).RefundAsync(new RefundCommand(orgcode, $"{ret.ReturnGuid}:refund:{tender.TenderGuid}", tender.ProviderRef, part,
                    tender.Currency), ct);
                if (outcome.Kind == PaymentOutcomeKind.Timeout)
                {
                    return ScmProblems.PaymentProviderTimeout();
                }
                if (outcome.Kind == PaymentOutcomeKind.Declined)
                {
                    return ScmProblems.PaymentDeclined(outcome.Reason!);
                }
                parts.Add(new RefundPart(tender.TenderGuid, part, outcome.ProviderRef!));
            }
            var now = clock.GetUtcNow();
            var next = ret with
            {
                Status = ReturnStatus.Resolved,
                RefundGuid = refundGuid,
                RefundedMinor = amount,
                Refunds = parts,
                ResolvedBy = context.RequirePrincipal().Id,
                ResolvedAt = now,
            };
            var paid = OrderPayment.Refunded(order.Record, amount);
            var batch = new RecordBatch();
            var staged = returns.Update(batch, orgcode, loaded, next, "status_changed",
            [
                new DomainEvent(ScmEvents.Refund, new RefundIssued(orgcode, refundGuid, ret.OrderGuid, ret.OrderNumber, ret.ReturnGuid, amount, ret.Currency,
                    parts, paid.RefundedMinor), $"order/{ret.OrderGuid}"),
                PaymentEvents.Of(ScmEvents.ReturnResolved, orgcode, next, ret.Revision + 1),
            ]);
            foreach (var (tender, part) in allocation)
            {
                tenders.Update(batch, orgcode, current[tender.TenderGuid], tender with { RefundedMinor = tender.RefundedMinor + part }, "refunded");
            }
            var written = orders.Update(batch, orgcode, order, paid, "payment_refunded");
            var write = await batch.CommitAsync(ct);
            if (write.Succeeded)
            {
                return TypedResults.Ok(new RefundView(refundGuid, amount, ret.Currency, parts, staged, written.CapturedMinor, written.RefundedMinor,
                    written.PaymentStatus));
            }
            if (write.Entity == OrderReturn.Type.Entity)
            {
                return write.Problem();
            }
        }
        throw new InvalidOperationException($"order {ret.OrderGuid} kept changing while return {ret.ReturnGuid} was refunded");
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

    private sealed record IcsReceipt(string ReceiptGuid, long Revision);
}
