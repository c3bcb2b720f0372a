using System.Net;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;

namespace Retail.Functional.Tests.Pvm;

/// <summary>
/// Playbook B ("catalog ingest") end to end, as a merchant's integration drives it: suppliers and their activation,
/// brand links, taxonomy, options and an OGM, a style, variants with barcodes and identifiers, aliases, a comment with
/// an MRS attachment, and then the lookups a till makes.
/// </summary>
public sealed class PlaybookBTests(PvmHost host) : IClassFixture<PvmHost>
{
    [Fact]
    public async Task Playbook_B_builds_an_active_catalog_a_till_can_resolve_by_barcode_code_alias_and_identifier()
    {
        var (orgcode, owner) = await host.NewOrgAsync("playb");
        var merchandiser = host.Factory.NewUser("merch");
        await owner.Join(orgcode, merchandiser, "member");
        var till = host.Factory.NewUser("till");
        await owner.Join(orgcode, till, "viewer");

        // Suppliers, brand links, taxonomy, the OGM and an active style (the admin activates what needs activating).
        var style = await owner.ActiveStyle(orgcode);
        Assert.Equal("active", style.GetProperty("status").GetString());
        await merchandiser.Create(orgcode, "/pvm/season", new { season_code = "ss27", name = "Spring/Summer 27", starts_on = "2027-02-01", ends_on = "2027-07-31" });

        // Variants with a GTIN-13 each (inline, one transaction with the variant) and an ERP identifier.
        var gtins = new Dictionary<string, string>();
        var n = 0;
        foreach (var size in new[] { "s", "m", "l" })
        {
            var code = $"tee-{size}-blue";
            gtins[code] = PvmSteps.Gtin13(590_000_000_000 + n++);
            var variant = await merchandiser.Create(orgcode, "/pvm/variant", new
            {
                style_code = "tee",
                variant_code = code,
                options = new[] { new { option_group_code = "size", option_code = size }, new { option_group_code = "colour", option_code = "blue" } },
                barcodes = new[] { new { barcode = gtins[code] } },
                identifiers = new[] { new { id_type = "erp", value = $"ERP-{size.ToUpperInvariant()}-BLU" } },
            });
            Assert.Equal("draft", variant.GetProperty("status").GetString());
            await owner.Client.Post("/pvm/variant/status", new { variant_code = code, status = "active", expected_revision = variant.Revision() }, orgcode)
                .Ok();
        }
        await merchandiser.Client.Post("/pvm/alias/set", new { variant_code = "tee-m-blue", tag = "supplier_sku", value = "ACME-TM-B" }, orgcode).Ok();
        var listed = await till.Client.Post("/pvm/variant/list", new { style_code = "tee", status = "active" }, orgcode).Ok();
        Assert.Equal(3, listed.GetProperty("items").GetArrayLength());

        // A comment with an attachment kept in MRS.
        var photo = await merchandiser.Client.Post("/mrs/record", new { json = new { note = "swing tag proof" }, name = "proof.json" }, orgcode)
            .Ok(HttpStatusCode.Created);
        var comment = await merchandiser.Client.Post("/pvm/comment", new
        {
            subject_entity = "style",
            subject_key = style.GetProperty("style_guid").GetString(),
            body = "Swing tag proof attached.",
            attachments = new[] { photo.GetProperty("record").GetProperty("record_guid").GetString() },
        }, orgcode).Ok(HttpStatusCode.Created);
        var comments = await till.Client.Post("/pvm/comment/list",
            new { subject_entity = "style", subject_key = style.GetProperty("style_guid").GetString() }, orgcode).Ok();
        Assert.Equal(comment.GetProperty("comment_guid").GetString(), comments.GetProperty("items")[0].GetProperty("comment_guid").GetString());

        // The till's lookups: each names the live variant.
        var byBarcode = await till.Client.Post("/pvm/resolve/barcode", new { barcode = gtins["tee-l-blue"] }, orgcode).Ok();
        Assert.True(byBarcode.GetProperty("live").GetBoolean());
        Assert.Equal("tee-l-blue", byBarcode.GetProperty("variant").GetProperty("variant_code").GetString());
        var byCode = await till.Client.Post("/pvm/resolve/code", new { code = "tee-s-blue" }, orgcode).Ok();
        Assert.Equal("tee-s-blue", byCode.GetProperty("variant").GetProperty("variant_code").GetString());
        var byAlias = await till.Client.Post("/pvm/resolve/alias", new { tag = "supplier_sku", value = "ACME-TM-B" }, orgcode).Ok();
        Assert.Equal("tee-m-blue", byAlias.GetProperty("variant").GetProperty("variant_code").GetString());
        var byErp = await till.Client.Post("/pvm/identifier/resolve", new { id_type = "erp", value = "ERP-M-BLU" }, orgcode).Ok();
        Assert.Equal("tee-m-blue", byErp.GetProperty("variant").GetProperty("variant_code").GetString());

        // A viewer cannot change the catalog; another org sees none of it.
        await till.Client.Post("/pvm/alias/set", new { variant_code = "tee-m-blue", tag = "supplier_sku", value = "X" }, orgcode)
            .Problem(HttpStatusCode.Forbidden, "forbidden");
        var (otherOrg, otherOwner) = await host.NewOrgAsync("playb");
        await otherOwner.Client.Post("/pvm/resolve/barcode", new { barcode = gtins["tee-l-blue"] }, otherOrg).Problem(HttpStatusCode.NotFound, "not_found");
    }
}
