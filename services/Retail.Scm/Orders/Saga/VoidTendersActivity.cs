using Dapr.Workflow;
using Microsoft.Extensions.Logging;
using Retail.Scm.Payments;

namespace Retail.Scm.Orders.Saga;

/// <summary>
/// Compensation after the order was cancelled: every <c>captured</c> tender of it (not refunded) voided through the
/// provider (key <see cref="OrderSagaKeys.Void"/>, the same as an admin's void, so the provider voids once), then the
/// tender <c>voided</c> and the order's <c>captured_minor</c> down with <c>tender.voided</c>, in one batch per tender. A
/// tender voided, settled or refunded meanwhile is left as it is. Answers how many it voided now.
/// </summary>
public sealed class VoidTendersActivity(RecordStore<Tender> tenders, RecordStore<Order> orders, PaymentProviders providers, TimeProvider clock,
    ILogger<VoidTendersActivity> logger) : WorkflowActivity<OrderToReturnInput, int>
{
    private const int Attempts = 8;

    public override async Task<int> RunAsync(WorkflowActivityContext context, OrderToReturnInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var org = input.Orgcode;
        var page = await tenders.ListAsync(org, [StateFilter.Eq("order_guid", input.OrderGuid)], Paging.MaxLimit);
        var voided = 0;
        foreach (var listed in page.Items.Where(Voidable))
        {
            var outcome = await providers.Of(listed).VoidAsync(new VoidCommand(org, OrderSagaKeys.Void(listed.TenderGuid), listed.ProviderRef, listed.AmountMinor,
                listed.Currency), CancellationToken.None);
            if (outcome.Kind == PaymentOutcomeKind.Timeout)
            {
                throw new InvalidOperationException($"the payment provider did not answer the void of tender {listed.TenderGuid}; trying again");
            }
            if (outcome.Kind == PaymentOutcomeKind.Declined)
            {
                logger.LogWarning("Order {OrderGuid}: the provider declined to void tender {TenderGuid} ({Reason}); left captured for an admin",
                    input.OrderGuid, listed.TenderGuid, outcome.Reason);
                continue;
            }
            if (await SaveAsync(org, listed.TenderGuid, outcome.ProviderRef!))
            {
                voided++;
            }
        }
        return voided;
    }

    private static bool Voidable(Tender tender) => tender.Status == TenderStatus.Captured && tender.RefundedMinor == 0;

    private async Task<bool> SaveAsync(string org, string tenderGuid, string voidRef)
    {
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var tender = await tenders.GetAsync(org, tenderGuid);
            if (tender is null || !Voidable(tender.Record))
            {
                return false;
            }
            var order = await orders.GetAsync(org, tender.Record.OrderGuid) ?? throw new InvalidOperationException($"tender {tenderGuid}: its order is gone");
            var next = tender.Record with { Status = TenderStatus.Voided, VoidedAt = clock.GetUtcNow(), VoidedBy = ReturnRefunds.SagaActor, VoidRef = voidRef };
            var batch = new RecordBatch();
            tenders.Update(batch, org, tender, next, "status_changed", [PaymentEvents.Of(ScmEvents.TenderVoided, org, next, tender.Record.Revision + 1)]);
            orders.Update(batch, org, order, OrderPayment.Voided(order.Record, tender.Record.AmountMinor), "payment_voided");
            if ((await batch.CommitAsync()).Succeeded)
            {
                return true;
            }
        }
        throw new InvalidOperationException($"tender {tenderGuid} or its order kept changing while the saga voided it");
    }
}
