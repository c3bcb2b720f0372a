using System.Net;
using Retail.Functional.Tests.Ics;
using Retail.Functional.Tests.Infrastructure;

namespace Retail.Functional.Tests.Scm;

/// <summary>
/// UC-SCM-003 end to end over the real endpoints: create → place → commit → capture → ship → deliver → return → receive (the
/// saga restocks) → refund by an admin.
/// </summary>
public sealed class ReturnFlowTests(ScmHost host) : IClassFixture<ScmHost>
{
    [Fact]
    public async Task UC_SCM_003_an_order_placed_paid_shipped_and_delivered_is_returned_restocked_and_refunded_within_what_was_captured()
    {
        var org = await host.NewOrgAsync(stock: 10);
        await org.Post("/scm/tax/policy/set", new
        {
            jurisdiction = "DE",
            rates = new[] { new { tax_category = "standard", rate_percent = 19m } },
            effective_from = DateTimeOffset.UtcNow.AddHours(-1),
        }).Ok();
        var created = await org.Post(org.Clerk, "/scm/order/create", new
        {
            channel_code = "web",
            lines = new[] { new { variant_guid = org.Variants[0], quantity = 2 } },
            delivery = new { method = "ship", address = new { name = "Ana", line1 = "Hauptstr. 1", city = "Berlin", postal_code = "10115", country = "DE" } },
        }).Ok(HttpStatusCode.Created);
        var orderGuid = created.Str("order_guid");
        var total = created.GetProperty("totals").GetProperty("total_minor").GetInt64();
        Assert.Equal(2380, total);
        var placed = await org.Post(org.Clerk, "/scm/order/place", new { order_guid = orderGuid, expected_revision = created.Revision() }).Ok();
        var committed = await org.Post(org.Clerk, "/scm/order/promise/commit", new { order_guid = orderGuid, expected_revision = placed.Revision() }).Ok();

        // Refunds are never more than captured: nothing yet.
        var tender = await org.Post(org.Clerk, "/scm/tender/capture", new { order_guid = orderGuid, payment_method_token = "pm_visa_4242" })
            .Ok(HttpStatusCode.Created);
        Assert.Equal(total, tender.GetProperty("amount_minor").GetInt64());

        var shipment = await org.Shipment(orderGuid);
        shipment = await org.ShipAll(shipment);
        await org.Step(shipment, "deliver").Ok();
        Assert.Equal(8, (await org.Inventory.Stock("store-1", org.Variants[0])).GetProperty("available").GetInt64());

        var requested = await org.Post(org.Clerk, "/scm/return/request",
            new { order_guid = orderGuid, lines = new[] { new { line_no = 1, quantity = 2 } }, reason = "Does not fit" }).Ok(HttpStatusCode.Created);
        await org.Post(org.Clerk, "/scm/return/receive", new
        {
            return_guid = requested.Str("return_guid"),
            expected_revision = requested.Revision(),
            lines = new[] { new { line_no = 1, condition = "resellable" } },
            refund = "manual",
        }).Ok();
        // The order's saga restocks the return; the refund is left to an admin.
        var received = await org.SettledReturnAsync(requested.Str("return_guid"), refunded: false);
        Assert.Equal(10, (await org.Inventory.Stock("store-1", org.Variants[0])).GetProperty("available").GetInt64());
        var receipts = await org.Post("/ics/receive/list", new { reference = new { kind = "return", id = requested.Str("return_guid") } }).Ok();
        Assert.Single(receipts.GetProperty("items").EnumerateArray());

        await org.Post(org.Approver, "/scm/refund/issue",
                new { return_guid = requested.Str("return_guid"), expected_revision = received.Revision(), amount_minor = total + 1 })
            .Problem(HttpStatusCode.UnprocessableEntity, "refund_exceeds_captured");
        var refund = await org.Post(org.Approver, "/scm/refund/issue", new { return_guid = requested.Str("return_guid"), expected_revision = received.Revision() })
            .Ok();
        Assert.Equal(total, refund.GetProperty("amount_minor").GetInt64());
        var order = await org.Post("/scm/order/get", new { order_guid = orderGuid }).Ok();
        Assert.Equal(("refunded", total, total), (order.Str("payment_status"), order.GetProperty("captured_minor").GetInt64(),
            order.GetProperty("refunded_minor").GetInt64()));
        Assert.Equal(2, order.GetProperty("lines")[0].GetProperty("returned").GetInt64());
    }
}
