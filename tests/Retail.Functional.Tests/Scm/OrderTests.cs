using System.Net;
using System.Text.Json;
using Retail.Functional.Tests.Ics;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;

namespace Retail.Functional.Tests.Scm;

/// <summary>UC-SCM-001 over HTTP: create (prices from PPM, tax from the policy), place (every line held in ICS or none), cancel, line cancel, get, list, search.</summary>
public sealed class OrderTests(ScmHost host) : IClassFixture<ScmHost>
{
    [Fact]
    public async Task UC_SCM_001_an_order_is_created_with_ppm_prices_and_policy_tax_then_placed_holding_every_line_in_ics()
    {
        var org = await host.NewOrgAsync(stock: 10);
        await org.TaxPolicy();
        var (a, b) = (org.Variants[0], org.Variants[1]);

        var order = await org.NewOrder(OrderSteps.Line(a, 2), OrderSteps.BarcodeLine(org.Barcodes[1], 3));
        Assert.Equal(("created", "web", "EUR", 1L), (order.Text("status"), order.Text("channel_code"), order.Text("currency"), order.Revision()));
        Assert.StartsWith("SO-", order.Text("order_number"));
        var first = order.LineNo(1);
        Assert.Equal((a, 2L, 1000L, 1000L, 2000L), (first.Text("variant_guid"), first.GetProperty("quantity").GetInt64(),
            first.GetProperty("list_unit_minor").GetInt64(), first.GetProperty("unit_minor").GetInt64(), first.GetProperty("net_minor").GetInt64()));
        var second = order.LineNo(2);
        // The barcode line resolved through PVM to its variant, and says how it was named.
        Assert.Equal((b, "tee-s-blue", 3300L), (second.Text("variant_guid"), second.Text("variant_code"), second.GetProperty("net_minor").GetInt64()));
        Assert.Contains(org.Barcodes[1], second.Text("requested_as"));
        var tax = first.GetProperty("tax");
        Assert.Equal(("standard", "DE", 19m, false, 380L), (tax.Text("tax_category"), tax.Text("jurisdiction"), tax.GetProperty("rate_percent").GetDecimal(),
            tax.GetProperty("inclusive").GetBoolean(), tax.GetProperty("tax_minor").GetInt64()));
        var totals = order.GetProperty("totals");
        Assert.Equal((5300L, 1007L, 6307L), (totals.GetProperty("subtotal_minor").GetInt64(), totals.GetProperty("tax_minor").GetInt64(),
            totals.GetProperty("total_minor").GetInt64()));
        Assert.Equal((10, 0, 0, 0), await org.StockOf(a)); // creating holds nothing
        Assert.Single(host.Events(org, "order.created"), e => e.Text("order_guid") == order.Guid());

        var placed = await org.Placed(order);
        Assert.Equal(("placed", 2L), (placed.Text("status"), placed.Revision()));
        Assert.True(placed.TryGetProperty("placed_at", out var at) && at.ValueKind == JsonValueKind.String);
        foreach (var line in placed.GetProperty("lines").EnumerateArray())
        {
            Assert.Equal(("reserved", "store-1"), (line.Text("status"), line.Text("facility_code")));
            var hold = line.GetProperty("hold");
            Assert.Equal(("reserved", 1L, "store-1"), (hold.Text("stage"), hold.Revision(), hold.Text("facility_code")));
        }
        Assert.Equal((8, 2, 0, 0), await org.StockOf(a));
        Assert.Equal((7, 3, 0, 0), await org.StockOf(b));
        var holds = await org.HoldsOf(placed, "active");
        Assert.Equal(placed.GetProperty("lines").EnumerateArray().Select(l => l.GetProperty("hold").Text("hold_guid")).Order(),
            holds.Select(h => h.Text("hold_guid")).Order());
        Assert.Single(host.Events(org, "order.placed"), e => e.Text("order_guid") == order.Guid());
        Assert.Single(host.Events(org, "promise.reserved"), e => e.Text("order_guid") == order.Guid());

        // Placing again is not a move the order's lifecycle has.
        await org.Step("/scm/order/place", placed).Problem(HttpStatusCode.Conflict, "invalid_transition");
        await org.Step("/scm/order/place", order).Problem(HttpStatusCode.Conflict, "revision_mismatch");
    }

