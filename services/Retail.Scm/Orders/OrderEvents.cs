namespace Retail.Scm.Orders;

/// <summary>
/// <c>order.created</c>, <c>order.placed</c>, <c>order.cancelled</c>: the order as it stands after the change. <see cref="CampaignCode"/> is
/// the influencer campaign the order carries, if any (Influencer attributes the sale from <c>order.placed</c>).
/// </summary>
public sealed record OrderChanged(string Orgcode, string OrderGuid, string OrderNumber, string ChannelCode, OrderStatus Status, long Revision,
    string Currency, long TotalMinor, CustomerRef? Customer, IReadOnlyList<OrderEventLine> Lines, DateTimeOffset? PlacedAt, string? StatusReason,
    string? CampaignCode = null);

public sealed record OrderEventLine(int LineNo, string VariantGuid, long Quantity, long CancelledQuantity, OrderLineStatus Status, string? FacilityCode,
    long NetMinor);

/// <summary><c>order.line_cancelled</c>: <see cref="Quantity"/> of a line was cancelled now (<see cref="CancelledQuantity"/> in all).</summary>
public sealed record OrderLineCancelled(string Orgcode, string OrderGuid, string OrderNumber, long Revision, int LineNo, string VariantGuid, long Quantity,
    long CancelledQuantity, OrderLineStatus LineStatus, string? Reason);

/// <summary>
/// <c>promise.reserved|allocated|committed|released</c>: the lines whose stock moved in ICS, with their holds;
/// <c>promise.quoted</c>: each line's facility and availability and the ship-by promise.
/// </summary>
public sealed record PromiseChanged(string Orgcode, string OrderGuid, string OrderNumber, long Revision, string Step, DateTimeOffset? ShipBy,
    IReadOnlyList<PromiseLine> Lines);

/// <param name="Available">What the facility had available when quoted (quotes only).</param>
/// <param name="Promisable">Whether the line can be promised from there now (held already, or enough available).</param>
public sealed record PromiseLine(int LineNo, string VariantGuid, long Quantity, string? FacilityCode, string? HoldGuid, string? Stage, long? Available = null,
    bool? Promisable = null);

internal static class OrderEvents
{
    public static DomainEvent Changed(string type, string orgcode, Order order) =>
        new(type, new OrderChanged(orgcode, order.OrderGuid, order.OrderNumber, order.ChannelCode, order.Status, order.Revision, order.Currency,
            order.Totals.TotalMinor, order.Customer,
            order.Lines.Select(l => new OrderEventLine(l.LineNo, l.VariantGuid, l.Quantity, l.CancelledQuantity, l.Status, l.FacilityCode, l.NetMinor)).ToList(),
            order.PlacedAt, order.StatusReason, order.CampaignCode), $"order/{order.OrderGuid}");

    public static DomainEvent Promise(string type, string orgcode, Order order, IReadOnlyCollection<int> lineNos) =>
        new(type, new PromiseChanged(orgcode, order.OrderGuid, order.OrderNumber, order.Revision, type["promise.".Length..], order.PromisedShipBy,
            order.Lines.Where(l => lineNos.Contains(l.LineNo))
                .Select(l => new PromiseLine(l.LineNo, l.VariantGuid, l.OpenQuantity, l.FacilityCode, l.Hold?.HoldGuid, l.Hold?.Stage)).ToList()),
            $"order/{order.OrderGuid}");

    public static DomainEvent Quoted(string orgcode, Order order, IReadOnlyList<PromiseLine> lines) =>
        new(ScmEvents.PromiseQuoted, new PromiseChanged(orgcode, order.OrderGuid, order.OrderNumber, order.Revision, "quoted", order.PromisedShipBy, lines),
            $"order/{order.OrderGuid}");
}
