using Retail.Scm.Payments;
using Retail.Scm.Policies;

namespace Retail.Scm.Orders.Saga;

/// <summary>Where an order stands for its saga, read from the order (and its policy, shipments and returns) each time it wakes.</summary>
public enum OrderSagaStage
{
    /// <summary>No such order: nothing to do.</summary>
    Missing,

    /// <summary>Not placed yet (the saga starts from order.placed, so only a replay sees this).</summary>
    NotPlaced,

    /// <summary>Placed, the channel captures before shipment, and the tender is not captured in full.</summary>
    AwaitingCapture,

    /// <summary>Paid (or the channel does not wait for it): held lines still to allocate and commit in ICS.</summary>
    Stock,

    /// <summary>Committed: quantities still to ship (people's steps).</summary>
    Fulfilling,

    /// <summary>Nothing left to ship: returns are taken until the channel's return window closes.</summary>
    Returns,

    /// <summary>The window closed and no return is open or unsettled: the saga closes the order and ends.</summary>
    Done,

    Cancelled,
    Closed,
}

/// <param name="CaptureBy">When an unpaid order is cancelled: its placing + <see cref="OrderSagaOptions.CaptureTimeout"/>.</param>
/// <param name="ReturnsToSettle">Returns the saga still restocks or refunds, oldest first.</param>
/// <param name="OpenReturns">Returns requested and not yet received.</param>
/// <param name="WindowClosesAt">When the last return may be requested (once nothing is left to ship).</param>
public sealed record OrderSagaView(OrderSagaStage Stage, DateTimeOffset? CaptureBy, IReadOnlyList<string> ReturnsToSettle, int OpenReturns,
    DateTimeOffset? WindowClosesAt, TimeSpan Recheck);

/// <summary>The saga's decisions as pure functions of the records it reads.</summary>
public static class OrderSagaRules
{
    public static OrderSagaView ViewOf(Order? order, ChannelPolicy policy, IReadOnlyDictionary<int, DateTimeOffset>? windowStarts,
        IReadOnlyList<OrderReturn> returns, DateTimeOffset now, OrderSagaOptions options)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(returns);
        ArgumentNullException.ThrowIfNull(options);
        var recheck = options.RecheckInterval > TimeSpan.Zero ? options.RecheckInterval : TimeSpan.FromHours(1);
        if (order is null)
        {
            return new OrderSagaView(OrderSagaStage.Missing, null, [], 0, null, recheck);
        }
        var settle = returns.Where(NeedsSettling).OrderBy(r => r.CreatedAt).ThenBy(r => r.ReturnGuid, StringComparer.Ordinal).Select(r => r.ReturnGuid)
            .ToList();
        var open = returns.Count(r => r.IsOpen);
        var stage = StageOf(order, policy);
        DateTimeOffset? captureBy = stage == OrderSagaStage.AwaitingCapture ? (order.PlacedAt ?? order.CreatedAt) + options.CaptureTimeout : null;
        DateTimeOffset? closes = null;
        if (stage == OrderSagaStage.Returns)
        {
            // Nothing shipped (every open quantity cancelled): nothing can be returned.
            closes = WindowClosesAt(order, windowStarts ?? new Dictionary<int, DateTimeOffset>(), policy.ReturnWindowDays) ?? now;
            if (closes <= now && settle.Count == 0 && open == 0)
            {
                stage = OrderSagaStage.Done;
            }
        }
        return new OrderSagaView(stage, captureBy, settle, open, closes, recheck);
    }

    public static OrderSagaStage StageOf(Order order, ChannelPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(policy);
        switch (order.Status)
        {
            case OrderStatus.Created:
                return OrderSagaStage.NotPlaced;
            case OrderStatus.Cancelled:
                return OrderSagaStage.Cancelled;
            case OrderStatus.Closed:
                return OrderSagaStage.Closed;
        }
        var shipped = order.Lines.Any(l => l.Shipped > 0);
        if (order.Status == OrderStatus.Placed && !shipped && policy.CaptureBeforeShipment && OrderPayment.Due(order) > 0)
        {
            return OrderSagaStage.AwaitingCapture;
        }
        if (order.Status is OrderStatus.Placed or OrderStatus.PartiallyFulfilled && OrderRules.ToContinue(order, OrderLineStatus.Committed).Count > 0)
        {
            return OrderSagaStage.Stock;
        }
        return order.Lines.Any(l => l.Status != OrderLineStatus.Cancelled && l.OpenQuantity > 0) ? OrderSagaStage.Fulfilling : OrderSagaStage.Returns;
    }

    /// <summary>Whether the saga still restocks the return (received, not yet in ICS) or refunds it (auto, or a claim to finish).</summary>
    public static bool NeedsSettling(OrderReturn ret)
    {
        ArgumentNullException.ThrowIfNull(ret);
        return NeedsRestock(ret) || NeedsRefund(ret);
    }

    public static bool NeedsRestock(OrderReturn ret) =>
        ret.Status is ReturnStatus.Received or ReturnStatus.Refunding or ReturnStatus.Resolved && ret.RestockedAt is null && ret.RestockFailure is null
        && ret.Lines.Any(l => l.ReceivedQuantity > 0);

    public static bool NeedsRefund(OrderReturn ret) =>
        ret.Status == ReturnStatus.Refunding || (ret.Status == ReturnStatus.Received && ret.RefundMode == ReturnRefundMode.Auto);

    /// <summary>The latest end of a shipped line's window (the same starts <c>/return/request</c> checks), or null when nothing shipped.</summary>
    public static DateTimeOffset? WindowClosesAt(Order order, IReadOnlyDictionary<int, DateTimeOffset> starts, int returnWindowDays)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(starts);
        DateTimeOffset? closes = null;
        foreach (var line in order.Lines.Where(l => l.Shipped > 0))
        {
            var end = (starts.TryGetValue(line.LineNo, out var start) ? start : order.PlacedAt ?? order.CreatedAt).AddDays(returnWindowDays);
            closes = closes is { } c && c > end ? c : end;
        }
        return closes;
    }
}
