using System.Net;
using Retail.Functional.Tests.Ics;
using Retail.Functional.Tests.Infrastructure;
using Retail.Scm.Orders;

namespace Retail.Functional.Tests.Scm;

/// <summary>UC-SCM-003: return shipped goods within the channel's window, restock through ICS, refund to the original tender.</summary>
public sealed class ReturnTests(ScmHost host) : IClassFixture<ScmHost>
{
    [Fact]
    public async Task UC_SCM_003_a_return_received_resellable_is_back_in_available_and_refunded_to_its_tender_once()
    {
        var org = await host.NewOrgAsync(stock: 10);
        var order = await host.PlacedOrderAsync(org, shipped: true);
        var tender = await org.Capture(order);

        var requested = await org.Post(org.Clerk, "/scm/return/request",
            new { order_guid = order.OrderGuid, lines = new[] { new { line_no = 1, quantity = 1 } }, reason = "Too small" }).Ok(HttpStatusCode.Created);
        Assert.Equal("authorized", requested.Str("status"));
        var line = Assert.Single(requested.GetProperty("lines").EnumerateArray());
        Assert.Equal((1000L, 190L), (line.GetProperty("net_minor").GetInt64(), line.GetProperty("tax_minor").GetInt64()));
        Assert.Single(host.Factory.OutboxEvents("scm", org.Orgcode, "return.requested"));
        Assert.Single(host.Factory.OutboxEvents("scm", org.Orgcode, "return.authorized"));

        // Only one of the two shipped is left to ask for while this return is open.
        await org.Post(org.Clerk, "/scm/return/request", new { order_guid = order.OrderGuid, lines = new[] { new { line_no = 1, quantity = 2 } }, reason = "x" })
            .Problem(HttpStatusCode.UnprocessableEntity, "not_returnable");

        var inspected = await org.Post(org.Clerk, "/scm/return/receive", new
        {
            return_guid = requested.Str("return_guid"),
            expected_revision = requested.Revision(),
            lines = new[] { new { line_no = 1, condition = "resellable" } },
            inspection_notes = "Tags on, unworn.",
            refund = "manual",
        }).Ok();
        Assert.Equal("received", inspected.Str("status"));
        // The order had no saga (it was written straight into the store): return.received starts one, which restocks.
        var received = await org.SettledReturnAsync(requested.Str("return_guid"), refunded: false);
        Assert.Equal("received", received.Str("status"));
        Assert.Equal(11, (await org.Inventory.Stock("store-1", org.Variants[0])).GetProperty("available").GetInt64());
        Assert.Equal(1, (await host.OrderAsync(org, order.OrderGuid)).Line(1)!.Returned);
        Assert.Single(host.Factory.OutboxEvents("scm", org.Orgcode, "return.received"));
        Assert.Single(host.Factory.OutboxEvents("scm", org.Orgcode, "return.inspected"));

        // Members do not refund.
        await org.Post(org.Clerk, "/scm/refund/issue", new { return_guid = requested.Str("return_guid"), expected_revision = received.Revision() })
            .Problem(HttpStatusCode.Forbidden, "forbidden");
        var refund = await org.Post(org.Approver, "/scm/refund/issue", new { return_guid = requested.Str("return_guid"), expected_revision = received.Revision() })
            .Ok();
        Assert.Equal(1190, refund.GetProperty("amount_minor").GetInt64());
        Assert.Equal(tender.Str("tender_guid"), Assert.Single(refund.GetProperty("parts").EnumerateArray()).Str("tender_guid"));
        Assert.Equal("resolved", refund.GetProperty("return").Str("status"));
        Assert.Equal("partially_refunded", refund.Str("order_payment_status"));
        var paid = await host.OrderAsync(org, order.OrderGuid);
        Assert.Equal((3689L, 1190L, PaymentStatus.PartiallyRefunded), (paid.CapturedMinor, paid.RefundedMinor, paid.PaymentStatus));
        Assert.Equal(1190, (await org.Post("/scm/tender/get", new { tender_guid = tender.Str("tender_guid") }).Ok()).GetProperty("refunded_minor").GetInt64());
        Assert.Single(host.Factory.OutboxEvents("scm", org.Orgcode, "adjustment.refund"));
        Assert.Single(host.Factory.OutboxEvents("scm", org.Orgcode, "return.resolved"));

        // Never twice.
        await org.Post(org.Approver, "/scm/refund/issue",
                new { return_guid = requested.Str("return_guid"), expected_revision = refund.GetProperty("return").Revision() })
            .Problem(HttpStatusCode.Conflict, "invalid_transition");
        Assert.Equal(1190, (await host.OrderAsync(org, order.OrderGuid)).RefundedMinor);
    }

