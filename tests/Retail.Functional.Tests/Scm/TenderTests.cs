using System.Net;
using Retail.Functional.Tests.Infrastructure;
using Retail.Scm.Orders;
using Retail.Scm.Payments;

namespace Retail.Functional.Tests.Scm;

/// <summary>UC-SCM-003's money half: capture through the payment provider, void before settlement, the day's settlement batch.</summary>
public sealed class TenderTests(ScmHost host) : IClassFixture<ScmHost>
{
    [Fact]
    public async Task UC_SCM_003_a_capture_takes_what_the_order_owes_and_the_order_shows_it_captured()
    {
        var org = await host.NewOrgAsync(stock: 0);
        var order = await host.PlacedOrderAsync(org);

        var tender = await org.Capture(order);
        Assert.Equal(3689, tender.GetProperty("amount_minor").GetInt64());
        Assert.Equal("EUR", tender.Str("currency"));
        Assert.Equal("captured", tender.Str("status"));
        Assert.Equal("card", tender.Str("kind"));
        var paid = await host.OrderAsync(org, order.OrderGuid);
        Assert.Equal((3689L, PaymentStatus.Captured), (paid.CapturedMinor, paid.PaymentStatus));

        var got = await org.Post("/scm/tender/get", new { tender_guid = tender.Str("tender_guid") }).Ok();
        Assert.Equal(tender.Str("provider_ref"), got.Str("provider_ref"));
        var listed = await org.Post("/scm/tender/list", new { order_guid = order.OrderGuid }).Ok();
        Assert.Equal(tender.Str("tender_guid"), Assert.Single(listed.GetProperty("items").EnumerateArray()).Str("tender_guid"));
        Assert.Single(host.Factory.OutboxEvents("scm", org.Orgcode, "tender.captured"));

        // Nothing more is due.
        await org.Post(org.Clerk, "/scm/tender/capture", new { order_guid = order.OrderGuid, amount_minor = 1, payment_method_token = "tok_approve" })
            .Problem(HttpStatusCode.UnprocessableEntity, "amount_exceeds_due");
    }

    [Fact]
    public async Task A_capture_is_refused_for_a_card_number_an_unaccepted_tender_more_than_due_or_an_unplaced_order()
    {
        var org = await host.NewOrgAsync(stock: 0);
        var order = await host.PlacedOrderAsync(org);
        await org.Post(org.Clerk, "/scm/tender/capture", new { order_guid = order.OrderGuid, payment_method_token = "4111 1111 1111 1111" })
            .Problem(HttpStatusCode.UnprocessableEntity, "raw_card_data_refused");
        var notAccepted = await org.Post(org.Clerk, "/scm/tender/capture",
            new { order_guid = order.OrderGuid, tender_kind = "cash", payment_method_token = "tok_approve" })
            .Problem(HttpStatusCode.UnprocessableEntity, "tender_not_accepted");
        Assert.Equal("card", Assert.Single(notAccepted.GetProperty("accepted").EnumerateArray()).GetString());
        await org.Post(org.Clerk, "/scm/tender/capture", new { order_guid = order.OrderGuid, amount_minor = 3690, payment_method_token = "tok_approve" })
            .Problem(HttpStatusCode.UnprocessableEntity, "amount_exceeds_due");
        await org.Post(org.Clerk, "/scm/tender/capture", new { order_guid = Guid.CreateVersion7().ToString(), payment_method_token = "tok_approve" })
            .Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        await org.Post(org.Clerk, "/scm/tender/capture", new { order_guid = order.OrderGuid, payment_method_token = "tok_approve", card_number = "x" })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.Equal(0, (await host.OrderAsync(org, order.OrderGuid)).CapturedMinor);
    }

    [Fact]
    public async Task A_declined_token_is_422_payment_declined_and_nothing_is_captured()
    {
        var org = await host.NewOrgAsync(stock: 0);
        var order = await host.PlacedOrderAsync(org);
        var declined = await org.Post(org.Clerk, "/scm/tender/capture", new { order_guid = order.OrderGuid, payment_method_token = "tok_decline" })
            .Problem(HttpStatusCode.UnprocessableEntity, "payment_declined");
        Assert.Equal("card_declined", declined.Str("reason"));
        Assert.Empty((await org.Post("/scm/tender/list", new { order_guid = order.OrderGuid }).Ok()).GetProperty("items").EnumerateArray());
        Assert.Equal(PaymentStatus.None, (await host.OrderAsync(org, order.OrderGuid)).PaymentStatus);
    }