    [Fact]
    public async Task UC_SCM_001_an_order_is_refused_for_an_unknown_channel_unpriced_lines_unknown_barcodes_and_no_tax_policy()
    {
        var org = await host.NewOrgAsync(stock: 5);
        var a = org.Variants[0];
        // No tax policy yet: the order cannot be taxed.
        await org.CreateOrder([OrderSteps.Line(a, 1)]).Problem(HttpStatusCode.UnprocessableEntity, "no_tax_policy");
        await org.TaxPolicy();

        var channel = await org.CreateOrder([OrderSteps.Line(a, 1)], channel: "nowhere").Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        Assert.Equal("channel_code", channel.Text("field"));
        await org.Clerk.Client.PostJsonAsync("/scm/order/create", new { channel_code = "web", lines = new[] { OrderSteps.Line(a, 1) }, delivery = OrderSteps.Ship() },
            HttpJson.Headers(("x-orgcode", org.Orgcode), ("x-channel-code", "pos"))).Problem(HttpStatusCode.BadRequest, "context_mismatch");
        await org.Clerk.Client.PostJsonAsync("/scm/order/create", new { lines = new[] { OrderSteps.Line(a, 1) }, delivery = OrderSteps.Ship() },
            HttpJson.Headers(("x-orgcode", org.Orgcode))).Problem(HttpStatusCode.BadRequest, "validation_failed");
        // The channel from x-channel-code.
        var byHeader = await org.Clerk.Client.PostJsonAsync("/scm/order/create", new { lines = new[] { OrderSteps.Line(a, 1) }, delivery = OrderSteps.Ship() },
            HttpJson.Headers(("x-orgcode", org.Orgcode), ("x-channel-code", "pos"))).Ok(HttpStatusCode.Created);
        Assert.Equal("pos", byHeader.Text("channel_code"));

        // A channel PPM has no price list for: every line is named.
        await org.Post("/ofm/sales-channel/create", new { channel_code = "b2b", name = "b2b", kind = "ecom", market_code = "de", locale_codes = new[] { "de-DE" },
            currency = "EUR", facility_code = "store-1" }).Ok(HttpStatusCode.Created);
        var unpriced = await org.CreateOrder([OrderSteps.Line(a, 1), OrderSteps.Line(org.Variants[1], 1)], channel: "b2b")
            .Problem(HttpStatusCode.UnprocessableEntity, "unpriced");
        Assert.Equal([1, 2], unpriced.GetProperty("lines").EnumerateArray().Select(l => l.GetProperty("line_no").GetInt32()));

        var unknown = await org.CreateOrder([OrderSteps.Line(a, 1), OrderSteps.BarcodeLine("4006381333931", 1)])
            .Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        Assert.Equal(2, unknown.GetProperty("line_no").GetInt32());
        await org.CreateOrder([new { variant_guid = a, barcode = org.Barcodes[0], quantity = 1 }]).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.CreateOrder([new { quantity = 1 }]).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.CreateOrder([OrderSteps.Line(a, 0)]).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.CreateOrder([]).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.CreateOrder([OrderSteps.Line(a, 1)], delivery: new { method = "ship" }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.CreateOrder([OrderSteps.Line(a, 1)], delivery: new { method = "pickup" }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        var pickup = await org.CreateOrder([OrderSteps.Line(a, 1)], delivery: new { method = "pickup", pickup_facility_code = "moon-base" })
            .Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        Assert.Equal("delivery.pickup_facility_code", pickup.Text("field"));
        await org.Post("/scm/order/create", new { channel_code = "web", lines = new[] { OrderSteps.Line(a, 1) }, delivery = OrderSteps.Ship(), price_minor = 1 })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");

        // A pickup order is taxed where the facility is (its legal entity's country, DE).
        var collected = await org.CreateOrder([OrderSteps.Line(a, 1)], delivery: new { method = "pickup", pickup_facility_code = "store-2" })
            .Ok(HttpStatusCode.Created);
        Assert.Equal("DE", collected.LineNo(1).GetProperty("tax").Text("jurisdiction"));

        await org.CreateOrder([OrderSteps.Line(a, 1)], orderNumber: "WEB-1001").Ok(HttpStatusCode.Created);
        await org.CreateOrder([OrderSteps.Line(a, 1)], orderNumber: "WEB-1001").Problem(HttpStatusCode.Conflict, "duplicate");

        var viewer = host.Factory.NewUser("viewer");
        await org.Owner.Join(org.Orgcode, viewer, "viewer");
        await org.CreateOrder([OrderSteps.Line(a, 1)], user: viewer).Problem(HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task UC_SCM_001_placing_without_enough_stock_names_the_short_lines_and_holds_nothing()
    {
        var org = await host.NewOrgAsync(stock: 3);
        await org.TaxPolicy();
        var (a, b, c) = (org.Variants[0], org.Variants[1], org.Variants[2]);
        var order = await org.NewOrder(OrderSteps.Line(a, 2), OrderSteps.Line(b, 5), OrderSteps.Line(c, 4));

        var refused = await org.Step("/scm/order/place", order).Problem(HttpStatusCode.Conflict, "insufficient_stock");
        var lines = refused.GetProperty("lines").EnumerateArray().ToList();
        Assert.Equal([2, 3], lines.Select(l => l.GetProperty("line_no").GetInt32()));
        Assert.Equal((b, 5L, 3L), (lines[0].Text("variant_guid"), lines[0].GetProperty("requested").GetInt64(), lines[0].GetProperty("available").GetInt64()));
        Assert.Equal((c, 4L, 3L), (lines[1].Text("variant_guid"), lines[1].GetProperty("requested").GetInt64(), lines[1].GetProperty("available").GetInt64()));

        var unchanged = await org.Post("/scm/order/get", new { order_guid = order.Guid() }).Ok();
        Assert.Equal(("created", 1L), (unchanged.Text("status"), unchanged.Revision()));
        Assert.All(unchanged.GetProperty("lines").EnumerateArray(), l => Assert.Equal(JsonValueKind.Null, l.GetProperty("hold").ValueKind));
        Assert.Equal((3, 0, 0, 0), await org.StockOf(a));
        Assert.Empty(await org.HoldsOf(order));

        // Once the stock is there, the same order places.
        await org.Inventory.Receive("store-1", b, 2);
        await org.Inventory.Receive("store-1", c, 1);
        var placed = await org.Placed(unchanged);
        Assert.Equal("placed", placed.Text("status"));
        Assert.Equal((0, 5, 0, 0), await org.StockOf(b));
    }

    [Fact]
    public async Task UC_SCM_001_racing_places_of_one_order_leave_exactly_the_winners_holds_in_ics()
    {
        var org = await host.NewOrgAsync(stock: 100);
        await org.TaxPolicy();
        var a = org.Variants[2];
        var order = await org.NewOrder(OrderSteps.Line(a, 2));

        // Every racer reads revision 1; the losers of the order's ETag release what they reserved (or never reserve).
        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => org.Step("/scm/order/place", order)));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        foreach (var lost in responses.Where(r => r.StatusCode != HttpStatusCode.OK))
        {
            Assert.Equal(HttpStatusCode.Conflict, lost.StatusCode);
            Assert.Contains(await lost.ProblemCodeAsync(), new[] { "revision_mismatch", "invalid_transition" });
        }
        var placed = await org.Post("/scm/order/get", new { order_guid = order.Guid() }).Ok();
        var active = Assert.Single(await org.HoldsOf(order, "active"));
        Assert.Equal(placed.LineNo(1).GetProperty("hold").Text("hold_guid"), active.Text("hold_guid"));
        Assert.Equal((98, 2, 0, 0), await org.StockOf(a));
        Assert.True((await host.Factory.ReconcileAsync(org.Orgcode, "store-1", a)).Agrees);
    }

    [Fact]
    public async Task UC_SCM_001_cancelling_a_placed_order_releases_every_hold_in_ics()
    {
        var org = await host.NewOrgAsync(stock: 10);
        await org.TaxPolicy();
        var (a, b) = (org.Variants[3], org.Variants[4]);
        var placed = await org.Placed(await org.NewOrder(OrderSteps.Line(a, 4), OrderSteps.Line(b, 1)));
        Assert.Equal((6, 4, 0, 0), await org.StockOf(a));

        await org.Step("/scm/order/cancel", placed, new { expected_revision = (long?)null }).Problem(HttpStatusCode.BadRequest, "expected_revision_required");
        var cancelled = await org.Step("/scm/order/cancel", placed, new { reason = "customer changed their mind" }).Ok();
        Assert.Equal(("cancelled", "customer changed their mind"), (cancelled.Text("status"), cancelled.Text("status_reason")));
        Assert.All(cancelled.GetProperty("lines").EnumerateArray(), l => Assert.Equal("cancelled", l.Text("status")));
        Assert.Equal(0, cancelled.GetProperty("totals").GetProperty("total_minor").GetInt64());
        Assert.Equal((10, 0, 0, 0), await org.StockOf(a));
        Assert.Equal((10, 0, 0, 0), await org.StockOf(b));
        Assert.Empty(await org.HoldsOf(placed, "active"));
        Assert.Single(host.Events(org, "order.cancelled"), e => e.Text("order_guid") == placed.Guid());
        await org.Step("/scm/order/cancel", cancelled).Problem(HttpStatusCode.Conflict, "invalid_transition");

        // A created order is cancelled without asking ICS anything.
        var created = await org.NewOrder(OrderSteps.Line(a, 1));
        Assert.Equal("cancelled", (await org.Step("/scm/order/cancel", created).Ok()).Text("status"));
    }

    [Fact]
    public async Task UC_SCM_001_cancelling_part_of_a_line_releases_that_much_and_the_last_line_cancels_the_order()
    {
        var org = await host.NewOrgAsync(stock: 10);
        await org.TaxPolicy();
        var (a, b) = (org.Variants[0], org.Variants[5]);
        var order = await org.Placed(await org.NewOrder(OrderSteps.Line(a, 3), OrderSteps.Line(b, 2)));

        await org.Step("/scm/order/line/cancel", order, new { line_no = 1, quantity = 4 }).Problem(HttpStatusCode.UnprocessableEntity, "quantity_exceeds_open");
        await org.Step("/scm/order/line/cancel", order, new { line_no = 9 }).Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");

        order = await org.Step("/scm/order/line/cancel", order, new { line_no = 1, quantity = 1, reason = "one too many" }).Ok();
        var line = order.LineNo(1);
        Assert.Equal(("reserved", 1L, 2L), (line.Text("status"), line.GetProperty("cancelled_quantity").GetInt64(), line.GetProperty("hold").Revision()));
        Assert.Equal((8, 2, 0, 0), await org.StockOf(a));
        var hold = await org.Post("/ics/hold/get", new { hold_guid = line.GetProperty("hold").Text("hold_guid") }).Ok();
        Assert.Equal(("active", 2L), (hold.Text("status"), hold.GetProperty("quantity").GetInt64()));
        // Totals follow: 2 of line 1 (2,000) and line 2 (2 × 1,500), 19 % on top.
        Assert.Equal(5000, order.GetProperty("totals").GetProperty("subtotal_minor").GetInt64());

        order = await org.Step("/scm/order/line/cancel", order, new { line_no = 2 }).Ok();
        Assert.Equal(("placed", "cancelled"), (order.Text("status"), order.LineNo(2).Text("status")));
        Assert.Equal((10, 0, 0, 0), await org.StockOf(b));

        order = await org.Step("/scm/order/line/cancel", order, new { line_no = 1 }).Ok();
        Assert.Equal("cancelled", order.Text("status"));
        Assert.Equal((10, 0, 0, 0), await org.StockOf(a));
        Assert.Empty(await org.HoldsOf(order, "active"));
        var cancelledLines = host.Events(org, "order.line_cancelled").Where(e => e.Text("order_guid") == order.Guid()).ToList();
        Assert.Equal([1, 2, 1], cancelledLines.Select(e => e.GetProperty("line_no").GetInt32()));
        Assert.Single(host.Events(org, "order.cancelled"), e => e.Text("order_guid") == order.Guid());
        await org.Step("/scm/order/line/cancel", order, new { line_no = 1 }).Problem(HttpStatusCode.Conflict, "invalid_transition");
    }

    [Fact]
    public async Task UC_SCM_001_orders_are_read_by_guid_or_number_listed_newest_first_and_searched()
    {
        var org = await host.NewOrgAsync(stock: 10);
        await org.TaxPolicy();
        var a = org.Variants[0];
        var customer = Guid.CreateVersion7().ToString();
        var first = await org.CreateOrder([OrderSteps.Line(a, 1)], customer: new { customer_guid = customer, email = "Grace@Example.com" }, orderNumber: "WEB-1")
            .Ok(HttpStatusCode.Created);
        var second = await org.CreateOrder([OrderSteps.Line(a, 1)], channel: "pos", customer: new { email = "linus@example.com" }).Ok(HttpStatusCode.Created);
        var third = await org.Placed(await org.CreateOrder([OrderSteps.Line(a, 1)], customer: new { customer_guid = customer }).Ok(HttpStatusCode.Created));

        Assert.Equal(first.Guid(), (await org.Post("/scm/order/get", new { order_guid = first.Guid() }).Ok()).Guid());
        Assert.Equal(first.Guid(), (await org.Post("/scm/order/get", new { order_number = "WEB-1" }).Ok()).Guid());
        await org.Post("/scm/order/get", new { order_number = "WEB-404" }).Problem(HttpStatusCode.NotFound, "not_found");
        await org.Post("/scm/order/get", new { }).Problem(HttpStatusCode.BadRequest, "validation_failed");

        static IReadOnlyList<string> Guids(JsonElement page) => page.GetProperty("items").EnumerateArray().Select(o => o.Guid()).ToList();
        Assert.Equal([third.Guid(), second.Guid(), first.Guid()], Guids(await org.Post("/scm/order/list", new { }).Ok()));
        Assert.Equal([second.Guid(), first.Guid()], Guids(await org.Post("/scm/order/list", new { status = "created" }).Ok()));
        Assert.Equal([second.Guid()], Guids(await org.Post("/scm/order/list", new { channel_code = "pos" }).Ok()));
        Assert.Equal([third.Guid(), first.Guid()], Guids(await org.Post("/scm/order/list", new { customer_guid = customer }).Ok()));
        var page = await org.Post("/scm/order/list", new { limit = 2 }).Ok();
        Assert.Equal([third.Guid(), second.Guid()], Guids(page));
        Assert.Equal([first.Guid()], Guids(await org.Post("/scm/order/list", new { limit = 2, next_token = page.Text("next_token") }).Ok()));

        Assert.Equal([first.Guid()], Guids(await org.Post("/scm/order/search", new { customer_email = "grace@example.com" }).Ok()));
        Assert.Equal([third.Guid()], Guids(await org.Post("/scm/order/search", new { customer_guid = customer, status = "placed" }).Ok()));
        Assert.Equal([first.Guid()], Guids(await org.Post("/scm/order/search", new { order_number = "WEB-1" }).Ok()));
        Assert.Empty(Guids(await org.Post("/scm/order/search", new { order_number = "WEB-1", channel_code = "pos" }).Ok()));
        var createdAt = second.GetProperty("created_at").GetDateTimeOffset();
        Assert.Equal([third.Guid(), second.Guid()], Guids(await org.Post("/scm/order/search", new { created_from = createdAt }).Ok()));
        Assert.Equal([first.Guid()], Guids(await org.Post("/scm/order/search", new { created_to = createdAt }).Ok()));
        await org.Post("/scm/order/search", new { customer_email = "not-an-email" }).Problem(HttpStatusCode.BadRequest, "validation_failed");

        var other = await host.NewOrgAsync("scx", stock: 0);
        await other.Post("/scm/order/get", new { order_guid = first.Guid() }).Problem(HttpStatusCode.NotFound, "not_found");
        Assert.Empty(Guids(await other.Post("/scm/order/list", new { }).Ok()));
    }
}
