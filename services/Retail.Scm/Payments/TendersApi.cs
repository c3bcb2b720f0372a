using Microsoft.AspNetCore.Mvc;
using Retail.Scm.Orders;
using Retail.Scm.Policies;
using Retail.Shared;

namespace Retail.Scm.Payments;

/// <summary>
/// Tender through the payment-provider port: capture for a placed order (the tender and the order's captured sum in one
/// transaction), void before settlement, the business day's settlement batch (one per UTC day), get and list.
/// </summary>
public static class TendersApi
{
    /// <summary>Tenders settled per provider call and transaction.</summary>
    public const int SettlePage = 100;

    private const int Attempts = 5;

    public static IEndpointRouteBuilder MapTenders(this IEndpointRouteBuilder routes)
    {
        var tenders = routes.MapGroup("/tender").WithTags("Tenders");
        tenders.MapPost("/capture", Capture).RequireRole(Role.Member).AsWrite()
            .WithSummary("Capture a payment for a placed order through the payment provider, with a tokenised payment method.");
        tenders.MapPost("/void", Void).RequireRole(Role.Admin).AsWrite().WithSummary("Void a captured tender that is not settled yet.");
        tenders.MapPost("/settle", Settle).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Settle a business day's captured tenders in the day's one settlement batch (again: adds what was captured since).");
        tenders.MapPost("/get", Get).RequireRole(Role.Viewer).WithSummary("Read a tender by tender_guid.");
        tenders.MapPost("/list", List).RequireRole(Role.Viewer).WithSummary("List tenders by order, status or business day.");
        return routes;
    }

    public static async Task<Results<Created<Tender>, ProblemHttpResult>> Capture(CaptureTenderRequest request,
        [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, RecordStore<Tender> tenders, RecordStore<Order> orders,
        RecordStore<ChannelPolicy> policies, PaymentProviders providers, RequestContext context, TimeProvider clock, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        if (CardNumbers.AnyIn(request.PaymentMethodToken, request.PaymentMethodGuid))
        {
            return ScmProblems.RawCardDataRefused();
        }
        var orderGuid = PaymentRules.GuidKey(request.OrderGuid!);
        if (await orders.GetAsync(orgcode, orderGuid, ct: ct) is not { } loaded)
        {
            return ScmProblems.UnknownReference("order_guid", $"No order {orderGuid} in this org.");
        }
        var order = loaded.Record;
        if (order.Status is OrderStatus.Created or OrderStatus.Cancelled)
        {
            return ScmProblems.OrderNotPayable(Retail.Shared.Json.SnakeCase.Name(order.Status));
        }
        var policy = await policies.EffectiveAsync(orgcode, order.ChannelCode, ct);
        var kind = Codes.Normalize(request.TenderKind ?? "card");
        if (!policy.AcceptedTenders.Contains(kind, StringComparer.Ordinal))
        {
            return ScmProblems.TenderNotAccepted(kind, policy.AcceptedTenders);
        }
        var provider = providers.ForKind(kind);
        var amount = request.AmountMinor ?? OrderPayment.Due(order);
        if (amount <= 0 || amount > OrderPayment.Due(order))
        {
            return ScmProblems.AmountExceedsDue(amount, OrderPayment.Due(order));
        }
        var tenderGuid = Ids.New();
        // A retry of the same request (same Idempotency-Key) after a timeout reaches the provider with the same key.
        var providerKey = idempotencyKey is null ? tenderGuid : $"{orderGuid}:capture:{idempotencyKey}";
        var token = request.PaymentMethodToken!.Trim();
        var outcome = await provider.CaptureAsync(new CaptureCommand(orgcode, providerKey, token, amount, order.Currency, order.OrderNumber), ct);
        if (outcome.Kind == PaymentOutcomeKind.Declined)
        {
            return ScmProblems.PaymentDeclined(outcome.Reason!);
        }
        if (outcome.Kind == PaymentOutcomeKind.Timeout)
        {
            return ScmProblems.PaymentProviderTimeout();
        }
        var now = clock.GetUtcNow();
        var tender = new Tender
        {
            TenderGuid = tenderGuid,
            OrderGuid = orderGuid,
            OrderNumber = order.OrderNumber,
            ChannelCode = order.ChannelCode,
            Kind = kind,
            PaymentMethodToken = outcome.MethodRef ?? token,
            PaymentMethodGuid = RequestRules.Trimmed(request.PaymentMethodGuid),
            Provider = provider.Name,
            ProviderRef = outcome.ProviderRef!,
            ProviderKey = providerKey,
            AmountMinor = amount,
            Currency = order.Currency,
            CapturedAt = now,
            BusinessDay = Tender.DayOf(now),
            CapturedBy = context.RequirePrincipal().Id,
        };
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var batch = new RecordBatch();
            var staged = tenders.Create(batch, orgcode, tender, [PaymentEvents.Of(ScmEvents.TenderCaptured, orgcode, tender, 1)]);
            orders.Update(batch, orgcode, loaded, OrderPayment.Captured(loaded.Record, amount), "payment_captured");
            if ((await batch.CommitAsync(ct)).Succeeded)
            {
                return TypedResults.Created((string?)null, staged);
            }
            // The order changed since it was read (another capture, a shipment): decide again on the newest.
            loaded = await orders.GetAsync(orgcode, orderGuid, ct: ct);
            if (loaded is null || amount > OrderPayment.Due(loaded.Record))
            {
                await provider.VoidAsync(new VoidCommand(orgcode, $"{providerKey}:void", tender.ProviderRef, amount, tender.Currency), ct);
                return loaded is null
                    ? ScmProblems.UnknownReference("order_guid", $"No order {orderGuid} in this org.")
                    : ScmProblems.AmountExceedsDue(amount, OrderPayment.Due(loaded.Record));
            }
        }
        throw new InvalidOperationException($"order {orderGuid} kept changing while tender {tenderGuid} was recorded");
    }

