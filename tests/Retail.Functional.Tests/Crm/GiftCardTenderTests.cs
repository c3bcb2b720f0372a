using System.Net;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Scm;
using Retail.Scm.Orders;

namespace Retail.Functional.Tests.Crm;

/// <summary>UC-CRM-004 with UC-SCM-003: a gift card as tender on an SCM order, taken and given back through CRM's ledger.</summary>
public sealed class GiftCardTenderTests(CrmScmHost host) : IClassFixture<CrmScmHost>
{
    [Fact]
    public async Task UC_CRM_004_a_gift_card_pays_part_of_an_order_its_capture_redeems_once_and_its_void_restores()
    {
        var (crm, scm) = await host.NewOrgAsync();
        await scm.Post("/scm/channel/policy/set", new { channel_code = "web", accepted_tenders = new[] { "card", "gift_card" } }).Ok();
        var issued = await crm.IssueAsync(amount: 5000);
        var code = issued.Str("code");
        var cardGuid = issued.GetProperty("giftcard").Str("giftcard_guid");
        var order = await host.PlacedOrderAsync(scm);

        var body = new { order_guid = order.OrderGuid, amount_minor = 2000, tender_kind = "gift_card", payment_method_token = code };
        var tender = await scm.Post(scm.Clerk, "/scm/tender/capture", body, "pay-gc-1").Ok(HttpStatusCode.Created);
        Assert.Equal(("gift_card", "crm:giftcard", 2000L), (tender.Str("kind"), tender.Str("provider"), tender.GetProperty("amount_minor").GetInt64()));
        // The tender keeps the card, never its code.
        Assert.Equal($"giftcard:{cardGuid}", tender.Str("payment_method_token"));
        Assert.DoesNotContain(code[..4], tender.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(3000, await crm.BalanceOf(code));

        // The same capture again (same Idempotency-Key) redeems nothing more.
        var replay = await scm.Post(scm.Clerk, "/scm/tender/capture", body, "pay-gc-1").Ok(HttpStatusCode.Created);
        Assert.Equal(tender.Str("tender_guid"), replay.Str("tender_guid"));
        Assert.Equal(3000, await crm.BalanceOf(code));

        // The rest by card; the order is paid in full.
        await scm.Capture(order);
        Assert.Equal(3689, (await host.OrderAsync(scm, order.OrderGuid)).CapturedMinor);

        var voided = await scm.Post("/scm/tender/void", new { tender_guid = tender.Str("tender_guid"), expected_revision = 1 }).Ok();
        Assert.Equal("voided", voided.Str("status"));
        Assert.Equal(5000, await crm.BalanceOf(code));
        var ledger = await crm.Post(crm.Viewer, "/crm/giftcard/entry/list", new { giftcard_guid = cardGuid }).Ok();
        Assert.Equal(["issue", "redeem", "restore"], ledger.GetProperty("items").EnumerateArray().Select(e => e.Str("kind")));
        Assert.Equal(1689, (await host.OrderAsync(scm, order.OrderGuid)).CapturedMinor);
    }

    [Fact]
    public async Task UC_CRM_004_a_gift_card_tender_is_declined_with_CRMs_reason_and_nothing_is_captured()
    {
        var (crm, scm) = await host.NewOrgAsync();
        await scm.Post("/scm/channel/policy/set", new { channel_code = "web", accepted_tenders = new[] { "card", "gift_card" } }).Ok();
        var code = (await crm.IssueAsync(amount: 1000)).Str("code");
        var order = await host.PlacedOrderAsync(scm);

        var tooMuch = await scm.Post(scm.Clerk, "/scm/tender/capture",
                new { order_guid = order.OrderGuid, amount_minor = 1001, tender_kind = "gift_card", payment_method_token = code })
            .Problem(HttpStatusCode.UnprocessableEntity, "payment_declined");
        Assert.Equal("insufficient_balance", tooMuch.Str("reason"));
        var unknown = await scm.Post(scm.Clerk, "/scm/tender/capture",
                new { order_guid = order.OrderGuid, amount_minor = 100, tender_kind = "gift_card", payment_method_token = "2222-3333-4444-5555" })
            .Problem(HttpStatusCode.UnprocessableEntity, "payment_declined");
        Assert.Equal("giftcard_not_found", unknown.Str("reason"));

        Assert.Empty((await scm.Post("/scm/tender/list", new { order_guid = order.OrderGuid }).Ok()).GetProperty("items").EnumerateArray());
        Assert.Equal(PaymentStatus.None, (await host.OrderAsync(scm, order.OrderGuid)).PaymentStatus);
        Assert.Equal(1000, await crm.BalanceOf(code));
    }

    [Fact]
    public async Task UC_CRM_004_a_refund_of_a_returned_line_paid_by_gift_card_goes_back_onto_the_card()
    {
        var (crm, scm) = await host.NewOrgAsync(stock: 10);
        await scm.Post("/scm/channel/policy/set", new { channel_code = "web", accepted_tenders = new[] { "card", "gift_card" } }).Ok();
        var code = (await crm.IssueAsync(amount: 5000)).Str("code");
        var order = await host.PlacedOrderAsync(scm, shipped: true);
        await scm.Post(scm.Clerk, "/scm/tender/capture", new { order_guid = order.OrderGuid, tender_kind = "gift_card", payment_method_token = code })
            .Ok(HttpStatusCode.Created);
        Assert.Equal(5000 - 3689, await crm.BalanceOf(code));

        var requested = await scm.Post(scm.Clerk, "/scm/return/request",
            new { order_guid = order.OrderGuid, lines = new[] { new { line_no = 1, quantity = 1 } }, reason = "Too small" }).Ok(HttpStatusCode.Created);
        var received = await scm.Post(scm.Clerk, "/scm/return/receive", new
        {
            return_guid = requested.Str("return_guid"),
            expected_revision = requested.Revision(),
            lines = new[] { new { line_no = 1, condition = "resellable" } },
        }).Ok();
        var refund = await scm.Post(scm.Approver, "/scm/refund/issue", new { return_guid = requested.Str("return_guid"), expected_revision = received.Revision() })
            .Ok();
        Assert.Equal(1190, refund.GetProperty("amount_minor").GetInt64());
        Assert.Equal(5000 - 3689 + 1190, await crm.BalanceOf(code));
        Assert.Single(host.Factory.OutboxEvents("crm", crm.Orgcode, "giftcard.restored"));
    }
}
