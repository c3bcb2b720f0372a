using System.Net;
using Retail.Functional.Tests.Ics;
using Retail.Functional.Tests.Infrastructure;
using Retail.Scm.Orders;

namespace Retail.Functional.Tests.Scm;

/// <summary>UC-SCM-002's exceptions over HTTP: short pick, damaged, carrier failure, partial, generic, resolve.</summary>
public sealed class ExceptionTests(ScmHost host) : IClassFixture<ScmHost>
{
    [Fact]
    public async Task UC_SCM_002_a_short_pick_ships_what_was_found_and_backorders_the_rest_when_the_channel_allows_it()
    {
        var org = await host.NewOrgAsync(stock: 10);
        var orderGuid = await host.Factory.CommittedOrderAsync(org, [(0, 3), (1, 1)]);
        var shipment = await org.Shipment(orderGuid);
        var shortPick = new { lines = new[] { new { line_no = 1, found = 1L } } };
        // The default policy allows no backorders.
        await org.Step(shipment, "exception/short-pick", shortPick).Problem(HttpStatusCode.UnprocessableEntity, "backorder_not_allowed");

        await host.Factory.PolicyAsync(org, "web", p => p with { BackordersAllowed = true });
        var after = await org.Step(shipment, "exception/short-pick", shortPick).Ok();
        var line = after.GetProperty("lines")[0];
        Assert.Equal((1L, 2L), (line.GetProperty("quantity").GetInt64(), line.GetProperty("short").GetInt64()));
        Assert.Equal(1, after.GetProperty("open_exceptions").GetInt32());
        // The two missing units are written off; the one found stays committed.
        Assert.Equal((7, 1), await org.StockOf(0));
        var order = await host.Factory.OrderAsync(org, orderGuid);
        Assert.Equal(OrderLineStatus.Backordered, order.Lines[0].Status);
        Assert.NotNull(order.Lines[0].Hold);

        var shipped = await org.ShipAll(after);
        Assert.Equal((7, 0), await org.StockOf(0));
        order = await host.Factory.OrderAsync(org, orderGuid);
        Assert.Equal((OrderStatus.PartiallyFulfilled, OrderLineStatus.Backordered, 1L, 2L),
            (order.Status, order.Lines[0].Status, order.Lines[0].Shipped, order.Lines[0].OpenQuantity));
        Assert.Equal(OrderLineStatus.Shipped, order.Lines[1].Status);

        var exceptions = await org.Post("/scm/fulfillment/shipment/exception/list", new { shipment_guid = shipped.Text("shipment_guid") }).Ok();
        var exception = Assert.Single(exceptions.GetProperty("items").EnumerateArray());
        Assert.Equal(("short_pick", "open", "backordered"), (exception.Text("kind"), exception.Text("status"), exception.Text("action")));
        var resolve = new { exception_guid = exception.Text("exception_guid"), expected_revision = exception.Revision(), resolution = "supplier reorder" };
        await org.Post(org.Clerk, "/scm/fulfillment/shipment/exception/resolve", resolve).Problem(HttpStatusCode.Forbidden, "forbidden");
        var resolved = await org.Post(org.Approver, "/scm/fulfillment/shipment/exception/resolve", resolve).Ok();
        Assert.Equal(("resolved", "supplier reorder"), (resolved.Text("status"), resolved.Text("resolution")));
        await org.Post(org.Approver, "/scm/fulfillment/shipment/exception/resolve", resolve with { expected_revision = resolved.Revision() })
            .Problem(HttpStatusCode.Conflict, "invalid_transition");
        var final = await org.Post("/scm/fulfillment/shipment/get", new { shipment_guid = shipped.Text("shipment_guid") }).Ok();
        Assert.Equal(0, final.GetProperty("open_exceptions").GetInt32());
    }

    [Fact]
    public async Task UC_SCM_002_a_short_pick_may_cancel_what_is_missing_instead()
    {
        var org = await host.NewOrgAsync(stock: 10);
        var orderGuid = await host.Factory.CommittedOrderAsync(org, [(0, 2)]);
        var shipment = await org.Shipment(orderGuid);
        var after = await org.Step(shipment, "exception/short-pick", new { lines = new[] { new { line_no = 1, found = 0L } }, remedy = "cancel" }).Ok();
        Assert.Equal(("cancelled", "short_pick"), (after.Text("status"), after.Text("status_reason")));
        Assert.Equal((8, 0), await org.StockOf(0));
        var order = await host.Factory.OrderAsync(org, orderGuid);
        Assert.Equal((OrderStatus.Cancelled, OrderLineStatus.Cancelled, 2L), (order.Status, order.Lines[0].Status, order.Lines[0].CancelledQuantity));
        Assert.Single(host.Factory.OutboxEvents("scm", org.Orgcode, "order.line_cancelled"));
    }

