using System.Net;
using Dapr.Workflow;
using Retail.Functional.Tests.Ics;
using Retail.Functional.Tests.Infrastructure;
using Retail.Scm.Payments;
using Retail.Workflows.Scheduling;

namespace Retail.Functional.Tests.Scm;

/// <summary>
/// The OrderToReturn saga over HTTP: the client and people take their steps through the endpoints; the saga, started from
/// order.placed, allocates and commits once the tender is captured, restocks and refunds each received return, and
/// compensates when the capture does not come or ICS refuses the stock.
/// </summary>
public sealed class OrderSagaTests(ScmHost host) : IClassFixture<ScmHost>
{
    [Fact]
    public async Task An_order_placed_and_captured_is_committed_by_its_saga_and_a_return_of_it_is_restocked_and_refunded_once()
    {
        var org = await host.NewOrgAsync(stock: 10);
        await org.TaxPolicy();
        var orderGuid = (await org.PlacedOrderAsync()).Guid();
        await host.Factory.SagaAtAsync(org, orderGuid, "await_capture");

        var tender = await org.CaptureAsync(orderGuid);
        var committed = await org.CommittedBySagaAsync(orderGuid);
        Assert.All(committed.GetProperty("lines").EnumerateArray(), l => Assert.Equal("committed", l.GetProperty("hold").Text("stage")));
        Assert.Equal((8L, 0L, 0L, 2L), await org.StockOf(org.Variants[0]));
        Assert.Equal((9L, 0L, 0L, 1L), await org.StockOf(org.Variants[1]));

        await org.ShipAndDeliverAsync(orderGuid);
        await host.Factory.SagaAtAsync(org, orderGuid, "await_returns");
        var received = await org.ReturnAsync(orderGuid, lineNo: 1, quantity: 2);
        Assert.Equal("received", received.Text("status"));
        var settled = await org.SettledReturnAsync(received.Text("return_guid")!);

        // 2 × 1000 + 19 % tax, to the one tender, once.
        Assert.Equal(("resolved", 2380L, "service:scm"), (settled.Text("status"), settled.Long("refunded_minor"), settled.Text("resolved_by")));
        var part = Assert.Single(settled.GetProperty("refunds").EnumerateArray());
        Assert.Equal((tender.Text("tender_guid"), 2380L), (part.Text("tender_guid"), part.Long("amount_minor")));
        Assert.NotNull(part.Text("provider_ref"));
        var order = await org.OrderAsync(orderGuid);
        Assert.Equal(("fulfilled", "partially_refunded", 3689L, 2380L), (order.Text("status"), order.Text("payment_status"), order.Long("captured_minor"),
            order.Long("refunded_minor")));
        Assert.Equal(2, order.LineNo(1).Long("returned"));
        var paid = await org.Post("/scm/tender/get", new { tender_guid = tender.Text("tender_guid") }).Ok();
        Assert.Equal(("captured", 2380L), (paid.Text("status"), paid.Long("refunded_minor")));
        Assert.Single(host.Provider().Charges.Keys, k => k.StartsWith($"{org.Orgcode}|refund|", StringComparison.Ordinal));

        // The goods are back in available: one ICS receipt for the return, one receipt movement on the card besides the opening stock.
        Assert.Equal((10L, 0L, 0L, 0L), await org.StockOf(org.Variants[0]));
        var receipt = Assert.Single(await org.IcsReceiptsOfAsync(received.Text("return_guid")!));
        Assert.Equal(receipt.Text("receipt_guid"), Assert.Single(settled.GetProperty("restock_receipts").EnumerateArray()).GetString());
        Assert.Equal(2, (await org.CardMovesAsync(org.Variants[0], "receipt")).Count);

        foreach (var type in new[] { "order.placed", "tender.captured", "promise.allocated", "promise.committed", "fulfillment.delivered", "return.received",
                     "adjustment.refund", "return.resolved" })
        {
            Assert.Single(host.Events(org, type));
        }
        Assert.Empty(host.Events(org, "order.cancelled"));
        var saga = await host.Factory.SagaAtAsync(org, orderGuid, "await_returns");
        Assert.Equal(WorkflowRuntimeStatus.Running, saga.RuntimeStatus);
    }

