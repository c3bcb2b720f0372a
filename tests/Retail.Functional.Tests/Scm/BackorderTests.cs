using System.Net;
using Retail.Functional.Tests.Ics;
using Retail.Functional.Tests.Infrastructure;

namespace Retail.Functional.Tests.Scm;

/// <summary>UC-SCM-005 over HTTP: backorders where the channel allows them, approved by another admin, fulfilled once stock arrives.</summary>
public sealed class BackorderTests(ScmHost host) : IClassFixture<ScmHost>
{
    private static object ByVariant(string variant, long quantity, string? customer = null) => new
    {
        channel_code = "web", variant_guid = variant, quantity, customer = new { customer_guid = customer, name = "Ada" }, delivery = OrderSteps.Ship(),
    };

    [Fact]
    public async Task UC_SCM_005_a_backorder_is_refused_where_the_channel_forbids_it_and_fulfilled_into_a_placed_order_once_stock_arrives()
    {
        var org = await host.NewOrgAsync(stock: 0);
        await org.TaxPolicy();
        var a = org.Variants[0];
        var customer = Guid.NewGuid().ToString();
        await org.Post(org.Owner, "/scm/backorder/create", ByVariant(a, 3, customer)).Problem(HttpStatusCode.UnprocessableEntity, "backorder_not_allowed");
        await org.Post("/scm/channel/policy/set", new { channel_code = "web", backorders_allowed = true }).Ok();

        var backorder = await org.Post(org.Owner, "/scm/backorder/create", ByVariant(a, 3, customer)).Ok(HttpStatusCode.Created);
        var guid = backorder.Text("backorder_guid")!;
        var line = backorder.GetProperty("line");
        Assert.Equal(("pending_approval", a, 3L, 1000L, 3000L, 570L), (backorder.Text("status"), line.Text("variant_guid"), line.GetProperty("quantity").GetInt64(),
            line.GetProperty("unit_minor").GetInt64(), line.GetProperty("net_minor").GetInt64(), line.GetProperty("tax").GetProperty("tax_minor").GetInt64()));
        await org.Post(org.Clerk, "/scm/backorder/fulfill", new { backorder_guid = guid, expected_revision = 1 }).Problem(HttpStatusCode.Conflict, "invalid_transition");
        await org.Post(org.Owner, "/scm/backorder/approve", new { backorder_guid = guid, expected_revision = 1 }).Problem(HttpStatusCode.Forbidden, "same_actor");
        Assert.Equal(HttpStatusCode.Forbidden, (await org.Post(org.Clerk, "/scm/backorder/approve", new { backorder_guid = guid, expected_revision = 1 })).StatusCode);
        await org.Post(org.Approver, "/scm/backorder/approve", new { backorder_guid = guid, expected_revision = 1 }).Ok();

        // No stock yet: refused, and it stays approved.
        var noStock = await org.Post(org.Clerk, "/scm/backorder/fulfill", new { backorder_guid = guid, expected_revision = 2 }).Problem(HttpStatusCode.Conflict, "insufficient_stock");
        Assert.Single(noStock.GetProperty("lines").EnumerateArray());
        Assert.Equal("approved", (await org.Post("/scm/backorder/get", new { backorder_guid = guid }).Ok()).Text("status"));
        Assert.Equal((0, 0, 0, 0), await org.StockOf(a));

        await org.Inventory.Receive("store-1", a, 5);
        var done = await org.Post(org.Clerk, "/scm/backorder/fulfill", new { backorder_guid = guid, expected_revision = 2 }).Ok();
        var order = done.GetProperty("order");
        var fulfilled = done.GetProperty("backorder");
        Assert.Equal(("fulfilled", order.Guid()), (fulfilled.Text("status"), fulfilled.Text("order_guid")));
        Assert.Equal(("placed", "backorder", guid), (order.Text("status"), order.Text("source"), order.Text("source_guid")));
        var orderLine = order.LineNo(1);
        Assert.Equal(("reserved", 3L, 3000L), (orderLine.Text("status"), orderLine.GetProperty("quantity").GetInt64(), orderLine.GetProperty("net_minor").GetInt64()));
        Assert.Equal((2, 3, 0, 0), await org.StockOf(a));
        Assert.Single(await org.HoldsOf(order, "active"));
        await org.Post(org.Clerk, "/scm/backorder/fulfill", new { backorder_guid = guid, expected_revision = 3 }).Problem(HttpStatusCode.Conflict, "invalid_transition");
        await org.Post(org.Clerk, "/scm/backorder/cancel", new { backorder_guid = guid, expected_revision = 3 }).Problem(HttpStatusCode.Conflict, "invalid_transition");
        Assert.Equal((2, 3, 0, 0), await org.StockOf(a));

        var listed = await org.Post("/scm/backorder/list", new { status = "fulfilled", customer_guid = customer }).Ok();
        Assert.Equal(guid, Assert.Single(listed.GetProperty("items").EnumerateArray()).Text("backorder_guid"));
        foreach (var type in new[] { "backorder.created", "backorder.approved", "backorder.fulfilled" })
        {
            Assert.Single(host.Events(org, type), e => e.Text("backorder_guid") == guid);
        }
        Assert.Single(host.Events(org, "order.placed"), e => e.Text("order_guid") == order.Guid());
    }

    [Fact]
    public async Task UC_SCM_005_an_order_line_is_backordered_at_its_price_and_a_backorder_is_cancelled_before_it_is_fulfilled()
    {
        var org = await host.NewOrgAsync(stock: 10);
        await org.TaxPolicy();
        await org.Post("/scm/channel/policy/set", new { channel_code = "web", backorders_allowed = true }).Ok();
        var order = await org.NewOrder(OrderSteps.Line(org.Variants[1], 3));

        await org.Post(org.Clerk, "/scm/backorder/create", new { order_guid = order.Guid(), line_no = 9 })
            .Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        await org.Post(org.Clerk, "/scm/backorder/create", new { order_guid = order.Guid() }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post(org.Clerk, "/scm/backorder/create", new { order_guid = order.Guid(), line_no = 1, variant_guid = org.Variants[1], quantity = 1 })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");

        var backorder = await org.Post(org.Clerk, "/scm/backorder/create", new { order_guid = order.Guid(), line_no = 1, quantity = 2 })
            .Ok(HttpStatusCode.Created);
        var guid = backorder.Text("backorder_guid")!;
        var line = backorder.GetProperty("line");
        Assert.Equal((order.Guid(), 2L, 1100L, 2200L, 418L), (backorder.Text("source_order_guid"), line.GetProperty("quantity").GetInt64(),
            line.GetProperty("unit_minor").GetInt64(), line.GetProperty("net_minor").GetInt64(), line.GetProperty("tax").GetProperty("tax_minor").GetInt64()));

        var cancelled = await org.Post(org.Clerk, "/scm/backorder/cancel", new { backorder_guid = guid, expected_revision = 1, reason = "customer left" }).Ok();
        Assert.Equal(("cancelled", "customer left"), (cancelled.Text("status"), cancelled.Text("status_reason")));
        await org.Post(org.Approver, "/scm/backorder/approve", new { backorder_guid = guid, expected_revision = 2 }).Problem(HttpStatusCode.Conflict, "invalid_transition");
        var listed = await org.Post("/scm/backorder/list", new { order_guid = order.Guid() }).Ok();
        Assert.Equal(guid, Assert.Single(listed.GetProperty("items").EnumerateArray()).Text("backorder_guid"));
        Assert.Single(host.Events(org, "backorder.cancelled"), e => e.Text("backorder_guid") == guid);
    }
}
