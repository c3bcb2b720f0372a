using System.Net;
using System.Text.Json;
using Retail.Functional.Tests.Infrastructure;

namespace Retail.Functional.Tests.Pcm;

/// <summary>UC-PCM-003: invoice match → dispute → resolve, over HTTP.</summary>
public sealed class InvoiceTests(PcmHost host) : IClassFixture<PcmHost>
{
    [Fact]
    public async Task UC_PCM_003_an_invoice_within_tolerance_matches_raises_the_po_lines_invoiced_and_its_number_is_unique_per_vendor()
    {
        var org = await host.NewOrgAsync();
        var (po, _) = await org.StockedPoAsync("acme", quantity: 10, received: 10);

        var invoice = await org.MatchInvoice(po, "INV-100", 10, 1_010, taxMinor: 500).Ok(HttpStatusCode.Created);
        Assert.Equal(("matched", 10_100L, 10_600L, 10_600L), (invoice.Text("status"), invoice.Long("subtotal_minor"), invoice.Long("total_minor"),
            invoice.Long("open_minor")));
        var line = invoice.GetProperty("lines")[0];
        Assert.Equal((100L, 0L, 10L), (line.Long("price_variance_minor"), line.Long("quantity_variance"), line.Long("matchable_quantity")));
        Assert.Equal(10L, (await org.PoAsync(po.Text("po_guid")!)).PoLine(1).Long("invoiced"));

        await org.MatchInvoice(po, "inv-100", 1, 1_000).Problem(HttpStatusCode.Conflict, "duplicate");
        var got = await org.Post("/pcm/invoice/get", new { invoice_guid = invoice.Text("invoice_guid") }).Ok();
        Assert.Equal(invoice.Text("vendor_invoice_number"), got.Text("vendor_invoice_number"));
        var listed = await org.Post("/pcm/invoice/list", new { po_guid = po.Text("po_guid"), status = "matched" }).Ok();
        Assert.Single(listed.GetProperty("items").EnumerateArray());

        // Everything received is now invoiced: a second invoice of the same line is more than arrived.
        var again = await org.InvoiceAsync(po, "INV-101", 1, 1_000);
        Assert.Equal("exception", again.Text("status"));
        Assert.Equal("quantity", again.GetProperty("lines")[0].GetProperty("reasons")[0].GetString());
    }

