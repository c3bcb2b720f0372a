using Dapr.Workflow;

namespace Retail.Scm.Orders.Saga;

/// <summary>
/// The end of the saga: the return window closed with every return settled, so a <c>fulfilled</c> order is <c>closed</c>
/// (<c>closed_at</c>, <c>order.closed</c>) in one write. Any other status is left as it is.
/// </summary>
public sealed class CloseOrderActivity(RecordStore<Order> orders, TimeProvider clock) : WorkflowActivity<OrderToReturnInput, string>
{
    private const int Attempts = 8;

    public override async Task<string> RunAsync(WorkflowActivityContext context, OrderToReturnInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var loaded = await orders.GetAsync(input.Orgcode, input.OrderGuid);
            if (loaded is null || loaded.Record.Status != OrderStatus.Fulfilled)
            {
                return loaded is null ? "missing" : Retail.Shared.Json.SnakeCase.Name(loaded.Record.Status);
            }
            var next = loaded.Record with
            {
                Status = OrderStatus.Closed,
                ClosedAt = clock.GetUtcNow(),
                StatusReason = "return_window_closed",
                Revision = loaded.Record.Revision + 1,
            };
            if ((await orders.UpdateAsync(input.Orgcode, loaded, next, "status_changed",
                    [OrderEvents.Changed(ScmEvents.OrderClosed, input.Orgcode, next)])).Succeeded)
            {
                return "closed";
            }
        }
        throw new InvalidOperationException($"order {input.OrderGuid} kept changing while the saga closed it");
    }
}