    [Fact]
    public async Task UC_SCM_002_damaged_items_go_to_damaged_and_are_replaced_from_available()
    {
        var org = await host.NewOrgAsync(stock: 10);
        var orderGuid = await host.Factory.CommittedOrderAsync(org, [(0, 2)]);
        var shipment = await org.Shipment(orderGuid);
        shipment = await org.Step(shipment, "pick").Ok();
        var after = await org.Step(shipment, "exception/damaged", new { lines = new[] { new { line_no = 1, quantity = 1L } }, note = "crushed" }).Ok();
        Assert.Equal(1, after.GetProperty("open_exceptions").GetInt32());
        Assert.Equal((7, 2), await org.StockOf(0));
        var stock = await org.Inventory.Stock("store-1", org.Variants[0]);
        Assert.Equal(1, stock.GetProperty("damaged").GetInt64());
        Assert.Equal("shipped", (await org.ShipAll(after)).Text("status"));
        Assert.Equal((7, 0), await org.StockOf(0));
    }

    [Fact]
    public async Task UC_SCM_002_a_shipment_lost_in_transit_is_reshipped_from_new_stock_without_counting_the_order_twice()
    {
        var org = await host.NewOrgAsync(stock: 10);
        var orderGuid = await host.Factory.CommittedOrderAsync(org, [(0, 2)]);
        var shipped = await org.ShipAll(await org.Shipment(orderGuid));
        Assert.Equal((8, 0), await org.StockOf(0));

        var lost = await org.Step(shipped, "exception/carrier-failure", new { note = "lost by carrier" }).Ok();
        var reshipGuid = lost.Text("reshipped_as");
        Assert.NotNull(reshipGuid);
        Assert.Equal((6, 2), await org.StockOf(0));
        await org.Step(lost, "exception/carrier-failure").Problem(HttpStatusCode.Conflict, "invalid_transition");

        var reship = await org.Post("/scm/fulfillment/shipment/get", new { shipment_guid = reshipGuid }).Ok();
        Assert.Equal(("created", shipped.Text("shipment_guid")), (reship.Text("status"), reship.Text("reship_of")));
        Assert.True(reship.GetProperty("lines")[0].GetProperty("reship").GetBoolean());
        var reshipped = await org.ShipAll(reship);
        Assert.Equal("shipped", reshipped.Text("status"));
        Assert.Equal((6, 0), await org.StockOf(0));
        await org.Step(reshipped, "deliver").Ok();
        var order = await host.Factory.OrderAsync(org, orderGuid);
        Assert.Equal((OrderStatus.Fulfilled, 2L, 2L), (order.Status, order.Lines[0].Shipped, order.Lines[0].Delivered));
        Assert.Single(host.Factory.OutboxEvents("scm", org.Orgcode, "order.fulfilled"));
    }

    [Fact]
    public async Task UC_SCM_002_a_partial_shipment_ships_what_is_there_and_the_rest_stays_open()
    {
        var org = await host.NewOrgAsync(stock: 10);
        var orderGuid = await host.Factory.CommittedOrderAsync(org, [(0, 3)]);
        var shipment = await org.Shipment(orderGuid);
        await org.Step(shipment, "exception/partial", new { lines = new[] { new { line_no = 1, quantity = 0L } } })
            .Problem(HttpStatusCode.UnprocessableEntity, "shipment_empty");
        var partial = await org.Step(shipment, "exception/partial", new { lines = new[] { new { line_no = 1, quantity = 1L } } }).Ok();
        Assert.Equal(1, partial.GetProperty("lines")[0].GetProperty("quantity").GetInt64());
        await org.ShipAll(partial);
        Assert.Equal((7, 2), await org.StockOf(0));
        var order = await host.Factory.OrderAsync(org, orderGuid);
        Assert.Equal((OrderLineStatus.PartiallyShipped, 2L), (order.Lines[0].Status, order.Lines[0].OpenQuantity));
        var rest = await org.Shipment(orderGuid);
        Assert.Equal(2, rest.GetProperty("lines")[0].GetProperty("quantity").GetInt64());

        var noted = await org.Step(rest, "exception", new { kind = "other", note = "customer called" }).Ok();
        Assert.Equal(1, noted.GetProperty("open_exceptions").GetInt32());
        Assert.Equal("created", noted.Text("status"));
        await org.Step(noted, "exception", new { note = "no kind" }).Problem(HttpStatusCode.BadRequest, "validation_failed");
    }
}
