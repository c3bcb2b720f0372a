using System.Net;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Pvm;
using static Retail.Functional.Tests.Pcm.BuyingSteps;

namespace Retail.Functional.Tests.Pcm;

/// <summary>UC-PCM-001: a new product proposed, submitted and approved into PVM, once.</summary>
public sealed class NpiTests(PcmHost host) : IClassFixture<PcmHost>
{
    [Fact]
    public async Task An_npi_approved_by_another_admin_creates_the_style_and_its_variants_active_in_pvm_and_its_submitter_may_not_approve()
    {
        var org = await host.NewOrgAsync();
        var body = await org.NpiBodyAsync("polo", [new("polo-m-red", "m", "red", PvmSteps.Gtin13(710_000_000_001)), new("polo-l-blue", "l", "blue")]);
        var draft = await org.Post("/pcm/npi/create", body).Ok(HttpStatusCode.Created);
        Assert.Equal(("draft", "EUR", 1_200L, "polo"), (draft.Text("status"), draft.Text("currency"), draft.GetProperty("unit_cost_minor").GetInt64(),
            draft.GetProperty("style").Text("style_code")));
        var npiGuid = draft.Text("npi_guid");

        // Only submitted NPIs are approved; the owner created and submits it, so another admin approves.
        await org.Post(org.Approver, "/pcm/npi/approve", new { npi_guid = npiGuid, expected_revision = 1 }).Problem(HttpStatusCode.Conflict, "invalid_transition");
        var submitted = await org.Post("/pcm/npi/submit", new { npi_guid = npiGuid, expected_revision = 1 }).Ok();
        Assert.Equal("submitted", submitted.Text("status"));
        await org.Post("/pcm/npi/approve", new { npi_guid = npiGuid, expected_revision = 2 }).Problem(HttpStatusCode.Forbidden, "same_actor");
        await org.Post(org.Buyer, "/pcm/npi/approve", new { npi_guid = npiGuid, expected_revision = 2 }).Problem(HttpStatusCode.Forbidden, "forbidden");
        Assert.Empty(host.Factory.OutboxEvents("pcm", org.Orgcode, "npi.approved"));

        var approved = await org.Post(org.Approver, "/pcm/npi/approve", new { npi_guid = npiGuid, expected_revision = 2 }).Ok();
        Assert.Equal(("approved", org.Approver.UserGuid), (approved.Text("status"), approved.Text("decided_by")));
        var style = await org.Post("/pvm/style/get", new { style_guid = approved.Text("style_guid") }).Ok();
        Assert.Equal(("polo", "active"), (style.Text("style_code"), style.Text("status")));
        var acme = await org.Post("/pvm/vendor/get", new { vendor_code = "acme" }).Ok();
        Assert.Equal(acme.Text("vendor_guid"), style.Text("primary_vendor_guid"));
        var guids = approved.NpiVariantGuids();
        Assert.Equal(2, guids.Count);
        foreach (var (guid, code) in guids.Zip(["polo-m-red", "polo-l-blue"]))
        {
            var variant = await org.Post("/pvm/variant/get", new { variant_guid = guid }).Ok();
            Assert.Equal((code, "active", style.Text("style_guid")), (variant.Text("variant_code"), variant.Text("status"), variant.Text("style_guid")));
        }
        Assert.Single(host.Factory.OutboxEvents("pcm", org.Orgcode, "npi.submitted"));
        var approvedEvent = Assert.Single(host.Factory.OutboxEvents("pcm", org.Orgcode, "npi.approved"));
        Assert.Equal(approved.Text("style_guid"), approvedEvent.Text("style_guid"));

        // Approving again is no transition: PVM is not asked twice.
        await org.Post(org.Approver, "/pcm/npi/approve", new { npi_guid = npiGuid, expected_revision = 3 }).Problem(HttpStatusCode.Conflict, "invalid_transition");
        Assert.Equal(npiGuid, Assert.Single((await org.Post("/pcm/npi/list", new { status = "approved" }).Ok()).GetProperty("items").EnumerateArray()).Text("npi_guid"));
    }

