using System.Net;
using Retail.Functional.Tests.Infrastructure;

namespace Retail.Functional.Tests.Scm;

/// <summary>UC-SCM-005 over HTTP: special orders approved by another admin and submitted to the vendor as an outbound EDI 850.</summary>
public sealed class SpecialOrderTests(ScmHost host) : IClassFixture<ScmHost>
{
    private static object Request(string? description = "Tee, gold, XXL", string? variant = null, string channel = "web") => new
    {
        channel_code = channel, customer = new { email = "ada@example.com", name = "Ada" }, description, variant_guid = variant, vendor_code = "acme",
        quantity = 2, unit_minor = 2500, currency = "EUR",
    };

    [Fact]
    public async Task UC_SCM_005_a_special_order_is_approved_by_another_admin_and_submitted_as_an_edi_850_and_is_not_cancelled_after_that()
    {
        var org = await host.NewOrgAsync(stock: 0);
        var special = await org.Post(org.Owner, "/scm/special-order/create", Request()).Ok(HttpStatusCode.Created);
        var guid = special.Text("special_order_guid")!;
        var po = special.Text("po_number")!;
        Assert.StartsWith("SPO-", po);
        Assert.Equal(("pending_approval", "acme", 5000L), (special.Text("status"), special.Text("vendor_code"), special.GetProperty("total_minor").GetInt64()));

        await org.Post(org.Clerk, "/scm/special-order/submit", new { special_order_guid = guid, expected_revision = 1 }).Problem(HttpStatusCode.Conflict, "invalid_transition");
        await org.Post(org.Owner, "/scm/special-order/approve", new { special_order_guid = guid, expected_revision = 1 }).Problem(HttpStatusCode.Forbidden, "same_actor");
        await org.Post(org.Approver, "/scm/special-order/approve", new { special_order_guid = guid, expected_revision = 1 }).Ok();
        var submitted = await org.Post(org.Clerk, "/scm/special-order/submit", new { special_order_guid = guid, expected_revision = 2 }).Ok();
        Assert.Equal(("submitted", 3L), (submitted.Text("status"), submitted.Revision()));
        var ediGuid = submitted.Text("edi_guid");

        var edi = await org.Post("/scm/edi/list", new { document_type = "850", reference = po }).Ok();
        var doc = Assert.Single(edi.GetProperty("items").EnumerateArray());
        Assert.Equal((ediGuid, "outbound", "sent", "acme", po), (doc.Text("edi_guid"), doc.Text("direction"), doc.Text("status"), doc.Text("partner_code"),
            doc.Text("po_number")));
        Assert.Contains($"BEG*00*SA*{po}**", doc.Text("payload"));
        Assert.Contains("PO1*1*2*EA***VP*Tee, gold, XXL~", doc.Text("payload"));

        // With the vendor now: not cancelled, not submitted twice.
        await org.Post(org.Clerk, "/scm/special-order/cancel", new { special_order_guid = guid, expected_revision = 3 }).Problem(HttpStatusCode.Conflict, "invalid_transition");
        await org.Post(org.Clerk, "/scm/special-order/submit", new { special_order_guid = guid, expected_revision = 3 }).Problem(HttpStatusCode.Conflict, "invalid_transition");
        Assert.Single((await org.Post("/scm/edi/list", new { reference = po }).Ok()).GetProperty("items").EnumerateArray());

        var listed = await org.Post("/scm/special-order/list", new { status = "submitted", vendor_code = "acme" }).Ok();
        Assert.Equal(guid, Assert.Single(listed.GetProperty("items").EnumerateArray()).Text("special_order_guid"));
        foreach (var type in new[] { "special_order.created", "special_order.approved", "special_order.submitted" })
        {
            Assert.Single(host.Events(org, type), e => e.Text("special_order_guid") == guid);
        }
        Assert.Single(host.Events(org, "edi.recorded"), e => e.Text("edi_guid") == ediGuid);
    }

    [Fact]
    public async Task UC_SCM_005_a_special_order_is_cancelled_before_submission_and_its_requests_are_checked()
    {
        var org = await host.NewOrgAsync(stock: 0);
        await org.Post(org.Clerk, "/scm/special-order/create", Request(description: null)).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post(org.Clerk, "/scm/special-order/create", Request(channel: "nowhere")).Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        await org.Post(org.Clerk, "/scm/special-order/create", Request(description: null, variant: Guid.CreateVersion7().ToString()))
            .Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        var byVariant = await org.Post(org.Clerk, "/scm/special-order/create", Request(description: null, variant: org.Variants[3])).Ok(HttpStatusCode.Created);
        Assert.Equal(org.Variants[3], byVariant.Text("variant_guid"));

        var special = await org.Post(org.Clerk, "/scm/special-order/create", Request()).Ok(HttpStatusCode.Created);
        var guid = special.Text("special_order_guid")!;
        await org.Post(org.Owner, "/scm/special-order/approve", new { special_order_guid = guid, expected_revision = 1 }).Ok();
        var cancelled = await org.Post(org.Clerk, "/scm/special-order/cancel", new { special_order_guid = guid, expected_revision = 2, reason = "found one in stock" }).Ok();
        Assert.Equal(("cancelled", "found one in stock"), (cancelled.Text("status"), cancelled.Text("status_reason")));
        await org.Post(org.Clerk, "/scm/special-order/submit", new { special_order_guid = guid, expected_revision = 3 }).Problem(HttpStatusCode.Conflict, "invalid_transition");
        Assert.Empty((await org.Post("/scm/edi/list", new { reference = special.Text("po_number") }).Ok()).GetProperty("items").EnumerateArray());
        Assert.Single(host.Events(org, "special_order.cancelled"), e => e.Text("special_order_guid") == guid);
    }
}
