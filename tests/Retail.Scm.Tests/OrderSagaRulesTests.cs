using Retail.Scm.Orders;
using Retail.Scm.Orders.Saga;
using Retail.Scm.Payments;
using Retail.Scm.Policies;

namespace Retail.Scm.Tests;

public sealed class OrderSagaRulesTests
{
    private static readonly DateTimeOffset Placed = DateTimeOffset.UnixEpoch.AddDays(100);
    private static readonly OrderSagaOptions Options = new() { CaptureTimeout = TimeSpan.FromMinutes(30), RecheckInterval = TimeSpan.FromHours(1) };

    private static OrderLine Line(int no, OrderLineStatus status, long quantity = 2, long shipped = 0, long delivered = 0) =>
        new(no, $"v{no}", quantity)
        {
            Status = status,
            Shipped = shipped,
            Delivered = delivered,
            FacilityCode = "store-1",
            Hold = status is OrderLineStatus.Reserved or OrderLineStatus.Allocated or OrderLineStatus.Committed
                ? new LineHold($"h{no}", Retail.Shared.Json.SnakeCase.Name(status), 1, "store-1")
                : null,
        };

    private static Order Order(OrderStatus status, long captured, params OrderLine[] lines) => TenderRulesTests.Order(1000) with
    {
        Status = status,
        CapturedMinor = captured,
        PlacedAt = Placed,
        Lines = lines,
    };

    private static OrderReturn Return(string guid, ReturnStatus status, ReturnRefundMode mode = ReturnRefundMode.Auto, bool restocked = false) => new()
    {
        ReturnGuid = guid,
        OrderGuid = "o1",
        OrderNumber = "SO-1",
        ChannelCode = "web",
        Currency = "EUR",
        RequestedBy = "u1",
        Status = status,
        RefundMode = mode,
        RestockedAt = restocked ? Placed : null,
        Lines = [new ReturnLine(1, "v1", 1) { ReceivedQuantity = status >= ReturnStatus.Received ? 1 : null }],
    };

    [Fact]
    public void A_placed_order_waits_for_its_capture_until_its_placing_plus_the_timeout_unless_the_channel_ships_before_capture()
    {
        var order = Order(OrderStatus.Placed, 0, Line(1, OrderLineStatus.Reserved));
        var view = OrderSagaRules.ViewOf(order, ChannelPolicy.Default("web"), null, [], Placed, Options);
        Assert.Equal((OrderSagaStage.AwaitingCapture, Placed.AddMinutes(30)), (view.Stage, view.CaptureBy));
        Assert.Equal(OrderSagaStage.AwaitingCapture, OrderSagaRules.StageOf(order with { CapturedMinor = 999 }, ChannelPolicy.Default("web")));
        Assert.Equal(OrderSagaStage.Stock, OrderSagaRules.StageOf(order, ChannelPolicy.Default("web") with { CaptureBeforeShipment = false }));
    }

    [Fact]
    public void A_paid_order_moves_its_held_lines_to_committed_then_waits_for_its_shipments()
    {
        var policy = ChannelPolicy.Default("web");
        Assert.Equal(OrderSagaStage.Stock, OrderSagaRules.StageOf(Order(OrderStatus.Placed, 1000, Line(1, OrderLineStatus.Allocated)), policy));
        Assert.Equal(OrderSagaStage.Fulfilling, OrderSagaRules.StageOf(Order(OrderStatus.Placed, 1000, Line(1, OrderLineStatus.Committed)), policy));
        Assert.Equal(OrderSagaStage.Fulfilling,
            OrderSagaRules.StageOf(Order(OrderStatus.PartiallyFulfilled, 1000, Line(1, OrderLineStatus.PartiallyShipped, shipped: 1)), policy));
        Assert.Equal(OrderSagaStage.Returns, OrderSagaRules.StageOf(Order(OrderStatus.Fulfilled, 1000, Line(1, OrderLineStatus.Shipped, shipped: 2)), policy));
        Assert.Equal(OrderSagaStage.Cancelled, OrderSagaRules.StageOf(Order(OrderStatus.Cancelled, 0, Line(1, OrderLineStatus.Cancelled)), policy));
        Assert.Equal(OrderSagaStage.NotPlaced, OrderSagaRules.StageOf(Order(OrderStatus.Created, 0, Line(1, OrderLineStatus.Open)), policy));
    }