    [Fact]
    public async Task A_received_return_left_to_an_admin_is_restocked_by_the_saga_and_refunded_by_hand_within_what_was_captured()
    {
        var org = await host.NewOrgAsync(stock: 10);
        await org.TaxPolicy();
        var orderGuid = (await org.PlacedOrderAsync()).Guid();
        await org.CaptureAsync(orderGuid);
        await org.CommittedBySagaAsync(orderGuid);
        await org.ShipAndDeliverAsync(orderGuid);

        var received = await org.ReturnAsync(orderGuid, lineNo: 2, quantity: 1, condition: "damaged", refund: "manual");
        var restocked = await org.SettledReturnAsync(received.Text("return_guid")!, refunded: false);
        Assert.Equal(("received", "manual"), (restocked.Text("status"), restocked.Text("refund_mode")));
        var stock = await org.Inventory.Stock("store-1", org.Variants[1]);
        Assert.Equal((9L, 1L), (stock.Long("available"), stock.Long("damaged")));

        await org.Post(org.Approver, "/scm/refund/issue",
                new { return_guid = restocked.Text("return_guid"), expected_revision = restocked.Revision(), amount_minor = 3690 })
            .Problem(HttpStatusCode.UnprocessableEntity, "refund_exceeds_captured");
        var refund = await org.Post(org.Approver, "/scm/refund/issue",
            new { return_guid = restocked.Text("return_guid"), expected_revision = restocked.Revision(), amount_minor = 1000 }).Ok();
        Assert.Equal(("resolved", 1000L), (refund.GetProperty("return").Text("status"), refund.Long("amount_minor")));
        Assert.Equal(1000, (await org.OrderAsync(orderGuid)).Long("refunded_minor"));
        Assert.Single(host.Events(org, "adjustment.refund"));
    }

    [Fact]
    public async Task An_order_whose_allocation_ICS_refuses_is_cancelled_its_tender_voided_once_and_its_stock_back()
    {
        var org = await host.NewOrgAsync(stock: 10);
        await org.TaxPolicy();
        var placed = await org.PlacedOrderAsync();
        var orderGuid = placed.Guid();
        await host.Factory.SagaAtAsync(org, orderGuid, "await_capture");
        // The reservation ends behind SCM's back (an admin expires it in ICS).
        var hold = (await org.HoldsOf(placed)).First(h => h.Text("variant_guid") == org.Variants[0]);
        await org.Post("/ics/reservation/expire", new { hold_guid = hold.Text("hold_guid"), expected_revision = hold.Revision() }).Ok();

        var tender = await org.CaptureAsync(orderGuid);
        var cancelled = await org.OrderInAsync(orderGuid, "cancelled", "voided");
        Assert.Equal(("stock_refused:hold_ended", 0L), (cancelled.Text("status_reason"), cancelled.Long("captured_minor")));
        var voided = await org.Post("/scm/tender/get", new { tender_guid = tender.Text("tender_guid") }).Ok();
        Assert.Equal(("voided", "service:scm"), (voided.Text("status"), voided.Text("voided_by")));
        Assert.Single(host.Provider().Charges.Keys, k => k == $"{org.Orgcode}|void|{tender.Text("tender_guid")}:void");
        Assert.Equal((10L, 0L, 0L, 0L), await org.StockOf(org.Variants[0]));
        Assert.Equal((10L, 0L, 0L, 0L), await org.StockOf(org.Variants[1]));
        Assert.All(await org.HoldsOf(placed), h => Assert.NotEqual("active", h.Text("status")));
        Assert.Single(host.Events(org, "order.cancelled"));
        Assert.Single(host.Events(org, "tender.voided"));
        Assert.Empty(host.Events(org, "promise.allocated"));
        var saga = await host.Factory.SagaAtAsync(org, orderGuid, null);
        Assert.Equal("compensated", saga.Output?.GetString());

        // Cancelled: no second capture.
        await org.Post(org.Clerk, "/scm/tender/capture", new { order_guid = orderGuid, payment_method_token = "pm_visa_4242" })
            .Problem(HttpStatusCode.UnprocessableEntity, "order_not_payable");
    }

