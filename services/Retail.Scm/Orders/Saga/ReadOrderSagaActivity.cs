using Dapr.Workflow;
using Microsoft.Extensions.Options;
using Retail.Scm.Payments;
using Retail.Scm.Policies;

namespace Retail.Scm.Orders.Saga;

/// <summary>
/// Reads where the order stands (<see cref="OrderSagaRules.ViewOf"/>): the order, its channel policy, its returns (a
/// handful, through the order_guid index) and, once nothing is left to ship, the starts of its return window. Writes nothing.
/// </summary>
public sealed class ReadOrderSagaActivity(RecordStore<Order> orders, RecordStore<ChannelPolicy> policies, RecordStore<OrderReturn> returns,
    IShipmentDates dates, IOptions<OrderSagaOptions> options, TimeProvider clock) : WorkflowActivity<OrderToReturnInput, OrderSagaView>
{
    public override async Task<OrderSagaView> RunAsync(WorkflowActivityContext context, OrderToReturnInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var order = (await orders.GetAsync(input.Orgcode, input.OrderGuid))?.Record;
        var policy = order is null ? ChannelPolicy.Default("") : await policies.EffectiveAsync(input.Orgcode, order.ChannelCode, CancellationToken.None);
        IReadOnlyList<OrderReturn> owned = [];
        IReadOnlyDictionary<int, DateTimeOffset>? starts = null;
        if (order is not null && OrderSagaRules.StageOf(order, policy) is OrderSagaStage.Fulfilling or OrderSagaStage.Returns or OrderSagaStage.Closed)
        {
            owned = (await returns.ListAsync(input.Orgcode, [StateFilter.Eq("order_guid", order.OrderGuid)], Paging.MaxLimit)).Items;
            starts = await dates.WindowStartsAsync(input.Orgcode, order, CancellationToken.None);
        }
        return OrderSagaRules.ViewOf(order, policy, starts, owned, clock.GetUtcNow(), options.Value);
    }
}
