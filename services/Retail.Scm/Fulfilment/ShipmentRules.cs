using Retail.Scm.Orders;

namespace Retail.Scm.Fulfilment;

/// <summary>The decisions of fulfilment as pure functions of (order, shipment, command): what the handlers commit.</summary>
public static class ShipmentRules
{
    public const string CommittedStage = "committed";

    /// <summary>Whether shipments may be made for an order in this status.</summary>
    public static bool IsOpen(Order order) => order.Status is OrderStatus.Placed or OrderStatus.PartiallyFulfilled;

    /// <summary>Per order line, the quantity open shipments already claim (reships claim their own stock and are not counted).</summary>
    public static IReadOnlyDictionary<int, long> OnOpenShipments(IEnumerable<Shipment> shipments) =>
        shipments.Where(s => s.IsOpen).SelectMany(s => s.Lines).Where(l => !l.Reship)
            .GroupBy(l => l.LineNo).ToDictionary(g => g.Key, g => g.Sum(l => l.Quantity));

    /// <summary>
    /// The lines of a new shipment and its facility: each asked line committed (its ICS hold at stage <c>committed</c>),
    /// no more than its open quantity not yet on an open shipment, all at one facility (the one asked, if any). Without
    /// asked lines, every committed line with something left. A 422 (or 409 for the order) otherwise.
    /// </summary>
    public static (IReadOnlyList<ShipmentLine> Lines, string? Facility, ProblemHttpResult? Problem) Select(Order order,
        IReadOnlyList<(int LineNo, long? Quantity)>? asked, IReadOnlyDictionary<int, long> onShipments, string? facility)
    {
        if (!IsOpen(order))
        {
            return ([], null, ScmProblems.OrderNotOpen(Retail.Shared.Json.SnakeCase.Name(order.Status)));
        }
        long Left(OrderLine l) => l.OpenQuantity - onShipments.GetValueOrDefault(l.LineNo);
        var wanted = asked ?? order.Lines.Where(l => l.Hold?.Stage == CommittedStage && l.Status != OrderLineStatus.Cancelled && Left(l) > 0)
            .Select(l => (l.LineNo, (long?)null)).ToList();
        if (wanted.Count == 0)
        {
            return ([], null, ApiProblem.Business("nothing_to_ship", "Nothing to ship.", "No committed line of the order has anything left to ship."));
        }
        var lines = new List<ShipmentLine>();
        foreach (var (lineNo, quantity) in wanted)
        {
            if (order.Line(lineNo) is not { } line)
            {
                return ([], null, ScmProblems.UnknownReference("lines.line_no", $"The order has no line {lineNo}."));
            }
            if (line.Hold?.Stage != CommittedStage || line.Status == OrderLineStatus.Cancelled)
            {
                return ([], null, ScmProblems.LineNotShippable("line_not_committed", "The line's stock is not committed.", lineNo,
                    $"Line {lineNo} has no committed stock ({(line.Hold is null ? "no hold" : $"hold at stage {line.Hold.Stage}")}); commit it first."));
            }
            var take = quantity ?? Left(line);
            if (take > Left(line))
            {
                return ([], null, ScmProblems.LineNotShippable("quantity_exceeds_open", "More than is open.", lineNo,
                    $"Line {lineNo}: {take} asked; {Math.Max(0, Left(line))} open and not on another shipment."));
            }
            var at = line.Hold.FacilityCode;
            facility ??= at;
            if (at != facility)
            {
                return ([], null, ScmProblems.LineNotShippable("facility_mismatch", "Another facility.", lineNo,
                    $"Line {lineNo} is committed at '{at}'; a shipment leaves one facility ('{facility}')."));
            }
            lines.Add(new ShipmentLine(lineNo, line.VariantGuid, take));
        }
        return (lines, facility, null);
    }

    /// <summary>
    /// The order after <paramref name="lines"/> left (shipped, or collected when <paramref name="delivered"/>): each
    /// line's shipped (and delivered) raised, unless the shipment line is a reship (already counted when the lost
    /// one shipped); each line's hold as <paramref name="holds"/> says (what is left committed, or none); the line and
    /// order statuses that follow. Also the events of the order (<c>order.fulfilled</c>).
    /// </summary>
    public static Order Shipped(Order order, IReadOnlyList<ShipmentLine> lines, IReadOnlyDictionary<int, LineHold?> holds, bool delivered)
    {
        var byLine = lines.GroupBy(l => l.LineNo).ToDictionary(g => g.Key, g => g.ToList());
        var next = order.Lines.Select(l =>
        {
            if (!byLine.TryGetValue(l.LineNo, out var shipped))
            {
                return l;
            }
            var counted = shipped.Where(s => !s.Reship).Sum(s => s.Quantity);
            var line = l with
            {
                Shipped = l.Shipped + counted,
                Delivered = delivered ? l.Delivered + shipped.Sum(s => s.Quantity) : l.Delivered,
                Hold = holds.TryGetValue(l.LineNo, out var hold) ? hold : l.Hold,
            };
            return WithStatus(line);
        }).ToList();
        var after = order with { Lines = next };
        return after with { Status = StatusAfter(after) };
    }

