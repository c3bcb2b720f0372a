using Microsoft.Extensions.Options;
using Retail.Scm.Orders;
using Retail.Scm.Sources;

namespace Retail.Scm.Fulfilment;

/// <summary>What a change of a shipment stages beside it: the order after it, and the events of both.</summary>
public sealed record ShipmentOutcome(Shipment Shipment, Order? Order, IReadOnlyList<DomainEvent> Events);

/// <summary>
/// The steps fulfilment takes in ICS for a shipment's lines, and the one SCM transaction that follows them: the shipment,
/// its order (ETag-checked; re-read and decided again when another shipment of the same order got there first) and the
/// business events together.
/// <para>
/// An order line keeps one commitment for what is open. ICS ships whole holds, so where a shipment takes part of a line
/// the line's commitment is released down to that part (ICS's partial release, one change) and the rest committed again
/// from available (<see cref="SplitAsync"/>). Those two ICS calls are not one transaction: between them another hold
/// could take the rest (then 409 <c>insufficient_stock</c>, and the line keeps no hold for its rest).
/// Every call carries a key made of the shipment, the step and the line, so a retried request repeats none of them.
/// </para>
/// </summary>
public sealed class ShipmentChanges(RecordStore<Shipment> shipments, RecordStore<Order> orders, RecordStore<ShipmentException> exceptions,
    FulfilmentSources sources, TimeProvider clock, IOptions<FulfilmentOptions> options)
{
    public RecordStore<Shipment> Shipments => shipments;

    public RecordStore<Order> Orders => orders;

    public RecordStore<ShipmentException> Exceptions => exceptions;

    public FulfilmentSources Sources => sources;

    public DateTimeOffset Now => clock.GetUtcNow();

    public TimeSpan PickupGracePeriod => options.Value.PickupGracePeriod;

    /// <summary>The order of a shipment, or the 409 when it is gone.</summary>
    public async Task<(Loaded<Order>? Order, ProblemHttpResult? Problem)> OrderOfAsync(string orgcode, Shipment shipment, CancellationToken ct) =>
        await orders.GetAsync(orgcode, shipment.OrderGuid, ct: ct) is { } order
            ? (order, null)
            : (null, ScmProblems.UnknownReference("order_guid", $"Order {shipment.OrderGuid} of the shipment does not exist."));

    /// <summary>
    /// The active commitment of an order line, split so that <paramref name="quantity"/> of it is a hold of its own: that
    /// hold, and what is left of the line's commitment (null when the whole hold was asked).
    /// </summary>
    public async Task<(IcsHold? Part, IcsHold? Left, ProblemHttpResult? Problem)> SplitAsync(string orgcode, string orderGuid, OrderLine line, long quantity,
        string key, CancellationToken ct)
    {
        var (hold, problem) = await CommittedHoldAsync(orgcode, line, ct);
        if (hold is null)
        {
            return (null, null, problem);
        }
        if (quantity > hold.Quantity)
        {
            return (null, null, ScmProblems.LineNotShippable("quantity_exceeds_committed", "More than is committed.", line.LineNo,
                $"Line {line.LineNo}: {quantity} asked; its commitment holds {hold.Quantity}."));
        }
        if (quantity == hold.Quantity)
        {
            return (hold, null, null);
        }
        // The hold keeps the part that ships (released down to it in one ICS change); the rest of the line is committed again.
        var part = await sources.ReleasePartAsync(orgcode, hold, hold.Quantity - quantity, "split", $"{key}:split", ct);
        var rest = await sources.CommitAsync(orgcode, hold.FacilityCode, hold.VariantGuid, hold.Quantity - quantity, orderGuid, $"{key}:rest", ct);
        return (part, rest, null);
    }

    /// <summary>The order line's commitment as ICS holds it now (active, committed), or the problem.</summary>
    public async Task<(IcsHold? Hold, ProblemHttpResult? Problem)> CommittedHoldAsync(string orgcode, OrderLine line, CancellationToken ct)
    {
        if (line.Hold is not { Stage: ShipmentRules.CommittedStage } lineHold)
        {
            return (null, ScmProblems.LineNotShippable("line_not_committed", "The line's stock is not committed.", line.LineNo,
                $"Line {line.LineNo} has no committed stock."));
        }
        var hold = await sources.HoldAsync(orgcode, lineHold.HoldGuid, ct);
        return hold is { Status: "active", Stage: ShipmentRules.CommittedStage }
            ? (hold, null)
            : (null, ScmProblems.HoldChanged($"Line {line.LineNo}'s commitment {lineHold.HoldGuid} is {(hold is null ? "gone" : hold.Status)} in ICS."));
    }

    /// <summary>
    /// Ships every line of the shipment in ICS (its own hold for a reship, else the part of the order line's commitment
    /// it takes): the stock leaves the facility once. Answers what is left committed per order line.
    /// </summary>
    public async Task<(IReadOnlyDictionary<int, LineHold?>? Holds, ProblemHttpResult? Problem)> ShipLinesAsync(string orgcode, Shipment shipment,
        Order order, string? carrier, string? tracking, CancellationToken ct)
    {
        var holds = new Dictionary<int, LineHold?>();
        foreach (var line in shipment.Lines)
        {
            var key = $"{shipment.ShipmentGuid}:ship:{line.LineNo}";
            if (line.HoldGuid is { } own)
            {
                await sources.ShipAsync(orgcode, shipment.FacilityCode, own, line.HoldRevision ?? 1, line.Bin, carrier, tracking, key, ct);
                continue;
            }
            if (order.Line(line.LineNo) is not { } orderLine)
            {
                return (null, ScmProblems.UnknownReference("lines.line_no", $"The order has no line {line.LineNo}."));
            }
            var (part, rest, problem) = await SplitAsync(orgcode, order.OrderGuid, orderLine, line.Quantity, key, ct);
            if (part is null)
            {
                return (null, problem);
            }
            await sources.ShipAsync(orgcode, shipment.FacilityCode, part.HoldGuid, part.Revision, line.Bin, carrier, tracking, key, ct);
            holds[line.LineNo] = rest is null ? null : ShipmentRules.ToLineHold(rest);
        }
        return (holds, null);
    }

    /// <summary>
    /// Commits the shipment's change with its order's (<paramref name="changeOrder"/> decides on the order as read now;
    /// null: the order does not change) and the events, in one transaction. When the order changed since it was read
    /// (another shipment of it), it is read and decided again, up to three times.
    /// </summary>
    public async Task<Results<Ok<Shipment>, ProblemHttpResult>> CommitAsync(string orgcode, Loaded<Shipment> current, Shipment next,
        Func<Order, (Order Next, IReadOnlyList<DomainEvent> Events)>? changeOrder, Func<Shipment, long, IReadOnlyList<DomainEvent>> shipmentEvents,
        Action<RecordBatch>? more, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var batch = new RecordBatch();
            if (changeOrder is not null)
            {
                if (await orders.GetAsync(orgcode, current.Record.OrderGuid, ct: ct) is not { } order)
                {
                    return ScmProblems.UnknownReference("order_guid", $"Order {current.Record.OrderGuid} of the shipment does not exist.");
                }
                var (nextOrder, orderEvents) = changeOrder(order.Record);
                orders.Update(batch, orgcode, order, nextOrder, nextOrder.Status != order.Record.Status ? "status_changed" : "updated", orderEvents);
            }
            var staged = shipments.Update(batch, orgcode, current, next, next.Status != current.Record.Status ? "status_changed" : "updated",
                shipmentEvents(next, current.Record.Revision + 1));
            more?.Invoke(batch);
            var write = await batch.CommitAsync(ct);
            if (write.Succeeded)
            {
                return TypedResults.Ok(staged);
            }
            if (write.Entity != Order.Type.Entity || attempt == 2)
            {
                return write.Problem();
            }
        }
    }

    /// <summary>The order after a shipment left, with <c>order.fulfilled</c> when it became fulfilled.</summary>
    public static (Order Next, IReadOnlyList<DomainEvent> Events) AfterShipping(string orgcode, Order order, Shipment shipment,
        IReadOnlyDictionary<int, LineHold?> holds, bool delivered)
    {
        var next = ShipmentRules.Shipped(order, shipment.Lines, holds, delivered);
        return (next, FulfilledEvents(orgcode, order, next));
    }

    public static IReadOnlyList<DomainEvent> FulfilledEvents(string orgcode, Order before, Order after) =>
        after.Status == OrderStatus.Fulfilled && before.Status != OrderStatus.Fulfilled
            ? [new DomainEvent(ScmEvents.OrderFulfilled, new OrderFulfilledEvent(orgcode, after.OrderGuid, after.OrderNumber, after.ChannelCode,
                before.Revision + 1), after.OrderGuid)]
            : [];
}
