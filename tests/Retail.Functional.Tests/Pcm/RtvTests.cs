using System.Net;
using Retail.Functional.Tests.Infrastructure;

namespace Retail.Functional.Tests.Pcm;

/// <summary>UC-PCM-004: RTV create → receive; credit apply, over HTTP.</summary>
public sealed class RtvTests(PcmHost host) : IClassFixture<PcmHost>
{
    [Fact]
    public async Task UC_PCM_004_an_rtv_takes_stock_out_of_ics_its_receipt_yields_a_vendor_credit_and_the_credit_lowers_an_invoice()
    {
        var org = await host.NewOrgAsync();
        var (po, receipt) = await org.StockedPoAsync("acme", quantity: 10, received: 10, unitCostMinor: 1_000);
        var variant = org.Variants[0];
        Assert.Equal(10L, (await org.StockAsync(variant)).Long("available"));

        await org.CreateRtv("acme", receipt, 11).Problem(HttpStatusCode.UnprocessableEntity, "exceeds_returnable");
        var rtv = await org.CreateRtv("acme", receipt, 3).Ok(HttpStatusCode.Created);
        Assert.Equal(("created", 3_000L), (rtv.Text("status"), rtv.Long("amount_minor")));
        Assert.Equal(7L, (await org.StockAsync(variant)).Long("available"));
        var returned = await org.Post("/pcm/receipt/get", new { receipt_guid = receipt.Text("receipt_guid") }).Ok();
        Assert.Equal(3L, returned.GetProperty("lines")[0].Long("returned"));
        Assert.Equal(3L, (await org.PoAsync(po.Text("po_guid")!)).PoLine(1).Long("returned"));
        await org.CreateRtv("acme", receipt, 8).Problem(HttpStatusCode.UnprocessableEntity, "exceeds_returnable");
        Assert.Equal(7L, (await org.StockAsync(variant)).Long("available"));

        var received = await org.Post(org.Buyer, "/pcm/rtv/receive", new
        {
            rtv_guid = rtv.Text("rtv_guid"),
            expected_revision = rtv.Revision(),
            vendor_reference = "RA-4711",
            acknowledged_on = "2026-12-02",
        }).Ok();
        Assert.Equal(("received", "RA-4711", 3_000L), (received.Text("status"), received.Text("vendor_reference"), received.Long("credit_amount_minor")));
        var credit = await org.Post("/pcm/credit/get", new { credit_guid = received.Text("credit_guid") }).Ok();
        Assert.Equal(("rtv", 3_000L, "open"), (credit.Text("source"), credit.Long("remaining_minor"), credit.Text("status")));

        // An invoice for what stayed: 7 × 1,000; then 2 more of it are credited, and a credit larger than the invoice is refused.
        var invoice = await org.InvoiceAsync(po, "INV-900", 7, 1_000);
        Assert.Equal("matched", invoice.Text("status"));
        var small = await org.InvoiceAsync(po, "INV-901", 1, 1_000);
        await org.Post(org.Buyer, "/pcm/credit/apply", new { credit_guid = credit.Text("credit_guid"), expected_revision = 1, invoice_guid = small.Text("invoice_guid"),
            invoice_expected_revision = 1, amount_minor = 500 }).Problem(HttpStatusCode.Forbidden, "forbidden");
        await org.Post("/pcm/credit/apply", new { credit_guid = credit.Text("credit_guid"), expected_revision = 1, invoice_guid = small.Text("invoice_guid"),
            invoice_expected_revision = 1, amount_minor = 2_000 }).Problem(HttpStatusCode.UnprocessableEntity, "credit_exceeds_invoice");
        await org.Post("/pcm/credit/apply", new { credit_guid = credit.Text("credit_guid"), expected_revision = 1, invoice_guid = invoice.Text("invoice_guid"),
            invoice_expected_revision = 1, amount_minor = 3_001 }).Problem(HttpStatusCode.UnprocessableEntity, "credit_exceeds_remaining");
        var applied = await org.Post("/pcm/credit/apply", new { credit_guid = credit.Text("credit_guid"), expected_revision = 1,
            invoice_guid = invoice.Text("invoice_guid"), invoice_expected_revision = 1, amount_minor = 2_000 }).Ok();
        Assert.Equal((1_000L, 5_000L, 2_000L), (applied.GetProperty("credit").Long("remaining_minor"), applied.GetProperty("invoice").Long("open_minor"),
            applied.GetProperty("invoice").Long("credits_applied_minor")));
        await org.Post("/pcm/credit/apply", new { credit_guid = credit.Text("credit_guid"), expected_revision = 1,
            invoice_guid = invoice.Text("invoice_guid"), invoice_expected_revision = 2, amount_minor = 1 }).Problem(HttpStatusCode.Conflict, "revision_mismatch");

        var listed = await org.Post("/pcm/rtv/list", new { vendor_guid = po.Text("vendor_guid"), status = "received" }).Ok();
        Assert.Single(listed.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task UC_PCM_004_an_rtv_outside_the_vendors_window_is_refused_and_no_stock_leaves()
    {
        var org = await host.NewOrgAsync();
        var (_, receipt) = await org.StockedPoAsync("globex", quantity: 5, received: 5);
        await org.CreateRtv("globex", receipt, 1).Problem(HttpStatusCode.UnprocessableEntity, "rtv_window_expired");
        await org.CreateRtv("acme", receipt, 1).Problem(HttpStatusCode.UnprocessableEntity, "vendor_mismatch");
        Assert.Equal(5L, (await org.StockAsync(org.Variants[0])).Long("available"));
    }

    [Fact]
    public async Task UC_PCM_004_an_rtv_ics_has_not_the_stock_for_is_refused_and_nothing_is_recorded()
    {
        var org = await host.NewOrgAsync();
        var (po, receipt) = await org.StockedPoAsync("acme", quantity: 5, received: 5);
        await org.Post("/ics/adjustment/create", new { facility_code = "store-1", variant_guid = org.Variants[0], quantity = -4, reason = "shrink" })
            .Ok(HttpStatusCode.Created);

        await org.CreateRtv("acme", receipt, 3).Problem(HttpStatusCode.Conflict, "insufficient_stock");
        Assert.Equal(1L, (await org.StockAsync(org.Variants[0])).Long("available"));
        var unchanged = await org.Post("/pcm/receipt/get", new { receipt_guid = receipt.Text("receipt_guid") }).Ok();
        Assert.Equal(0L, unchanged.GetProperty("lines")[0].Long("returned"));
        Assert.Empty((await org.Post("/pcm/rtv/list", new { vendor_guid = po.Text("vendor_guid") }).Ok()).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task UC_PCM_004_goods_put_away_to_a_bin_leave_from_that_bin()
    {
        var org = await host.NewOrgAsync();
        await org.Post("/ics/bin/create", new { facility_code = "store-1", bin_code = "a-01", kind = "pick" }).Ok(HttpStatusCode.Created);
        var po = await org.IssuedPoAsync("acme", "store-1", org.Line(1, 6));
        var receipt = await org.StockedReceiptAsync(po.Text("po_guid")!, ReceivingSteps.Receive(1, 6, binCode: "a-01"));

        var rtv = await org.CreateRtv("acme", receipt, 2).Ok(HttpStatusCode.Created);
        Assert.Equal("a-01", rtv.GetProperty("lines")[0].Text("bin_code"));
        Assert.Equal(4L, (await org.StockAsync(org.Variants[1])).Long("available"));
        var card = await org.Post("/ics/stock/card/list", new { facility_code = "store-1", variant_guid = org.Variants[1] }).Ok();
        var shrink = card.GetProperty("items").EnumerateArray().Single(m => m.Text("reason") == "shrink");
        Assert.Equal(("a-01", 2L), (shrink.Text("from_bin"), shrink.Long("quantity")));
    }
}
