using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Retail.Functional.Tests.Ics;
using Retail.Functional.Tests.Infrastructure;
using Retail.Scm.Orders;

namespace Retail.Functional.Tests.Scm;

/// <summary>UC-SCM-002 over HTTP: shipments from committed order lines, picked, packed, shipped and delivered; pickups.</summary>
public sealed class ShipmentTests(ScmHost host) : IClassFixture<ScmHost>
{
    [Fact]
    public async Task UC_SCM_002_a_committed_order_is_picked_packed_shipped_and_delivered_and_its_stock_leaves_ICS_exactly_once()
    {
        var org = await host.NewOrgAsync(stock: 10);
        var orderGuid = await host.Factory.CommittedOrderAsync(org, [(0, 2), (1, 1)]);
        Assert.Equal((8, 2), await org.StockOf(0));

        var shipment = await org.Shipment(orderGuid);
        Assert.Equal("created", shipment.Text("status"));
        Assert.Equal("store-1", shipment.Text("facility_code"));
        Assert.Equal(2, shipment.GetProperty("lines").GetArrayLength());
        // Everything open is on this shipment: a second one has nothing to take.
        await org.Post(org.Clerk, "/scm/fulfillment/shipment/create", new { order_guid = orderGuid })
            .Problem(HttpStatusCode.UnprocessableEntity, "nothing_to_ship");
        // Shipping before packing is not a move the lifecycle allows.
        await org.Step(shipment, "ship", new { carrier = "dhl" }).Problem(HttpStatusCode.Conflict, "invalid_transition");

        shipment = await org.Step(shipment, "pick").Ok();
        Assert.Equal("picked", shipment.Text("status"));
        shipment = await org.Step(shipment, "pack", new { package_ref = "box-1", weight_grams = 800L }).Ok();
        Assert.Equal(("packed", "box-1"), (shipment.Text("status"), shipment.Text("package_ref")));
        var ship = new { carrier = "dhl", tracking = "JJD0001" };
        var shipped = await org.Step(shipment, "ship", ship).Ok();
        Assert.Equal(("shipped", "dhl", "JJD0001"), (shipped.Text("status"), shipped.Text("carrier"), shipped.Text("tracking")));
        Assert.Equal((8, 0), await org.StockOf(0));
        Assert.Equal((9, 0), await org.StockOf(1));

        var order = await host.Factory.OrderAsync(org, orderGuid);
        Assert.Equal(OrderStatus.Fulfilled, order.Status);
        Assert.All(order.Lines, l => Assert.Equal((OrderLineStatus.Shipped, l.Quantity, (LineHold?)null), (l.Status, l.Shipped, l.Hold)));

        // Shipping again (a retry at the old revision, or at the new one) moves no more stock.
        await org.Step(shipment, "ship", ship).Problem(HttpStatusCode.Conflict, "revision_mismatch");
        await org.Step(shipped, "ship", ship).Problem(HttpStatusCode.Conflict, "invalid_transition");
        Assert.Equal((8, 0), await org.StockOf(0));

        var delivered = await org.Step(shipped, "deliver").Ok();
        Assert.Equal("delivered", delivered.Text("status"));
        order = await host.Factory.OrderAsync(org, orderGuid);
        Assert.All(order.Lines, l => Assert.Equal((OrderLineStatus.Delivered, l.Quantity), (l.Status, l.Delivered)));
        Assert.Equal(OrderStatus.Fulfilled, order.Status);
        Assert.Equal((8, 0), await org.StockOf(0));

        Assert.Single(host.Factory.OutboxEvents("scm", org.Orgcode, "fulfillment.shipment_created"));
        Assert.Equal(3, host.Factory.OutboxEvents("scm", org.Orgcode, "fulfillment.shipment_updated").Count);
        Assert.Single(host.Factory.OutboxEvents("scm", org.Orgcode, "fulfillment.delivered"));
        var fulfilled = Assert.Single(host.Factory.OutboxEvents("scm", org.Orgcode, "order.fulfilled"));
        Assert.Equal(orderGuid, fulfilled.Text("order_guid"));

        var listed = await org.Post("/scm/fulfillment/shipment/list", new { order_guid = orderGuid }).Ok();
        Assert.Equal(shipment.Text("shipment_guid"), Assert.Single(listed.GetProperty("items").EnumerateArray()).Text("shipment_guid"));
    }

