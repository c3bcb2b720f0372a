using System.Net;
using System.Text.Json;
using Retail.Functional.Tests.Infrastructure;

namespace Retail.Functional.Tests.Pmc;

/// <summary>UC-PMC-005: each rule of the profile excludes what fails it, with the rule and a detail in the counts and the manifest.</summary>
public sealed class RunExclusionTests(PmcHost host) : IClassFixture<PmcHost>
{
    [Fact]
    public async Task UC_PMC_005_required_compliance_and_media_exclude_a_style_until_it_has_them()
    {
        var org = await host.NewOrgAsync();
        var tee = new { kind = "style", guid = org.StyleGuid };
        await org.Post("/pmc/publish-profile/set", new { channel_code = "web", required_compliance = new[] { "hs_code", "materials", "hazmat" } }).Ok();
        var compliance = await org.Finish((await org.StartRun(tee)).Guid());
        Assert.Equal("completed", compliance.Status());
        Assert.Equal(6, compliance.Excluded("missing_compliance"));
        Assert.Equal(0, compliance.Count("variants_published"));
        Assert.Equal(0, compliance.Count("revisions_written"));
        var entry = (await org.Manifest(compliance.Guid()))[0];
        Assert.Equal("missing_compliance", entry.Text("rule"));
        Assert.Equal("materials, hazmat", entry.Text("detail"));

        await org.Post("/pmc/publish-profile/set", new { channel_code = "web", required_media = new[] { "image" }, expected_revision = 1 }).Ok();
        var media = await org.Finish((await org.StartRun(tee)).Guid());
        Assert.Equal(6, media.Excluded("missing_media"));
        Assert.Equal("image", (await org.Manifest(media.Guid()))[0].Text("detail"));
        // The profile a run took is the one it shows.
        Assert.Equal(["image"], media.GetProperty("profile").GetProperty("required_media").EnumerateArray().Select(e => e.GetString()));

        // A ready MRS record tagged with the style and the kind satisfies it, and goes into the revision.
        var picture = await org.Post("/mrs/record", new { json = new { url = "https://cdn.example.com/tee.jpg" }, name = "tee.jpg",
            tags = new[] { $"style:{org.StyleGuid}", "image" } }).Ok(HttpStatusCode.Created);
        var published = await org.Finish((await org.StartRun(tee)).Guid());
        Assert.Equal(6, published.Count("variants_published"));
        Assert.Equal(0, published.Count("variants_excluded"));
        Assert.Equal(1, published.Count("revisions_written"));
        Assert.NotNull(picture.GetProperty("record").Text("record_guid"));
    }

    [Fact]
    public async Task UC_PMC_005_a_draft_variant_a_variant_without_barcode_and_an_inactive_style_are_excluded_by_their_rules()
    {
        var org = await host.NewOrgAsync();
        var (polo, variants) = await org.NewStyle("polo", variants: 1, gtinBase: 730_000_000_000);
        await org.Post("/pvm/variant", new
        {
            style_code = "polo", variant_code = "polo-m-red", status = "draft",
            options = new[] { new { option_group_code = "size", option_code = "m" }, new { option_group_code = "colour", option_code = "red" } },
            barcodes = new[] { new { barcode = Pvm.PvmSteps.Gtin13(731_000_000_000), primary = true } },
        }).Ok(HttpStatusCode.Created);
        await org.Post("/pvm/variant", new
        {
            style_code = "polo", variant_code = "polo-l-red", status = "active",
            options = new[] { new { option_group_code = "size", option_code = "l" }, new { option_group_code = "colour", option_code = "red" } },
        }).Ok(HttpStatusCode.Created);

        var run = await org.Finish((await org.StartRun(new { kind = "style", guid = polo })).Guid());
        Assert.Equal("completed", run.Status());
        Assert.Equal(3, run.Count("variants_selected"));
        Assert.Equal(1, run.Count("variants_published"));
        Assert.Equal(2, run.Count("variants_excluded"));
        Assert.Equal(1, run.Excluded("variant_not_active"));
        Assert.Equal(1, run.Excluded("no_barcode"));
        Assert.Equal(1, run.Count("revisions_written"));
        var manifest = (await org.Manifest(run.Guid())).ToDictionary(e => e.Text("variant_code")!);
        Assert.True(manifest["polo-s-red"].GetProperty("included").GetBoolean());
        Assert.Equal(variants[0], manifest["polo-s-red"].Text("variant_guid"));
        Assert.Equal(1, manifest["polo-s-red"].GetProperty("revision_no").GetInt32());
        Assert.Equal("variant_not_active", manifest["polo-m-red"].Text("rule"));
        Assert.Equal("The variant is draft.", manifest["polo-m-red"].Text("detail"));
        Assert.Equal("no_barcode", manifest["polo-l-red"].Text("rule"));
        Assert.Equal(JsonValueKind.Null, manifest["polo-l-red"].GetProperty("revision_no").ValueKind);

        // Without the barcode rule, the unbarcoded variant is published when it has a price.
        await org.Post("/pmc/publish-profile/set", new { channel_code = "web", require_barcode = false, require_price = false }).Ok();
        var relaxed = await org.Finish((await org.StartRun(new { kind = "style", guid = polo })).Guid());
        Assert.Equal(2, relaxed.Count("variants_published"));
        Assert.Equal(1, relaxed.Excluded("variant_not_active"));

        var style = await org.Post("/pvm/style/get", new { style_code = "polo" }).Ok();
        await org.Post("/pvm/style/status", new { style_code = "polo", status = "discontinued", expected_revision = style.Revision() }).Ok();
        var inactive = await org.Finish((await org.StartRun(new { kind = "style", guid = polo })).Guid());
        Assert.Equal(3, inactive.Excluded("style_not_active"));
        Assert.Equal(0, inactive.Count("revisions_written"));
        Assert.Equal("The style is discontinued.", (await org.Manifest(inactive.Guid()))[0].Text("detail"));
    }
}