    [Fact]
    public async Task A_refund_of_more_than_captured_is_422_and_a_damaged_return_goes_to_damaged()
    {
        var org = await host.NewOrgAsync(stock: 10);
        var order = await host.PlacedOrderAsync(org, shipped: true);
        await org.Capture(order, 500);
        var requested = await org.Post(org.Clerk, "/scm/return/request",
            new { order_guid = order.OrderGuid, lines = new[] { new { line_no = 2, quantity = 1 } }, reason = "Arrived torn" }).Ok(HttpStatusCode.Created);
        await org.Post(org.Clerk, "/scm/return/receive", new
        {
            return_guid = requested.Str("return_guid"),
            expected_revision = requested.Revision(),
            lines = new[] { new { line_no = 2, condition = "damaged", note = "Seam torn" } },
            refund = "manual",
        }).Ok();
        var received = await org.SettledReturnAsync(requested.Str("return_guid"), refunded: false);
        var stock = await org.Inventory.Stock("store-1", org.Variants[1]);
        Assert.Equal((10L, 1L), (stock.GetProperty("available").GetInt64(), stock.GetProperty("damaged").GetInt64()));

        // The line is worth 1100 + 209 tax, but only 500 was captured.
        var over = await org.Post(org.Approver, "/scm/refund/issue", new { return_guid = requested.Str("return_guid"), expected_revision = received.Revision() })
            .Problem(HttpStatusCode.UnprocessableEntity, "refund_exceeds_captured");
        Assert.Equal(500, over.GetProperty("refundable_minor").GetInt64());
        await org.Post(org.Approver, "/scm/refund/issue",
                new { return_guid = requested.Str("return_guid"), expected_revision = received.Revision(), amount_minor = 501 })
            .Problem(HttpStatusCode.UnprocessableEntity, "refund_exceeds_captured");
        var refund = await org.Post(org.Approver, "/scm/refund/issue",
            new { return_guid = requested.Str("return_guid"), expected_revision = received.Revision(), amount_minor = 500 }).Ok();
        Assert.Equal("refunded", refund.Str("order_payment_status"));
    }

    [Fact]
    public async Task A_return_outside_the_window_or_of_what_was_not_shipped_is_refused()
    {
        var org = await host.NewOrgAsync(stock: 0);
        var old = await host.PlacedOrderAsync(org, shipped: true, placedAt: DateTimeOffset.UtcNow.AddDays(-31));
        var closed = await org.Post(org.Clerk, "/scm/return/request",
            new { order_guid = old.OrderGuid, lines = new[] { new { line_no = 1, quantity = 1 } }, reason = "Changed my mind" })
            .Problem(HttpStatusCode.UnprocessableEntity, "return_window_closed");
        Assert.Equal(30, closed.GetProperty("return_window_days").GetInt32());

        var unshipped = await host.PlacedOrderAsync(org);
        await org.Post(org.Clerk, "/scm/return/request",
                new { order_guid = unshipped.OrderGuid, lines = new[] { new { line_no = 1, quantity = 1 } }, reason = "Changed my mind" })
            .Problem(HttpStatusCode.UnprocessableEntity, "not_returnable");
        await org.Post(org.Clerk, "/scm/return/request",
                new { order_guid = unshipped.OrderGuid, lines = new[] { new { line_no = 9, quantity = 1 } }, reason = "Changed my mind" })
            .Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        await org.Post(org.Clerk, "/scm/return/request",
                new { order_guid = unshipped.OrderGuid, lines = new[] { new { line_no = 1, quantity = 1 }, new { line_no = 1, quantity = 1 } }, reason = "x" })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.Empty((await org.Post("/scm/return/list", new { order_guid = unshipped.OrderGuid }).Ok()).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task A_receipt_must_name_every_line_of_the_return()
    {
        var org = await host.NewOrgAsync(stock: 0);
        var order = await host.PlacedOrderAsync(org, shipped: true);
        var requested = await org.Post(org.Clerk, "/scm/return/request",
            new { order_guid = order.OrderGuid, lines = new[] { new { line_no = 1, quantity = 2 }, new { line_no = 2, quantity = 1 } }, reason = "Wrong colour" })
            .Ok(HttpStatusCode.Created);
        await org.Post(org.Clerk, "/scm/return/receive", new
        {
            return_guid = requested.Str("return_guid"),
            expected_revision = requested.Revision(),
            lines = new[] { new { line_no = 1, condition = "resellable" } },
        }).Problem(HttpStatusCode.UnprocessableEntity, "return_lines_mismatch");
        var listed = await org.Post("/scm/return/list", new { order_guid = order.OrderGuid, status = "authorized" }).Ok();
        Assert.Equal(requested.Str("return_guid"), Assert.Single(listed.GetProperty("items").EnumerateArray()).Str("return_guid"));
        await org.Post("/scm/return/get", new { return_guid = Guid.CreateVersion7().ToString() }).Problem(HttpStatusCode.NotFound, "not_found");
        await org.Post(org.Clerk, "/scm/comment", new { subject_entity = "return", subject_key = requested.Str("return_guid"), body = "Customer sent photos." })
            .Ok(HttpStatusCode.Created);
    }
}