    [Fact]
    public async Task UC_SCM_002_an_order_created_placed_committed_and_captured_over_HTTP_ships_only_once_captured_and_is_delivered()
    {
        var org = await host.NewOrgAsync(stock: 10);
        await org.TaxPolicy();
        var placed = await org.Placed(await org.NewOrder(OrderSteps.Line(org.Variants[0], 2), OrderSteps.Line(org.Variants[1], 1)));
        var committed = await org.Step("/scm/order/promise/commit", placed).Ok();
        Assert.All(committed.GetProperty("lines").EnumerateArray(), l => Assert.Equal("committed", l.GetProperty("hold").Text("stage")));
        Assert.Equal((8, 2), await org.StockOf(0));

        var shipment = await org.Shipment(placed.Guid());
        shipment = await org.Step(shipment, "pick").Ok();
        shipment = await org.Step(shipment, "pack", new { package_ref = "box-1" }).Ok();
        await org.Step(shipment, "ship", new { carrier = "dhl" }).Problem(HttpStatusCode.Conflict, "tender_not_captured");
        await org.Capture(await host.Factory.OrderAsync(org, placed.Guid()));
        var shipped = await org.Step(shipment, "ship", new { carrier = "dhl", tracking = "JJD0002" }).Ok();
        Assert.Equal((8, 0), await org.StockOf(0));
        Assert.Equal((9, 0), await org.StockOf(1));
        await org.Step(shipped, "deliver").Ok();

        var order = await org.Post("/scm/order/get", new { order_guid = placed.Guid() }).Ok();
        Assert.Equal(("fulfilled", "captured"), (order.Text("status"), order.Text("payment_status")));
        Assert.All(order.GetProperty("lines").EnumerateArray(), l => Assert.Equal("delivered", l.Text("status")));
        Assert.Single(host.Factory.OutboxEvents("scm", org.Orgcode, "order.fulfilled"));
    }

    [Fact]
    public async Task UC_SCM_002_a_line_shipped_in_two_shipments_keeps_the_rest_committed_between_them()
    {
        var org = await host.NewOrgAsync(stock: 10);
        var orderGuid = await host.Factory.CommittedOrderAsync(org, [(0, 3)]);
        var first = await org.Shipment(orderGuid, new[] { new { line_no = 1, quantity = 2L } });
        await org.Post(org.Clerk, "/scm/fulfillment/shipment/create", new { order_guid = orderGuid, lines = new[] { new { line_no = 1, quantity = 2L } } })
            .Problem(HttpStatusCode.UnprocessableEntity, "quantity_exceeds_open");
        await org.ShipAll(first);
        Assert.Equal((7, 1), await org.StockOf(0));
        var order = await host.Factory.OrderAsync(org, orderGuid);
        Assert.Equal((OrderStatus.PartiallyFulfilled, OrderLineStatus.PartiallyShipped, 2L), (order.Status, order.Lines[0].Status, order.Lines[0].Shipped));
        Assert.NotNull(order.Lines[0].Hold);

        var second = await org.Shipment(orderGuid);
        Assert.Equal(1, second.GetProperty("lines")[0].GetProperty("quantity").GetInt64());
        await org.ShipAll(second);
        Assert.Equal((7, 0), await org.StockOf(0));
        order = await host.Factory.OrderAsync(org, orderGuid);
        Assert.Equal((OrderStatus.Fulfilled, OrderLineStatus.Shipped, 3L), (order.Status, order.Lines[0].Status, order.Lines[0].Shipped));
    }

    [Fact]
    public async Task UC_SCM_002_shipping_before_the_tender_is_captured_is_refused_when_the_channel_captures_before_shipment()
    {
        var org = await host.NewOrgAsync(stock: 10);
        var orderGuid = await host.Factory.CommittedOrderAsync(org, [(0, 1)], payment: PaymentStatus.Authorized);
        var shipment = await org.Shipment(orderGuid);
        shipment = await org.Step(shipment, "pick").Ok();
        shipment = await org.Step(shipment, "pack", new { package_ref = "box-1" }).Ok();
        // No channel policy set: the default captures before shipment.
        await org.Step(shipment, "ship", new { carrier = "dhl" }).Problem(HttpStatusCode.Conflict, "tender_not_captured");
        Assert.Equal((9, 1), await org.StockOf(0));

        await host.Factory.PolicyAsync(org, "web", p => p with { CaptureBeforeShipment = false });
        var shipped = await org.Step(shipment, "ship", new { carrier = "dhl" }).Ok();
        Assert.Equal("shipped", shipped.Text("status"));
        Assert.Equal((9, 0), await org.StockOf(0));
    }