    [Fact]
    public void The_saga_is_done_once_the_latest_lines_window_closed_and_no_return_is_open_or_unsettled()
    {
        var order = Order(OrderStatus.Fulfilled, 1000, Line(1, OrderLineStatus.Delivered, shipped: 2, delivered: 2),
            Line(2, OrderLineStatus.Delivered, shipped: 2, delivered: 2));
        var policy = ChannelPolicy.Default("web") with { ReturnWindowDays = 30 };
        var starts = new Dictionary<int, DateTimeOffset> { [1] = Placed.AddDays(2), [2] = Placed.AddDays(5) };
        var closes = Placed.AddDays(35);

        var open = OrderSagaRules.ViewOf(order, policy, starts, [], closes.AddSeconds(-1), Options);
        Assert.Equal((OrderSagaStage.Returns, closes), (open.Stage, open.WindowClosesAt));
        Assert.Equal(OrderSagaStage.Done, OrderSagaRules.ViewOf(order, policy, starts, [], closes, Options).Stage);

        var authorized = OrderSagaRules.ViewOf(order, policy, starts, [Return("r1", ReturnStatus.Authorized)], closes.AddDays(1), Options);
        Assert.Equal((OrderSagaStage.Returns, 1), (authorized.Stage, authorized.OpenReturns));
        var received = OrderSagaRules.ViewOf(order, policy, starts, [Return("r2", ReturnStatus.Received)], closes.AddDays(1), Options);
        Assert.Equal((OrderSagaStage.Returns, "r2"), (received.Stage, Assert.Single(received.ReturnsToSettle)));
        var settled = OrderSagaRules.ViewOf(order, policy, starts,
            [Return("r3", ReturnStatus.Resolved, restocked: true), Return("r4", ReturnStatus.Received, ReturnRefundMode.Manual, restocked: true)],
            closes.AddDays(1), Options);
        Assert.Equal((OrderSagaStage.Done, 0), (settled.Stage, settled.ReturnsToSettle.Count));
    }

    [Fact]
    public void A_return_is_settled_by_the_saga_until_restocked_and_refunded_unless_an_admin_refunds_it()
    {
        Assert.True(OrderSagaRules.NeedsRestock(Return("r", ReturnStatus.Received)));
        Assert.True(OrderSagaRules.NeedsRestock(Return("r", ReturnStatus.Resolved)));
        Assert.False(OrderSagaRules.NeedsRestock(Return("r", ReturnStatus.Received, restocked: true)));
        Assert.False(OrderSagaRules.NeedsRestock(Return("r", ReturnStatus.Authorized)));
        Assert.False(OrderSagaRules.NeedsRestock(Return("r", ReturnStatus.Received) with { RestockFailure = "unknown_reference: x" }));
        Assert.True(OrderSagaRules.NeedsRefund(Return("r", ReturnStatus.Received)));
        Assert.False(OrderSagaRules.NeedsRefund(Return("r", ReturnStatus.Received, ReturnRefundMode.Manual)));
        Assert.True(OrderSagaRules.NeedsRefund(Return("r", ReturnStatus.Refunding, ReturnRefundMode.Manual)));
        Assert.False(OrderSagaRules.NeedsRefund(Return("r", ReturnStatus.Resolved)));
    }

    [Fact]
    public void The_keys_the_saga_sends_are_the_same_for_the_same_holds_and_differ_when_the_holds_changed()
    {
        var lines = new[] { Line(1, OrderLineStatus.Reserved), Line(2, OrderLineStatus.Reserved) };
        Assert.Equal(OrderSagaKeys.Continue("o1", "allocated", lines), OrderSagaKeys.Continue("o1", "allocated", [.. lines]));
        Assert.StartsWith("scm-order:o1:allocate:", OrderSagaKeys.Continue("o1", "allocated", lines), StringComparison.Ordinal);
        Assert.StartsWith("scm-order:o1:commit:", OrderSagaKeys.Continue("o1", "committed", lines), StringComparison.Ordinal);
        var changed = new[] { lines[0], lines[1] with { Hold = lines[1].Hold! with { Revision = 2 } } };
        Assert.NotEqual(OrderSagaKeys.Continue("o1", "allocated", lines), OrderSagaKeys.Continue("o1", "allocated", changed));
        Assert.Equal("scm-return:r1:restock:store-1:available", OrderSagaKeys.Restock("r1", "store-1", "available"));
        Assert.Equal("scm-refund:f1:t1", ReturnRefunds.ProviderKey("f1", "t1"));
        Assert.Equal("scm-order:acme:o1", Retail.Scm.Orders.Order.InstanceIdOf("acme", "o1"));
    }

    [Fact]
    public void A_return_is_refunded_through_a_claim_that_a_declined_refund_gives_back()
    {
        Assert.Null(OrderReturn.Lifecycle.Check(ReturnStatus.Received, ReturnStatus.Refunding));
        Assert.Null(OrderReturn.Lifecycle.Check(ReturnStatus.Refunding, ReturnStatus.Resolved));
        Assert.Null(OrderReturn.Lifecycle.Check(ReturnStatus.Refunding, ReturnStatus.Received));
        Assert.NotNull(OrderReturn.Lifecycle.Check(ReturnStatus.Received, ReturnStatus.Resolved));
        Assert.NotNull(OrderReturn.Lifecycle.Check(ReturnStatus.Resolved, ReturnStatus.Refunding));
    }
}
