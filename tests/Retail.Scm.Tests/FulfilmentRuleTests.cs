using Retail.Scm.Fulfilment;
using Retail.Scm.Orders;

namespace Retail.Scm.Tests;

public sealed class FulfilmentRuleTests
{
    private static readonly LineHold Committed = new("h1", "committed", 2, "store-1");

    private static Order OrderOf(OrderStatus status, params OrderLine[] lines) => new()
    {
        OrderGuid = "o1",
        OrderNumber = "SO-1",
        ChannelCode = "web",
        Delivery = new Delivery(DeliveryMethod.Ship, null, null),
        Currency = "EUR",
        Lines = lines,
        Totals = new OrderTotals(0, 0, 0, 0, 0),
        Status = status,
        CreatedBy = "u1",
    };

    private static OrderLine Line(int no, long quantity, LineHold? hold = null, string variant = "v1") =>
        new(no, variant, quantity) { Status = OrderLineStatus.Committed, Hold = hold ?? Committed with { HoldGuid = $"h{no}" } };

    [Fact]
    public void A_shipment_takes_every_committed_line_less_what_open_shipments_already_take()
    {
        var order = OrderOf(OrderStatus.Placed, Line(1, 3), Line(2, 1), new OrderLine(3, "v3", 2) { Hold = new LineHold("h3", "reserved", 1, "store-1") });
        var (lines, facility, problem) = ShipmentRules.Select(order, null, new Dictionary<int, long> { [1] = 1 }, null);
        Assert.Null(problem);
        Assert.Equal("store-1", facility);
        Assert.Equal([(1, 2L), (2, 1L)], lines.Select(l => (l.LineNo, l.Quantity)));
    }

    [Fact]
    public void A_shipment_refuses_more_than_is_open_an_uncommitted_line_another_facility_and_a_closed_order()
    {
        var order = OrderOf(OrderStatus.Placed, Line(1, 3), Line(2, 1, new LineHold("h2", "committed", 1, "store-2")),
            new OrderLine(3, "v3", 2) { Hold = new LineHold("h3", "allocated", 1, "store-1") });
        var none = new Dictionary<int, long>();
        Assert.NotNull(ShipmentRules.Select(order, [(1, 4)], none, null).Problem);
        Assert.NotNull(ShipmentRules.Select(order, [(1, 2), (2, 1)], none, null).Problem);
        Assert.NotNull(ShipmentRules.Select(order, [(3, 1)], none, null).Problem);
        Assert.NotNull(ShipmentRules.Select(order, [(9, 1)], none, null).Problem);
        Assert.Null(ShipmentRules.Select(order, [(2, 1)], none, "store-2").Problem);
        Assert.NotNull(ShipmentRules.Select(order with { Status = OrderStatus.Created }, null, none, null).Problem);
        Assert.NotNull(ShipmentRules.Select(order, null, new Dictionary<int, long> { [1] = 3, [2] = 1 }, null).Problem);
    }

    [Fact]
    public void Shipping_counts_on_the_lines_and_moves_the_order_to_partially_fulfilled_then_fulfilled()
    {
        var order = OrderOf(OrderStatus.Placed, Line(1, 3), Line(2, 1));
        var rest = new LineHold("h9", "committed", 1, "store-1");
        var first = ShipmentRules.Shipped(order, [new ShipmentLine(1, "v1", 2)], new Dictionary<int, LineHold?> { [1] = rest }, delivered: false);
        Assert.Equal(OrderStatus.PartiallyFulfilled, first.Status);
        Assert.Equal((OrderLineStatus.PartiallyShipped, 2L, rest), (first.Lines[0].Status, first.Lines[0].Shipped, first.Lines[0].Hold));
        Assert.Equal(OrderLineStatus.Committed, first.Lines[1].Status);

        var second = ShipmentRules.Shipped(first, [new ShipmentLine(1, "v1", 1), new ShipmentLine(2, "v1", 1)],
            new Dictionary<int, LineHold?> { [1] = null, [2] = null }, delivered: false);
        Assert.Equal(OrderStatus.Fulfilled, second.Status);
        Assert.All(second.Lines, l => Assert.Equal(OrderLineStatus.Shipped, l.Status));

        var delivered = ShipmentRules.Delivered(second, [new ShipmentLine(1, "v1", 3), new ShipmentLine(2, "v1", 1)]);
        Assert.All(delivered.Lines, l => Assert.Equal(OrderLineStatus.Delivered, l.Status));
        Assert.Equal(OrderStatus.Fulfilled, delivered.Status);
    }

