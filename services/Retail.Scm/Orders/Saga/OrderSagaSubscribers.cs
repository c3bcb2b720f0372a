using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Retail.Shared.Events;
using Retail.Shared.Hosting;
using Retail.Shared.Json;
using Retail.Workflows.Scheduling;

namespace Retail.Scm.Orders.Saga;

/// <summary>The part of SCM's events the saga reads: every event it listens to names the order.</summary>
public sealed record OrderSagaEvent(string? OrderGuid);

/// <summary>
/// SCM's own events (committed with their change, delivered at least once) drive the order's saga: order.placed starts
/// it (not the /order/place handler, whose hot path stays one ICS call and one commit; a second start is a duplicate the
/// scheduler refuses); the steps people and clients take — tender.captured, order.cancelled, order.fulfilled,
/// fulfillment.delivered, return.requested, return.received — raise <see cref="OrderToReturnWorkflow.Signal"/> to it. A
/// signal is a nudge, not a message: the saga reads the order when it wakes, and also wakes by itself. return.received
/// also starts the saga of an order that has none running (placed before sagas, or whose saga ended), so every received
/// return is restocked and refunded.
/// </summary>
public static class OrderSagaSubscribers
{
    public static readonly IReadOnlyList<string> SignalTopics =
    [
        ScmEvents.TenderCaptured, ScmEvents.OrderCancelled, ScmEvents.OrderFulfilled, ScmEvents.Delivered, ScmEvents.ReturnRequested,
    ];

    public static IEndpointRouteBuilder MapOrderSagaSubscribers(this IEndpointRouteBuilder routes)
    {
        var pubSub = routes.ServiceProvider.GetRequiredService<IOptions<RetailOptions>>().Value.PubSubName;
        routes.MapPost("/events/order-placed", OnOrderPlaced).WithTopic(pubSub, ScmEvents.OrderPlaced).RequireInternal().ExcludeFromDescription();
        routes.MapPost("/events/return-received", OnReturnReceived).WithTopic(pubSub, ScmEvents.ReturnReceived).RequireInternal().ExcludeFromDescription();
        var signals = routes.MapPost("/events/order-saga-signal", OnSignal).RequireInternal().ExcludeFromDescription();
        foreach (var topic in SignalTopics)
        {
            signals.WithTopic(pubSub, topic);
        }
        return routes;
    }

    /// <summary>A start that fails here throws, so the delivery fails and the event comes again (at least once).</summary>
    public static async Task<Results<Ok, BadRequest>> OnOrderPlaced(HttpContext http, RecordStore<Order> orders, IWorkflowScheduler scheduler,
        CancellationToken ct)
    {
        var (orgcode, placed) = await OrgEventBody.ReadAsync<OrderSagaEvent>(http, ct);
        if (orgcode is null || placed is not { OrderGuid: not null })
        {
            return TypedResults.BadRequest();
        }
        var order = (await orders.GetAsync(orgcode, placed.OrderGuid, ct: ct))?.Record;
        if (order is { Status: not (OrderStatus.Created or OrderStatus.Cancelled) } && await scheduler.GetAsync(Order.InstanceIdOf(orgcode, order.OrderGuid), ct) is null)
        {
            await StartAsync(scheduler, orgcode, order.OrderGuid, ct);
        }
        return TypedResults.Ok();
    }

    public static async Task<Results<Ok, BadRequest>> OnReturnReceived(HttpContext http, RecordStore<Order> orders, IWorkflowScheduler scheduler,
        CancellationToken ct)
    {
        var (orgcode, received) = await OrgEventBody.ReadAsync<OrderSagaEvent>(http, ct);
        if (orgcode is null || received is not { OrderGuid: not null })
        {
            return TypedResults.BadRequest();
        }
        var id = Order.InstanceIdOf(orgcode, received.OrderGuid);
        var instance = await scheduler.GetAsync(id, ct);
        if (instance is null || instance.IsFinished)
        {
            if (await orders.GetAsync(orgcode, received.OrderGuid, ct: ct) is not null)
            {
                await StartAsync(scheduler, orgcode, received.OrderGuid, ct);
            }
            return TypedResults.Ok();
        }
        await scheduler.RaiseEventAsync(id, OrderToReturnWorkflow.Signal, JsonSerializer.SerializeToElement(ScmEvents.ReturnReceived), ct);
        return TypedResults.Ok();
    }

    /// <summary>Best effort: an order without a running saga (not started yet, or ended) is simply not signalled.</summary>
    public static async Task<Results<Ok, BadRequest>> OnSignal(HttpContext http, IWorkflowScheduler scheduler, ILoggerFactory loggers,
        CancellationToken ct)
    {
        var (orgcode, changed) = await OrgEventBody.ReadAsync<OrderSagaEvent>(http, ct);
        if (orgcode is null || changed is not { OrderGuid: not null })
        {
            return TypedResults.BadRequest();
        }
        var raised = await scheduler.RaiseEventAsync(Order.InstanceIdOf(orgcode, changed.OrderGuid), OrderToReturnWorkflow.Signal, null, ct);
        if (raised.Outcome != WorkflowOperationOutcome.Done)
        {
            loggers.CreateLogger(typeof(OrderSagaSubscribers)).LogDebug("Order {OrderGuid}: no running saga to signal ({Outcome})", changed.OrderGuid,
                raised.Outcome);
        }
        return TypedResults.Ok();
    }

    private static async Task StartAsync(IWorkflowScheduler scheduler, string orgcode, string orderGuid, CancellationToken ct)
    {
        var input = JsonSerializer.SerializeToElement(new OrderToReturnInput(orgcode, orderGuid), RetailJson.Storage);
        await scheduler.StartAsync(nameof(OrderToReturnWorkflow), Order.InstanceIdOf(orgcode, orderGuid), input, ct);
    }
}