    /// <summary>The order after a shipment was delivered: each line's delivered raised (a reship's too: the lost one never arrived).</summary>
    public static Order Delivered(Order order, IReadOnlyList<ShipmentLine> lines)
    {
        var byLine = lines.GroupBy(l => l.LineNo).ToDictionary(g => g.Key, g => g.Sum(l => l.Quantity));
        return order with { Lines = order.Lines.Select(l => byLine.TryGetValue(l.LineNo, out var q) ? WithStatus(l with { Delivered = l.Delivered + q }) : l).ToList() };
    }

    /// <summary>The order after <paramref name="quantity"/> of a line was cancelled in fulfilment (a no-show, a short pick not backordered).</summary>
    public static Order CancelQuantity(Order order, int lineNo, long quantity, LineHold? hold)
    {
        var lines = order.Lines.Select(l => l.LineNo != lineNo ? l : WithStatus(l with { CancelledQuantity = l.CancelledQuantity + quantity, Hold = hold }))
            .ToList();
        var after = order with { Lines = lines };
        return after with { Status = StatusAfter(after) };
    }

    public static OrderLine WithStatus(OrderLine line) => line with { Status = LineStatus(line) };

    /// <summary>
    /// A line's status from its quantities: delivered when everything not cancelled arrived; shipped when nothing is open;
    /// cancelled when everything was cancelled; backordered stays while something is open; partially shipped when some left.
    /// </summary>
    public static OrderLineStatus LineStatus(OrderLine line)
    {
        var wanted = line.Quantity - line.CancelledQuantity;
        if (wanted == 0)
        {
            return OrderLineStatus.Cancelled;
        }
        if (line.Delivered >= wanted)
        {
            return OrderLineStatus.Delivered;
        }
        if (line.OpenQuantity == 0)
        {
            return OrderLineStatus.Shipped;
        }
        if (line.Status == OrderLineStatus.Backordered)
        {
            return OrderLineStatus.Backordered;
        }
        return line.Shipped > 0 ? OrderLineStatus.PartiallyShipped : line.Status;
    }

    /// <summary>
    /// The order's status from its lines: fulfilled when nothing is open and something shipped; cancelled when nothing
    /// shipped and everything was cancelled (only from placed); partially fulfilled when something shipped; else as it was.
    /// </summary>
    public static OrderStatus StatusAfter(Order order)
    {
        var open = order.Lines.Sum(l => l.OpenQuantity);
        var shipped = order.Lines.Sum(l => l.Shipped);
        var status = open == 0 && shipped > 0 ? OrderStatus.Fulfilled
            : open == 0 && order.Status == OrderStatus.Placed ? OrderStatus.Cancelled
            : shipped > 0 ? OrderStatus.PartiallyFulfilled
            : order.Status;
        return status == order.Status || Order.Lifecycle.CanMove(order.Status, status) ? status : order.Status;
    }

    /// <summary>Null when the order's tender allows shipping under the channel policy; else 409 <c>tender_not_captured</c>.</summary>
    public static ProblemHttpResult? CaptureProblem(Order order, bool captureBeforeShipment) =>
        !captureBeforeShipment || order.PaymentStatus is PaymentStatus.Captured or PaymentStatus.PartiallyRefunded ? null
        : ScmProblems.TenderNotCaptured(
            $"Channel '{order.ChannelCode}' captures before shipment; order {order.OrderNumber}'s payment is {Retail.Shared.Json.SnakeCase.Name(order.PaymentStatus)}.");

    /// <summary>The shipment after lines were reduced (partial, short pick): quantities as given, lines at zero dropped.</summary>
    public static IReadOnlyList<ShipmentLine> Reduced(IReadOnlyList<ShipmentLine> lines, IReadOnlyDictionary<int, long> keep, bool countShort)
    {
        var next = new List<ShipmentLine>();
        foreach (var line in lines)
        {
            if (!keep.TryGetValue(line.LineNo, out var quantity))
            {
                next.Add(line);
                continue;
            }
            if (quantity > 0)
            {
                next.Add(line with { Quantity = quantity, Short = countShort ? line.Short + line.Quantity - quantity : line.Short });
            }
        }
        return next;
    }

    /// <summary>A committed ICS hold as an order line keeps it.</summary>
    public static LineHold ToLineHold(Sources.IcsHold hold) => new(hold.HoldGuid, hold.Stage, hold.Revision, hold.FacilityCode);
}