    [Fact]
    public async Task An_order_not_captured_in_time_has_its_reservations_released_and_is_cancelled_once()
    {
        await using var factory = ScmHost.Start();
        factory.Settings["Scm:Saga:CaptureTimeout"] = "00:00:02";
        using var @operator = factory.CreateOperatorClient();
        var org = await ScmHost.NewOrgAsync(factory, @operator, stock: 10);
        await org.TaxPolicy();
        var placed = await org.PlacedOrderAsync();
        Assert.Equal((8L, 2L, 0L, 0L), await org.StockOf(org.Variants[0]));

        var cancelled = await org.OrderInAsync(placed.Guid(), "cancelled");
        Assert.Equal("capture_timeout", cancelled.Text("status_reason"));
        Assert.All(cancelled.GetProperty("lines").EnumerateArray(), l => Assert.Equal("cancelled", l.Text("status")));
        Assert.Equal((10L, 0L, 0L, 0L), await org.StockOf(org.Variants[0]));
        Assert.Equal((10L, 0L, 0L, 0L), await org.StockOf(org.Variants[1]));
        Assert.All(await org.HoldsOf(placed), h => Assert.Equal("released", h.Text("status")));
        var saga = await factory.SagaAtAsync(org, placed.Guid(), null);
        Assert.Equal("capture_timed_out", saga.Output?.GetString());
        Assert.Single(factory.OutboxEvents("scm", org.Orgcode, "order.cancelled"));
        await org.Post(org.Clerk, "/scm/tender/capture", new { order_guid = placed.Guid(), payment_method_token = "pm_visa_4242" })
            .Problem(HttpStatusCode.UnprocessableEntity, "order_not_payable");
    }

    [Fact]
    public async Task An_order_delivered_in_a_channel_without_a_return_window_is_closed_by_its_saga()
    {
        var org = await host.NewOrgAsync(stock: 10);
        await org.TaxPolicy();
        await org.Post("/scm/channel/policy/set", new { channel_code = "pos", return_window_days = 0 }).Ok();
        var created = await org.CreateOrder([OrderSteps.Line(org.Variants[2], 1)], channel: "pos").Ok(HttpStatusCode.Created);
        var orderGuid = (await org.Placed(created)).Guid();
        await org.CaptureAsync(orderGuid);
        await org.CommittedBySagaAsync(orderGuid);
        await org.ShipAndDeliverAsync(orderGuid);

        var saga = await host.Factory.SagaAtAsync(org, orderGuid, null);
        Assert.Equal("closed", saga.Output?.GetString());
        var closed = await org.OrderAsync(orderGuid);
        Assert.Equal(("closed", "return_window_closed"), (closed.Text("status"), closed.Text("status_reason")));
        Assert.NotNull(closed.Text("closed_at"));
        Assert.Single(host.Events(org, "order.closed"), e => e.Text("order_guid") == orderGuid);
    }

    [Fact]
    public async Task An_order_cancelled_by_a_person_while_its_saga_waits_for_the_capture_ends_the_saga()
    {
        var org = await host.NewOrgAsync(stock: 10);
        await org.TaxPolicy();
        var placed = await org.PlacedOrderAsync();
        await host.Factory.SagaAtAsync(org, placed.Guid(), "await_capture");
        await org.Step("/scm/order/cancel", placed, new { reason = "customer called" }).Ok();

        var saga = await host.Factory.SagaAtAsync(org, placed.Guid(), null);
        Assert.Equal("cancelled", saga.Output?.GetString());
        Assert.Equal("customer called", (await org.OrderAsync(placed.Guid())).Text("status_reason"));
        Assert.Single(host.Events(org, "order.cancelled"));
    }

    [Fact]
    public async Task Receiving_a_return_with_an_unknown_refund_mode_is_400()
    {
        var org = await host.NewOrgAsync(stock: 0);
        await org.Post(org.Clerk, "/scm/return/receive", new
        {
            return_guid = Guid.CreateVersion7().ToString(),
            expected_revision = 1,
            lines = new[] { new { line_no = 1, condition = "resellable" } },
            refund = "later",
        }).Problem(HttpStatusCode.BadRequest, "validation_failed");
    }
}