    [Fact]
    public async Task UC_SCM_002_a_pickup_is_made_ready_then_collected_at_the_counter()
    {
        var org = await host.NewOrgAsync(stock: 10);
        var orderGuid = await host.Factory.CommittedOrderAsync(org, [(2, 2)], DeliveryMethod.Pickup);
        var shipment = await org.Shipment(orderGuid);
        Assert.Equal("pickup", shipment.Text("method"));
        await org.Step(shipment, "ship", new { carrier = "dhl" }).Problem(HttpStatusCode.Conflict, "invalid_transition");
        var ready = await org.Step(shipment, "pickup/ready").Ok();
        Assert.Equal("ready_for_pickup", ready.Text("status"));
        Assert.NotNull(ready.Text("pickup_deadline"));
        await org.Step(ready, "pickup/no_show").Problem(HttpStatusCode.Conflict, "pickup_not_due");

        var collected = await org.Step(ready, "pickup/complete").Ok();
        Assert.Equal("collected", collected.Text("status"));
        Assert.Equal((8, 0), await org.StockOf(2));
        var order = await host.Factory.OrderAsync(org, orderGuid);
        Assert.Equal((OrderStatus.Fulfilled, OrderLineStatus.Delivered, 2L, 2L),
            (order.Status, order.Lines[0].Status, order.Lines[0].Shipped, order.Lines[0].Delivered));
        Assert.Single(host.Factory.OutboxEvents("scm", org.Orgcode, "fulfillment.delivered"));
    }

    [Fact]
    public async Task UC_SCM_002_a_pickup_no_show_is_refused_before_the_grace_period_and_releases_the_commitment_after_it()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var factory = ScmHost.Start(s => s.AddSingleton<TimeProvider>(clock));
        factory.Settings["Scm:Fulfilment:PickupGracePeriod"] = "00:10:00";
        using var @operator = factory.CreateOperatorClient();
        var org = await ScmHost.NewOrgAsync(factory, @operator, stock: 10);
        var orderGuid = await factory.CommittedOrderAsync(org, [(0, 3)], DeliveryMethod.Pickup);
        var shipment = await org.Shipment(orderGuid);
        var ready = await org.Step(shipment, "pickup/ready").Ok();
        Assert.Equal(clock.GetUtcNow().AddMinutes(10), ready.GetProperty("pickup_deadline").GetDateTimeOffset());

        clock.Advance(TimeSpan.FromMinutes(9));
        var early = await org.Step(ready, "pickup/no_show").Problem(HttpStatusCode.Conflict, "pickup_not_due");
        Assert.True(early.TryGetProperty("pickup_deadline", out _));
        Assert.Equal((7, 3), await org.StockOf(0));

