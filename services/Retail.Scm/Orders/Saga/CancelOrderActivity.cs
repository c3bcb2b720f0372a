using Dapr.Workflow;
using Retail.Scm.Payments;
using Retail.Scm.Sources;
using Retail.Shared.Invocation;

namespace Retail.Scm.Orders.Saga;

/// <summary>
/// Compensation: every hold of the order released in ONE ICS call (<c>skip_ended</c>, key <see cref="OrderSagaKeys.Release"/>:
/// a hold that expired counts as released, and a repeated attempt is replayed), then the order <c>cancelled</c> with the
/// saga's reason, its open lines cancelled and <c>order.cancelled</c>, in one write. An order cancelled before, or one that
/// has shipped, is left as it is; for the capture timeout, so is an order captured meanwhile (<see cref="Paid"/>).
/// </summary>
public sealed class CancelOrderActivity(RecordStore<Order> orders, ScmSources sources, TimeProvider clock) : WorkflowActivity<CancelOrderInput, string>
{
    public const string Cancelled = "cancelled";
    public const string Paid = "paid";
    public const string NotCancellable = "not_cancellable";

    private const int Attempts = 8;

    public override async Task<string> RunAsync(WorkflowActivityContext context, CancelOrderInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var org = input.Orgcode;
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var loaded = await orders.GetAsync(org, input.OrderGuid);
            if (loaded is null)
            {
                return NotCancellable;
            }
            var order = loaded.Record;
            if (order.Status == OrderStatus.Cancelled)
            {
                return Cancelled;
            }
            if (input.OnlyIfUnpaid && OrderPayment.Due(order) == 0)
            {
                return Paid;
            }
            if (Order.Lifecycle.Check(order.Status, OrderStatus.Cancelled) is not null || order.Lines.Any(l => l.Shipped > 0))
            {
                return NotCancellable;
            }
            var held = OrderRules.Held(order);
            if (held.Count > 0)
            {
                try
                {
                    await sources.IcsAsync<IcsHoldBatch>(org, "/hold/batch/release", new
                    {
                        holds = held.Select(l => new { hold_guid = l.Hold!.HoldGuid, expected_revision = l.Hold.Revision }).ToList(),
                        reason = input.Reason,
                        skip_ended = true,
                    }, OrderSagaKeys.Release(order.OrderGuid, held), CancellationToken.None);
                }
                catch (ServiceRefusedException refused) when (refused.Code == ProblemCodes.RevisionMismatch)
                {
                    continue; // a hold changed with an SCM step whose save is on its way: read the order again
                }
            }
            var lines = order.Lines.Select(l => l.Status == OrderLineStatus.Cancelled ? l
                : l with { Status = OrderLineStatus.Cancelled, CancelledQuantity = l.Quantity - l.Shipped, Hold = null }).ToList();
            var next = order with
            {
                Status = OrderStatus.Cancelled,
                StatusReason = input.Reason,
                CancelledAt = clock.GetUtcNow(),
                Lines = lines,
                Totals = OrderRules.TotalsOf(OrderRules.Billable(lines), order.TaxInclusive),
                Revision = order.Revision + 1,
            };
            if ((await orders.UpdateAsync(org, loaded, next, "status_changed", [OrderEvents.Changed(ScmEvents.OrderCancelled, org, next)])).Succeeded)
            {
                return Cancelled;
            }
        }
        throw new InvalidOperationException($"order {input.OrderGuid} kept changing while the saga cancelled it");
    }
}
