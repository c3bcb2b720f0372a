using Retail.Scm.Orders;
using Retail.Shared;

namespace Retail.Scm.Payments;

/// <summary>How a refund ended at the provider: resolved (every part approved), declined (some part refused), or no answer.</summary>
public enum RefundEnd
{
    Resolved,
    Declined,
    TimedOut,
}

/// <param name="View">The refund as committed (resolved, or declined with the parts that were approved).</param>
public sealed record RefundResult(RefundEnd End, RefundView? View, string? Reason = null);

/// <summary>
/// A return's refund in two writes, the same for an admin (<c>/refund/issue</c>) and the order's saga: the CLAIM (return
/// <c>received → refunding</c> with its parts per tender, each tender's <c>refunded_minor</c>, the order's
/// <c>refunded_minor</c> and payment status, in ONE ETag-checked batch, so every refund from whichever path counts against
/// the same captured-minus-refunded guard), then the provider (each part keyed <c>scm-refund:{refund_guid}:{tender_guid}</c>,
/// so a call repeated after a crash or by the other path is one refund), then the RESOLVE (<c>resolved</c>, the provider's
/// references, <c>adjustment.refund</c> + <c>return.resolved</c>). A declined part gives back what was not refunded in one
/// batch: the return is resolved with what the provider approved, or back to <c>received</c> for an admin when nothing was.
/// </summary>
public sealed class ReturnRefunds(RecordStore<OrderReturn> returns, RecordStore<Order> orders, RecordStore<Tender> tenders, PaymentProviders providers,
    TimeProvider clock)
{
    public const string SagaActor = "service:scm";

    private const int Attempts = 8;

    public static string ProviderKey(string refundGuid, string tenderGuid) => $"scm-refund:{refundGuid}:{tenderGuid}";

    /// <summary>
    /// Claims <paramref name="amount"/> for a <c>received</c> return (null: what the return is worth, capped at what the
    /// order can still refund — the saga's refund; a given amount above that is 422 <c>refund_exceeds_captured</c>).
    /// </summary>
    public async Task<ProblemHttpResult?> ClaimAsync(string orgcode, Loaded<OrderReturn> loaded, long? amount, string by, CancellationToken ct)
    {
        var current = loaded;
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var ret = current.Record;
            if (OrderReturn.Lifecycle.Check(ret.Status, ReturnStatus.Refunding) is { } refused)
            {
                return refused;
            }
            if (await orders.GetAsync(orgcode, ret.OrderGuid, ct: ct) is not { } order)
            {
                return ApiProblem.NotFound("The return's order is gone.");
            }
            var refundable = OrderPayment.Refundable(order.Record);
            // An order's tenders: a handful, read through the order_guid index.
            var page = await tenders.ListAsync(orgcode, [StateFilter.Eq("order_guid", ret.OrderGuid)], Paging.MaxLimit, ct: ct);
            var owned = await tenders.LoadManyAsync(orgcode, page.Items.Select(t => t.TenderGuid).ToList(), ct);
            var onTenders = owned.Values.Sum(t => t.Record.Refundable);
            var claim = amount ?? Math.Min(ReturnRules.RefundDue(ret), Math.Min(refundable, onTenders));
            if (claim > refundable)
            {
                return ScmProblems.RefundExceedsCaptured(claim, refundable);
            }
            if (ReturnRules.Allocate(owned.Values.Select(t => t.Record), claim) is not { } allocation)
            {
                return ScmProblems.RefundExceedsCaptured(claim, onTenders);
            }
            var next = ret with
            {
                Status = ReturnStatus.Refunding,
                RefundGuid = Ids.New(),
                RefundedMinor = claim,
                Refunds = allocation.Select(p => new RefundPart(p.Tender.TenderGuid, p.Amount, null)).ToList(),
                RefundClaimedBy = by,
                RefundClaimedAt = clock.GetUtcNow(),
                RefundFailure = null,
            };
            var batch = new RecordBatch();
            returns.Update(batch, orgcode, current, next, "status_changed");
            foreach (var (tender, part) in allocation)
            {
                tenders.Update(batch, orgcode, owned[tender.TenderGuid], tender with { RefundedMinor = tender.RefundedMinor + part }, "refund_claimed");
            }
            orders.Update(batch, orgcode, order, OrderPayment.Refunded(order.Record, claim), "refund_claimed");
            var write = await batch.CommitAsync(ct);
            if (write.Succeeded)
            {
                return null;
            }
            // Someone else changed the return (the other path claimed it), the order or a tender: decide again on the newest.
            if (await returns.GetAsync(orgcode, ret.ReturnGuid, ct: ct) is not { } fresh)
            {
                return ApiProblem.NotFound("No such return.");
            }
            current = fresh;
        }
        throw new InvalidOperationException($"return {loaded.Record.ReturnGuid}: its order kept changing while its refund was claimed");
    }

    /// <summary>
    /// Asks the provider for every part of a <c>refunding</c> return's claim and resolves it. A resolved return answers
    /// its refund again (nothing is refunded twice); a return in neither status is null.
    /// </summary>
    public async Task<RefundResult?> CompleteAsync(string orgcode, string returnGuid, string by, CancellationToken ct)
    {
        if (await returns.GetAsync(orgcode, returnGuid, ct: ct) is not { } loaded)
        {
            return null;
        }
        var ret = loaded.Record;
        if (ret.Status == ReturnStatus.Resolved)
        {
            return new RefundResult(RefundEnd.Resolved, await ViewAsync(orgcode, ret, ct));
        }
        if (ret.Status != ReturnStatus.Refunding)
        {
            return null;
        }
        var approved = new List<RefundPart>();
        string? declined = null;
        foreach (var part in ret.Refunds)
        {
            var tender = (await tenders.GetAsync(orgcode, part.TenderGuid, ct: ct))?.Record
                ?? throw new InvalidOperationException($"return {returnGuid}: tender {part.TenderGuid} is gone");
            var outcome = part.AmountMinor == 0 ? PaymentOutcome.Approved("none")
                : await providers.Of(tender).RefundAsync(new RefundCommand(orgcode, ProviderKey(ret.RefundGuid!, part.TenderGuid), tender.ProviderRef, part.AmountMinor,
                    tender.Currency), ct);
            if (outcome.Kind == PaymentOutcomeKind.Timeout)
            {
                return new RefundResult(RefundEnd.TimedOut, null);
            }
            if (outcome.Kind == PaymentOutcomeKind.Declined)
            {
                declined = outcome.Reason;
                break;
            }
            approved.Add(part with { ProviderRef = outcome.ProviderRef });
        }
        return await ResolveAsync(orgcode, returnGuid, approved, declined, by, ct);
    }

    /// <summary>
    /// The claim settled: the return resolved with the approved parts (events), or back to <c>received</c> when none was;
    /// what was claimed and not approved is given back on the tenders and the order in the same batch.
    /// </summary>
    private async Task<RefundResult> ResolveAsync(string orgcode, string returnGuid, IReadOnlyList<RefundPart> approved, string? declined, string by,
        CancellationToken ct)
    {
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var loaded = await returns.GetAsync(orgcode, returnGuid, ct: ct)
                ?? throw new InvalidOperationException($"return {returnGuid} is gone");
            var ret = loaded.Record;
            if (ret.Status == ReturnStatus.Resolved)
            {
                return new RefundResult(RefundEnd.Resolved, await ViewAsync(orgcode, ret, ct));
            }
            if (ret.Status != ReturnStatus.Refunding)
            {
                return new RefundResult(RefundEnd.Declined, null, ret.RefundFailure ?? declined);
            }
            var order = await orders.GetAsync(orgcode, ret.OrderGuid, ct: ct)
                ?? throw new InvalidOperationException($"return {returnGuid}: its order is gone");
            var refunded = approved.Sum(p => p.AmountMinor);
            var givenBack = ret.Refunds.Select(p => (p.TenderGuid, Back: p.AmountMinor - approved.Where(a => a.TenderGuid == p.TenderGuid).Sum(a => a.AmountMinor)))
                .Where(p => p.Back > 0).ToList();
            var nothing = declined is not null && approved.Count == 0;
            var now = clock.GetUtcNow();
            var next = nothing
                ? ret with
                {
                    Status = ReturnStatus.Received,
                    RefundGuid = null,
                    RefundedMinor = 0,
                    Refunds = [],
                    RefundMode = ReturnRefundMode.Manual,
                    RefundFailure = declined,
                }
                : ret with
                {
                    Status = ReturnStatus.Resolved,
                    RefundedMinor = refunded,
                    Refunds = approved,
                    RefundFailure = declined,
                    ResolvedBy = by,
                    ResolvedAt = now,
                };
            var paid = givenBack.Count == 0 ? order.Record : OrderPayment.Refunded(order.Record, -givenBack.Sum(p => p.Back));
            var batch = new RecordBatch();
            returns.Update(batch, orgcode, loaded, next, "status_changed", nothing ? null :
            [
                new DomainEvent(ScmEvents.Refund, new RefundIssued(orgcode, ret.RefundGuid!, ret.OrderGuid, ret.OrderNumber, ret.ReturnGuid, refunded,
                    ret.Currency, approved, paid.RefundedMinor), $"order/{ret.OrderGuid}"),
                PaymentEvents.Of(ScmEvents.ReturnResolved, orgcode, next, ret.Revision + 1),
            ]);
            foreach (var (tenderGuid, back) in givenBack)
            {
                var tender = await tenders.GetAsync(orgcode, tenderGuid, ct: ct)
                    ?? throw new InvalidOperationException($"return {returnGuid}: tender {tenderGuid} is gone");
                tenders.Update(batch, orgcode, tender, tender.Record with { RefundedMinor = Math.Max(0, tender.Record.RefundedMinor - back) }, "refund_declined");
            }
            if (givenBack.Count > 0)
            {
                orders.Update(batch, orgcode, order, paid, "refund_declined");
            }
            if ((await batch.CommitAsync(ct)).Succeeded)
            {
                return nothing
                    ? new RefundResult(RefundEnd.Declined, null, declined)
                    : new RefundResult(declined is null ? RefundEnd.Resolved : RefundEnd.Declined, await ViewAsync(orgcode, next, ct), declined);
            }
        }
        throw new InvalidOperationException($"return {returnGuid}: its order kept changing while its refund was resolved");
    }

    private async Task<RefundView> ViewAsync(string orgcode, OrderReturn ret, CancellationToken ct)
    {
        var stored = (await returns.GetAsync(orgcode, ret.ReturnGuid, ct: ct))?.Record ?? ret;
        var order = (await orders.GetAsync(orgcode, ret.OrderGuid, ct: ct))?.Record;
        return new RefundView(stored.RefundGuid ?? "", stored.RefundedMinor, stored.Currency, stored.Refunds, stored, order?.CapturedMinor ?? 0,
            order?.RefundedMinor ?? 0, order?.PaymentStatus ?? PaymentStatus.None);
    }
}