        clock.Advance(TimeSpan.FromMinutes(2));
        var noShow = await org.Step(ready, "pickup/no_show").Ok();
        Assert.Equal("no_show", noShow.Text("status"));
        Assert.Equal((10, 0), await org.StockOf(0));
        var order = await factory.OrderAsync(org, orderGuid);
        Assert.Equal((OrderStatus.Cancelled, OrderLineStatus.Cancelled, 3L, (LineHold?)null),
            (order.Status, order.Lines[0].Status, order.Lines[0].CancelledQuantity, order.Lines[0].Hold));
        Assert.Single(factory.OutboxEvents("scm", org.Orgcode, "order.line_cancelled"));
        Assert.Single(factory.OutboxEvents("scm", org.Orgcode, "order.cancelled"));
    }

    [Fact]
    public async Task UC_SCM_002_a_cancelled_shipment_leaves_the_commitment_with_the_order_for_the_next_one()
    {
        var org = await host.NewOrgAsync(stock: 10);
        var orderGuid = await host.Factory.CommittedOrderAsync(org, [(0, 2)]);
        var shipment = await org.Shipment(orderGuid);
        shipment = await org.Step(shipment, "pick").Ok();
        var cancelled = await org.Step(shipment, "cancel", new { note = "wrong box" }).Ok();
        Assert.Equal("cancelled", cancelled.Text("status"));
        Assert.Equal((8, 2), await org.StockOf(0));
        Assert.Single(host.Factory.OutboxEvents("scm", org.Orgcode, "fulfillment.shipment_cancelled"));
        var again = await org.Shipment(orderGuid);
        Assert.Equal(2, again.GetProperty("lines")[0].GetProperty("quantity").GetInt64());
    }

    [Fact]
    public async Task UC_SCM_002_a_pick_from_a_bin_is_recorded_in_ICS_against_the_commitment_and_ships_from_the_staging_bin()
    {
        var org = await host.NewOrgAsync(stock: 0);
        await org.Inventory.Bins("store-1", "a1", "stage");
        await org.Inventory.Receive("store-1", org.Variants[0], 5, "a1");
        var orderGuid = await host.Factory.CommittedOrderAsync(org, [(0, 2)]);
        var shipment = await org.Shipment(orderGuid);
        // Nothing lies in the staging bin yet: ICS refuses the pick and the shipment stays as it was.
        await org.Step(shipment, "pick", new { lines = new[] { new { line_no = 1, from_bin = "stage" } } })
            .Problem(HttpStatusCode.Conflict, "insufficient_stock");
        var picked = await org.Step(shipment, "pick", new { lines = new[] { new { line_no = 1, from_bin = "a1", to_bin = "stage" } } }).Ok();
        Assert.Equal(("picked", "stage"), (picked.Text("status"), picked.GetProperty("lines")[0].Text("bin")));
        var card = await org.Post("/ics/stock/card/list", new { facility_code = "store-1", variant_guid = org.Variants[0] }).Ok();
        Assert.Contains(card.GetProperty("items").EnumerateArray(), m => m.Text("reason") == "pick" && m.Text("to_bin") == "stage");
        Assert.Equal((3, 2), await org.StockOf(0));

        await org.ShipAll(picked);
        Assert.Equal((3, 0), await org.StockOf(0));
        card = await org.Post("/ics/stock/card/list", new { facility_code = "store-1", variant_guid = org.Variants[0] }).Ok();
        Assert.Contains(card.GetProperty("items").EnumerateArray(), m => m.Text("reason") == "ship" && m.Text("from_bin") == "stage");
        await org.Post("/scm/comment", new { subject_entity = "shipment", subject_key = picked.Text("shipment_guid"), body = "Left at the door." })
            .Ok(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Shipment_requests_are_checked_before_anything_moves()
    {
        var org = await host.NewOrgAsync(stock: 10);
        var orderGuid = await host.Factory.CommittedOrderAsync(org, [(0, 1)]);
        await org.Post(org.Clerk, "/scm/fulfillment/shipment/create", new { order_guid = Guid.CreateVersion7().ToString() })
            .Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        await org.Post(org.Clerk, "/scm/fulfillment/shipment/create", new { order_guid = orderGuid, lines = new[] { new { line_no = 9 } } })
            .Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        await org.Post(org.Clerk, "/scm/fulfillment/shipment/create", new { order_guid = orderGuid, facility_code = "store-2" })
            .Problem(HttpStatusCode.UnprocessableEntity, "facility_mismatch");
        await org.Post(org.Clerk, "/scm/fulfillment/shipment/create", new { order_guid = "nope" })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        var shipment = await org.Shipment(orderGuid);
        await org.Post(org.Clerk, "/scm/fulfillment/shipment/pick", new { shipment_guid = shipment.Text("shipment_guid") })
            .Problem(HttpStatusCode.BadRequest, "expected_revision_required");
        await org.Post(org.Clerk, "/scm/fulfillment/shipment/get", new { shipment_guid = Guid.CreateVersion7().ToString() })
            .Problem(HttpStatusCode.NotFound, "not_found");
        await org.Step(shipment, "deliver").Problem(HttpStatusCode.Conflict, "invalid_transition");
    }
}