    [Fact]
    public async Task UC_PCM_003_a_price_outside_tolerance_is_an_exception_disputed_and_resolved_by_a_credit_for_the_variance()
    {
        var org = await host.NewOrgAsync();
        var (po, _) = await org.StockedPoAsync("acme", quantity: 10, received: 10);

        var invoice = await org.InvoiceAsync(po, "INV-200", 10, 1_100);
        var line = invoice.GetProperty("lines")[0];
        Assert.Equal(("exception", "price", 1_000L, 1_000L), (invoice.Text("status"), line.GetProperty("reasons")[0].GetString(),
            line.Long("price_variance_minor"), invoice.Long("variance_minor")));

        var guid = invoice.Text("invoice_guid");
        await org.Post(org.Buyer, "/pcm/invoice/dispute", new { invoice_guid = guid, expected_revision = 1 }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        var disputed = await org.Post(org.Buyer, "/pcm/invoice/dispute", new { invoice_guid = guid, expected_revision = 1, reason = "price is not the PO's" }).Ok();
        Assert.Equal(("disputed", "price is not the PO's"), (disputed.Text("status"), disputed.Text("dispute_reason")));

        await org.Post(org.Buyer, "/pcm/invoice/resolve", new { invoice_guid = guid, expected_revision = 2, resolution = "credit" })
            .Problem(HttpStatusCode.Forbidden, "forbidden");
        var resolved = await org.Post("/pcm/invoice/resolve", new { invoice_guid = guid, expected_revision = 2, resolution = "credit", note = "credit note CN-7" }).Ok();
        Assert.Equal(("resolved", "credit", 11_000L, 1_000L, 10_000L), (resolved.Text("status"), resolved.Text("resolution"), resolved.Long("total_minor"),
            resolved.Long("credits_applied_minor"), resolved.Long("open_minor")));
        var credit = await org.Post("/pcm/credit/get", new { credit_guid = resolved.Text("credit_guid") }).Ok();
        Assert.Equal(("invoice", guid, 1_000L, 0L, "applied"), (credit.Text("source"), credit.Text("source_guid"), credit.Long("amount_minor"),
            credit.Long("remaining_minor"), credit.Text("status")));
        await org.Post("/pcm/invoice/resolve", new { invoice_guid = guid, expected_revision = 3, resolution = "reject" })
            .Problem(HttpStatusCode.Conflict, "invalid_transition");
    }

    [Fact]
    public async Task UC_PCM_003_accepting_the_variance_approves_the_invoice_but_not_by_whoever_matched_it()
    {
        var org = await host.NewOrgAsync();
        var (po, _) = await org.StockedPoAsync("acme", quantity: 10, received: 10);
        var invoice = await org.MatchInvoice(po, "INV-300", 10, 1_100, by: org.Owner).Ok(HttpStatusCode.Created);
        var guid = invoice.Text("invoice_guid");

        await org.Post("/pcm/invoice/resolve", new { invoice_guid = guid, expected_revision = 1, resolution = "accept_variance" })
            .Problem(HttpStatusCode.Forbidden, "same_actor");
        var approved = await org.Post(org.Approver, "/pcm/invoice/resolve", new { invoice_guid = guid, expected_revision = 1, resolution = "accept_variance" }).Ok();
        Assert.Equal(("approved", 11_000L), (approved.Text("status"), approved.Long("open_minor")));
    }

    [Fact]
    public async Task UC_PCM_003_rejecting_a_disputed_invoice_gives_the_po_lines_invoiced_back()
    {
        var org = await host.NewOrgAsync();
        var (po, _) = await org.StockedPoAsync("acme", quantity: 10, received: 6);
        var invoice = await org.InvoiceAsync(po, "INV-400", 6, 1_000);
        Assert.Equal("matched", invoice.Text("status"));
        var guid = invoice.Text("invoice_guid");
        Assert.Equal(6L, (await org.PoAsync(po.Text("po_guid")!)).PoLine(1).Long("invoiced"));

        await org.Post("/pcm/invoice/resolve", new { invoice_guid = guid, expected_revision = 1, resolution = "reject" })
            .Problem(HttpStatusCode.Conflict, "invalid_transition");
        await org.Post(org.Buyer, "/pcm/invoice/dispute", new { invoice_guid = guid, expected_revision = 1, reason = "goods damaged" }).Ok();
        var rejected = await org.Post("/pcm/invoice/resolve", new { invoice_guid = guid, expected_revision = 2, resolution = "reject" }).Ok();
        Assert.Equal(("rejected", "reject"), (rejected.Text("status"), rejected.Text("resolution")));
        Assert.Equal(0L, (await org.PoAsync(po.Text("po_guid")!)).PoLine(1).Long("invoiced"));

        // The same number may not come back (it is the vendor's); a corrected invoice matches the quantity again.
        await org.MatchInvoice(po, "INV-400", 6, 1_000).Problem(HttpStatusCode.Conflict, "duplicate");
        Assert.Equal("matched", (await org.InvoiceAsync(po, "INV-400-B", 6, 1_000)).Text("status"));
    }

    [Fact]
    public async Task An_invoice_is_from_the_pos_vendor_in_its_currency_and_names_its_lines()
    {
        var org = await host.NewOrgAsync();
        var (po, _) = await org.StockedPoAsync("acme", quantity: 10, received: 10);
        await org.MatchInvoice(po, "INV-500", 1, 1_000, vendorCode: "globex").Problem(HttpStatusCode.UnprocessableEntity, "vendor_mismatch");
        await org.MatchInvoice(po, "INV-500", 1, 1_000, currency: "USD").Problem(HttpStatusCode.UnprocessableEntity, "currency_mismatch");
        await org.MatchInvoice(po, "INV-500", 1, 1_000, lineNo: 9).Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        await org.Post(org.Buyer, "/pcm/invoice/match", new { vendor_invoice_number = "INV-500", po_guid = po.Text("po_guid"), vendor_code = "acme", currency = "EUR",
            invoice_date = "2026-12-01", lines = Array.Empty<object>() }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post(org.Buyer, "/pcm/invoice/match", new { vendor_invoice_number = "INV-500", po_guid = Guid.NewGuid(), vendor_code = "acme", currency = "EUR",
            invoice_date = "2026-12-01", lines = new[] { new { po_line_no = 1, quantity = 1, unit_cost_minor = 1 } } }).Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        Assert.Equal(0L, (await org.PoAsync(po.Text("po_guid")!)).PoLine(1).Long("invoiced"));

        // By its number, and with a price tolerance an admin widened, 10 % over the PO's cost still matches.
        await org.Post("/pcm/policy/set", new { price_tolerance_percent = 10 }).Ok();
        var byNumber = await org.Post(org.Buyer, "/pcm/invoice/match", new { vendor_invoice_number = "INV-501", po_number = po.Text("po_number"),
            vendor_code = "acme", currency = "eur", invoice_date = "2026-12-01", lines = new[] { new { po_line_no = 1, quantity = 10, unit_cost_minor = 1_100 } } })
            .Ok(HttpStatusCode.Created);
        Assert.Equal(("matched", po.Text("po_guid")), (byNumber.Text("status"), byNumber.Text("po_guid")));
    }
}