    [Fact]
    public async Task A_pvm_refusal_leaves_the_npi_submitted_and_a_retried_approval_creates_the_style_once_reusing_codes_pvm_already_holds()
    {
        var org = await host.NewOrgAsync();
        // The second variant asks for a size the OGM does not allow: PVM refuses it after the style and the first variant exist.
        var refused = await org.SubmittedNpiAsync("henley", new NpiVariantSpec("henley-s-red", "s", "red"), new NpiVariantSpec("henley-xl-red", "xl", "red"));
        var change = new { npi_guid = refused.Text("npi_guid"), expected_revision = refused.Revision() };
        var problem = await org.Post(org.Approver, "/pcm/npi/approve", change).Problem(HttpStatusCode.UnprocessableEntity, "pvm_refused");
        Assert.False(string.IsNullOrEmpty(problem.Text("pvm_code")));
        var still = await org.Post("/pcm/npi/get", new { npi_guid = refused.Text("npi_guid") }).Ok();
        Assert.Equal(("submitted", refused.Revision()), (still.Text("status"), still.Revision()));
        var style = await org.Post("/pvm/style/get", new { style_code = "henley" }).Ok();
        var first = await org.Post("/pvm/variant/get", new { variant_code = "henley-s-red" }).Ok();

        // Retried: the same style and variant, not new ones (their revisions do not move), and the same refusal.
        await org.Post(org.Approver, "/pcm/npi/approve", change).Problem(HttpStatusCode.UnprocessableEntity, "pvm_refused");
        var styleAgain = await org.Post("/pvm/style/get", new { style_code = "henley" }).Ok();
        Assert.Equal((style.Text("style_guid"), style.Revision(), "active"), (styleAgain.Text("style_guid"), styleAgain.Revision(), styleAgain.Text("status")));
        Assert.Equal(first.Revision(), (await org.Post("/pvm/variant/get", new { variant_code = "henley-s-red" }).Ok()).Revision());

        // Rejected by an admin who did not submit it.
        await org.Post(org.Buyer, "/pcm/npi/reject", change).Problem(HttpStatusCode.Forbidden, "forbidden");
        var rejected = await org.Post(org.Approver, "/pcm/npi/reject", new { npi_guid = refused.Text("npi_guid"), expected_revision = refused.Revision(), note = "size run not offered" }).Ok();
        Assert.Equal(("rejected", "size run not offered"), (rejected.Text("status"), rejected.Text("decision_note")));
        Assert.Single(host.Factory.OutboxEvents("pcm", org.Orgcode, "npi.rejected"));

        // A new NPI for the same style code with the variant PVM already holds and a new one: the style is reused and activated, one variant created.
        var approved = await org.ApprovedNpiAsync("henley", new NpiVariantSpec("henley-s-red", "s", "red"), new NpiVariantSpec("henley-m-blue", "m", "blue"));
        Assert.Equal(style.Text("style_guid"), approved.Text("style_guid"));
        var guids = approved.NpiVariantGuids();
        Assert.Equal(first.Text("variant_guid"), guids[0]);
        var created = await org.Post("/pvm/variant/get", new { variant_guid = guids[1] }).Ok();
        Assert.Equal(("henley-m-blue", "active"), (created.Text("variant_code"), created.Text("status")));
        var variants = await org.Post("/pvm/variant/list", new { style_guid = style.Text("style_guid") }).Ok();
        Assert.Equal(2, variants.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task An_npi_names_a_known_vendor_and_a_complete_style()
    {
        var org = await host.NewOrgAsync();
        var body = await org.NpiBodyAsync("polo", [new("polo-m-red", "m", "red")], vendorCode: "nobody");
        await org.Post(org.Buyer, "/pcm/npi/create", body).Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        await org.Post(org.Buyer, "/pcm/npi/create", new { vendor_code = "acme", unit_cost_minor = 100, variants = Array.Empty<object>() })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post(org.Buyer, "/pcm/npi/get", new { npi_guid = Guid.NewGuid().ToString() }).Problem(HttpStatusCode.NotFound, "not_found");
    }
}