    [Fact]
    public void A_reship_does_not_count_as_shipped_again_but_its_delivery_counts()
    {
        var order = ShipmentRules.Shipped(OrderOf(OrderStatus.Placed, Line(1, 2)), [new ShipmentLine(1, "v1", 2)],
            new Dictionary<int, LineHold?> { [1] = null }, delivered: false);
        var reship = new ShipmentLine(1, "v1", 2) { Reship = true, HoldGuid = "r1" };
        var again = ShipmentRules.Shipped(order, [reship], new Dictionary<int, LineHold?>(), delivered: false);
        Assert.Equal(2, again.Lines[0].Shipped);
        Assert.Equal(OrderStatus.Fulfilled, again.Status);
        Assert.Equal(2, ShipmentRules.Delivered(again, [reship]).Lines[0].Delivered);
    }

    [Fact]
    public void Cancelling_every_open_quantity_of_a_placed_order_cancels_it_and_of_a_partly_shipped_one_fulfils_it()
    {
        var placed = ShipmentRules.CancelQuantity(OrderOf(OrderStatus.Placed, Line(1, 2)), 1, 2, null);
        Assert.Equal((OrderStatus.Cancelled, OrderLineStatus.Cancelled), (placed.Status, placed.Lines[0].Status));

        var partly = ShipmentRules.Shipped(OrderOf(OrderStatus.Placed, Line(1, 3)), [new ShipmentLine(1, "v1", 1)],
            new Dictionary<int, LineHold?> { [1] = Committed }, delivered: false);
        var closed = ShipmentRules.CancelQuantity(partly, 1, 2, null);
        Assert.Equal((OrderStatus.Fulfilled, OrderLineStatus.Shipped), (closed.Status, closed.Lines[0].Status));
    }

    [Fact]
    public void A_backordered_line_stays_backordered_while_something_is_open()
    {
        var line = Line(1, 3) with { Status = OrderLineStatus.Backordered, Shipped = 1 };
        Assert.Equal(OrderLineStatus.Backordered, ShipmentRules.LineStatus(line));
        Assert.Equal(OrderLineStatus.Shipped, ShipmentRules.LineStatus(line with { Shipped = 3 }));
    }

    [Fact]
    public void Shipping_needs_a_captured_tender_only_when_the_channel_says_so()
    {
        var order = OrderOf(OrderStatus.Placed, Line(1, 1));
        Assert.NotNull(ShipmentRules.CaptureProblem(order with { PaymentStatus = PaymentStatus.Authorized }, captureBeforeShipment: true));
        Assert.Null(ShipmentRules.CaptureProblem(order with { PaymentStatus = PaymentStatus.Captured }, captureBeforeShipment: true));
        Assert.Null(ShipmentRules.CaptureProblem(order with { PaymentStatus = PaymentStatus.None }, captureBeforeShipment: false));
    }

    [Fact]
    public void Reducing_a_shipment_keeps_what_ships_counts_what_was_short_and_drops_empty_lines()
    {
        IReadOnlyList<ShipmentLine> lines = [new(1, "v1", 3), new(2, "v2", 2)];
        var reduced = ShipmentRules.Reduced(lines, new Dictionary<int, long> { [1] = 1, [2] = 0 }, countShort: true);
        var only = Assert.Single(reduced);
        Assert.Equal((1, 1L, 2L), (only.LineNo, only.Quantity, only.Short));
    }

    [Fact]
    public void The_lifecycle_ships_only_packed_shipments_and_ends_in_final_states()
    {
        Assert.NotNull(Shipment.Lifecycle.Check(ShipmentStatus.Created, ShipmentStatus.Shipped));
        Assert.Null(Shipment.Lifecycle.Check(ShipmentStatus.Packed, ShipmentStatus.Shipped));
        Assert.Null(Shipment.Lifecycle.Check(ShipmentStatus.ReadyForPickup, ShipmentStatus.NoShow));
        Assert.NotNull(Shipment.Lifecycle.Check(ShipmentStatus.Shipped, ShipmentStatus.Cancelled));
        Assert.Empty(Shipment.Lifecycle.AllowedFrom(ShipmentStatus.Delivered));
    }
}