    [Fact]
    public async Task A_provider_timeout_records_nothing_and_a_retry_with_the_same_key_captures_once()
    {
        var org = await host.NewOrgAsync(stock: 0);
        var order = await host.PlacedOrderAsync(org);
        var body = new { order_guid = order.OrderGuid, payment_method_token = "tok_timeout" };
        var key = $"pay-{Guid.NewGuid():N}";

        await org.Post(org.Clerk, "/scm/tender/capture", body, key).Problem(HttpStatusCode.GatewayTimeout, "payment_provider_timeout");
        Assert.Empty((await org.Post("/scm/tender/list", new { order_guid = order.OrderGuid }).Ok()).GetProperty("items").EnumerateArray());
        Assert.Equal(0, (await host.OrderAsync(org, order.OrderGuid)).CapturedMinor);

        var first = await org.Post(org.Clerk, "/scm/tender/capture", body, key).Ok(HttpStatusCode.Created);
        var again = await org.Post(org.Clerk, "/scm/tender/capture", body, key).Ok(HttpStatusCode.Created);
        Assert.Equal(first.Str("tender_guid"), again.Str("tender_guid"));

        Assert.Single((await org.Post("/scm/tender/list", new { order_guid = order.OrderGuid }).Ok()).GetProperty("items").EnumerateArray());
        Assert.Equal(3689, (await host.OrderAsync(org, order.OrderGuid)).CapturedMinor);
        var charged = host.Provider().Charges.Where(c => c.Key.Contains($"{order.OrderGuid}:capture:{key}", StringComparison.Ordinal)).ToList();
        Assert.Equal(1, Assert.Single(charged).Value);
    }

    [Fact]
    public async Task A_void_gives_the_amount_back_to_the_order_and_the_days_batch_settles_the_rest_once()
    {
        var org = await host.NewOrgAsync(stock: 0);
        var order = await host.PlacedOrderAsync(org);
        var first = await org.Capture(order, 1000);
        var second = await org.Capture(order, 2689);

        await org.Post(org.Clerk, "/scm/tender/void", new { tender_guid = first.Str("tender_guid"), expected_revision = 1 })
            .Problem(HttpStatusCode.Forbidden, "forbidden");
        var voided = await org.Post(org.Approver, "/scm/tender/void", new { tender_guid = first.Str("tender_guid"), expected_revision = 1 }).Ok();
        Assert.Equal("voided", voided.Str("status"));
        var afterVoid = await host.OrderAsync(org, order.OrderGuid);
        Assert.Equal((2689L, PaymentStatus.Captured), (afterVoid.CapturedMinor, afterVoid.PaymentStatus));
        await org.Post(org.Approver, "/scm/tender/void", new { tender_guid = first.Str("tender_guid"), expected_revision = 2 })
            .Problem(HttpStatusCode.Conflict, "invalid_transition");

        var day = second.Str("business_day");
        var settled = await org.Post(org.Approver, "/scm/tender/settle", new { business_day = day }).Ok();
        var batch = settled.GetProperty("batch");
        Assert.Equal(1, settled.GetProperty("settled_now").GetInt32());
        Assert.Equal(day, batch.Str("business_day"));
        var mine = await org.Post("/scm/tender/get", new { tender_guid = second.Str("tender_guid") }).Ok();
        Assert.Equal(("settled", batch.Str("batch_guid")), (mine.Str("status"), mine.Str("settlement_batch_guid")));
        Assert.Equal("voided", (await org.Post("/scm/tender/get", new { tender_guid = first.Str("tender_guid") }).Ok()).Str("status"));

        // The same day again: the same batch, nothing settled twice.
        var again = await org.Post(org.Approver, "/scm/tender/settle", new { business_day = day }).Ok();
        Assert.Equal(batch.Str("batch_guid"), again.GetProperty("batch").Str("batch_guid"));
        Assert.Equal(0, again.GetProperty("settled_now").GetInt32());
        Assert.Equal(batch.GetProperty("tender_count").GetInt32(), again.GetProperty("batch").GetProperty("tender_count").GetInt32());
        Assert.Single(host.Factory.OutboxEvents("scm", org.Orgcode, "tender.settled"));

        await org.Post(org.Approver, "/scm/tender/void", new { tender_guid = second.Str("tender_guid"), expected_revision = mine.Revision() })
            .Problem(HttpStatusCode.Conflict, "tender_settled");
        var byDay = await org.Post("/scm/tender/list", new { status = "settled", business_day = day }).Ok();
        Assert.Equal(second.Str("tender_guid"), Assert.Single(byDay.GetProperty("items").EnumerateArray()).Str("tender_guid"));
    }
}