    public static async Task<Results<Ok<Tender>, ProblemHttpResult>> Void(VoidTenderRequest request, RecordStore<Tender> tenders,
        RecordStore<Order> orders, PaymentProviders providers, RequestContext context, TimeProvider clock, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await tenders.LoadForChangeAsync(orgcode, PaymentRules.GuidKey(request.TenderGuid!), request.ExpectedRevision, ct: ct);
        if (problem is not null)
        {
            return problem;
        }
        var tender = loaded!.Record;
        if (tender.Status == TenderStatus.Settled)
        {
            return ScmProblems.TenderSettled(tender.SettlementBatchGuid!);
        }
        if (Tender.Lifecycle.Check(tender.Status, TenderStatus.Voided) is { } refused)
        {
            return refused;
        }
        if (tender.RefundedMinor > 0)
        {
            return ScmProblems.TenderRefunded(tender.RefundedMinor);
        }
        var outcome = await providers.Of(tender).VoidAsync(new VoidCommand(orgcode, $"{tender.TenderGuid}:void", tender.ProviderRef, tender.AmountMinor, tender.Currency), ct);
        if (outcome.Kind == PaymentOutcomeKind.Timeout)
        {
            return ScmProblems.PaymentProviderTimeout();
        }
        if (outcome.Kind == PaymentOutcomeKind.Declined)
        {
            return ScmProblems.PaymentDeclined(outcome.Reason!);
        }
        var next = tender with { Status = TenderStatus.Voided, VoidedAt = clock.GetUtcNow(), VoidedBy = context.RequirePrincipal().Id, VoidRef = outcome.ProviderRef };
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            if (await orders.GetAsync(orgcode, tender.OrderGuid, ct: ct) is not { } order)
            {
                return ApiProblem.NotFound("The tender's order is gone.");
            }
            var batch = new RecordBatch();
            var staged = tenders.Update(batch, orgcode, loaded, next, "status_changed",
                [PaymentEvents.Of(ScmEvents.TenderVoided, orgcode, next, tender.Revision + 1)]);
            orders.Update(batch, orgcode, order, OrderPayment.Voided(order.Record, tender.AmountMinor), "payment_voided");
            var write = await batch.CommitAsync(ct);
            if (write.Succeeded)
            {
                return TypedResults.Ok(staged);
            }
            if (write.Entity == Tender.Type.Entity)
            {
                return write.Problem();
            }
        }
        throw new InvalidOperationException($"order {tender.OrderGuid} kept changing while tender {tender.TenderGuid} was voided");
    }

    /// <summary>
    /// The day's one batch (found by its business day, else made): every captured tender of the day is settled into it,
    /// a page at a time (one provider call and one transaction per page). Settling the same day again settles only what
    /// was captured since and answers the same batch.
    /// </summary>
    public static async Task<Results<Ok<SettlementBatchView>, ProblemHttpResult>> Settle(SettleTendersRequest request, RecordStore<Tender> tenders,
        RecordStore<SettlementBatch> batches, IPaymentProvider provider, RequestContext context, TimeProvider clock, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var now = clock.GetUtcNow();
        var day = request.BusinessDay is { } d ? d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) : Tender.DayOf(now);
        var settledNow = 0;
        var conflicts = 0;
        while (true)
        {
            var existing = await batches.FindAsync(orgcode, "business_day", day, ct);
            var page = await tenders.ListAsync(orgcode, [StateFilter.Eq("status", TenderStatus.Captured), StateFilter.Eq("business_day", day)],
                SettlePage, ct: ct);
            if (page.Items.Count == 0 && existing is not null)
            {
                return TypedResults.Ok(new SettlementBatchView(existing.Record, settledNow));
            }
            var current = existing?.Record ?? new SettlementBatch
            {
                BatchGuid = Ids.New(),
                BusinessDay = day,
                Provider = provider.Name,
                SettledBy = context.RequirePrincipal().Id,
            };
            var loaded = await tenders.LoadManyAsync(orgcode, page.Items.Select(t => t.TenderGuid).ToList(), ct);
            var due = loaded.Values.Where(t => t.Record.Status == TenderStatus.Captured).OrderBy(t => t.Record.TenderGuid, StringComparer.Ordinal).ToList();
            var next = current;
            // Gift-card tenders are final at CRM: they join the batch without a call to the payment provider.
            var atProvider = due.Where(t => t.Record.Provider != GiftCardTenderProvider.ProviderName).ToList();
            if (due.Count > 0)
            {
                var outcome = atProvider.Count == 0 ? null : await provider.SettleAsync(new SettleCommand(orgcode,
                    $"{current.BatchGuid}:{atProvider[0].Record.TenderGuid}:{atProvider.Count}", current.BatchGuid, day,
                    atProvider.Select(t => t.Record.ProviderRef).ToList(), atProvider.Sum(t => t.Record.AmountMinor)), ct);
                if (outcome?.Kind == PaymentOutcomeKind.Timeout)
                {
                    return ScmProblems.PaymentProviderTimeout();
                }
                if (outcome?.Kind == PaymentOutcomeKind.Declined)
                {
                    return ScmProblems.PaymentDeclined(outcome.Reason!);
                }
                var sums = new Dictionary<string, long>(current.AmountByCurrency, StringComparer.Ordinal);
                foreach (var t in due)
                {
                    sums[t.Record.Currency] = sums.GetValueOrDefault(t.Record.Currency) + t.Record.AmountMinor;
                }
                next = current with
                {
                    TenderCount = current.TenderCount + due.Count,
                    AmountByCurrency = sums,
                    ProviderRefs = outcome is null ? current.ProviderRefs : [.. current.ProviderRefs, outcome.ProviderRef!],
                };
            }
            var batch = new RecordBatch();
            if (existing is null)
            {
                batches.Create(batch, orgcode, next);
            }
            else if (due.Count > 0)
            {
                batches.Update(batch, orgcode, existing, next, "tenders_settled");
            }
            foreach (var t in due)
            {
                var settled = t.Record with { Status = TenderStatus.Settled, SettlementBatchGuid = next.BatchGuid, SettledAt = now };
                tenders.Update(batch, orgcode, t, settled, "status_changed", [PaymentEvents.Of(ScmEvents.TenderSettled, orgcode, settled, t.Record.Revision + 1)]);
            }
            var write = await batch.CommitAsync(ct);
            if (write.Succeeded)
            {
                settledNow += due.Count;
                continue;
            }
            // A void, or another settle of the same day, got there first: read again.
            if (++conflicts >= Attempts)
            {
                return write.Problem();
            }
        }
    }

    public static async Task<Results<Ok<Tender>, ProblemHttpResult>> Get(TenderKey request, RecordStore<Tender> tenders, RequestContext context,
        CancellationToken ct) =>
        await tenders.GetAsync(context.RequireOrgcode(), PaymentRules.GuidKey(request.TenderGuid!), ct: ct) is { } loaded
            ? TypedResults.Ok(loaded.Record)
            : ApiProblem.NotFound("No such tender.");

    public static async Task<Ok<Page<Tender>>> List(TenderListRequest request, RecordStore<Tender> tenders, RequestContext context, CancellationToken ct)
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
        if (request.BusinessDay is { } day)
        {
            filters.Add(StateFilter.Eq("business_day", day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)));
        }
        return TypedResults.Ok(await tenders.ListAsync(context.RequireOrgcode(), filters, Paging.LimitOf(request), request.NextToken, ct: ct));
    }
}
