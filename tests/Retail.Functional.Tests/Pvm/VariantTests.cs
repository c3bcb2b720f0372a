using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;
using Retail.Pvm.Identifiers;

namespace Retail.Functional.Tests.Pvm;

public sealed class VariantTests(PvmHost host) : IClassFixture<PvmHost>
{
    [Fact]
    public async Task UC_PVM_004_variants_are_created_on_the_style_ogm_with_their_identifiers_and_barcodes()
    {
        var (orgcode, owner) = await host.NewOrgAsync();
        var style = await owner.ActiveCatalogStyle(orgcode);
        var gtin = PvmSteps.Gtin13(400000000001);
        var variant = await owner.Create(orgcode, "/pvm/variant", new
        {
            style_code = "tee",
            variant_code = "tee-m-red",
            // Any order in the request; stored in the model's axis order.
            options = new[] { new { option_group_code = "colour", option_code = "red" }, new { option_group_code = "Size", option_code = "M" } },
            name = "Tee M red",
            physical = new { weight_grams = 180, length_mm = 300, width_mm = 200, height_mm = 10 },
            status = "active",
            barcodes = new object[] { new { barcode = "INT-0001", symbology = "internal" }, new { barcode = gtin, primary = true } },
            identifiers = new[] { new { id_type = "sku", value = "TEE-M-RED" }, new { id_type = "erp", value = "100200" } },
        });
        Assert.Equal("active", variant.GetProperty("status").GetString());
        Assert.Equal(1, variant.GetProperty("revision").GetInt64());
        Assert.Equal(style.GetProperty("style_guid").GetString(), variant.GetProperty("style_guid").GetString());
        Assert.Equal(style.GetProperty("ogm_guid").GetString(), variant.GetProperty("ogm_guid").GetString());
        Assert.Equal(["size", "colour"], variant.GetProperty("options").EnumerateArray().Select(o => o.GetProperty("option_group_code").GetString()));
        Assert.Equal("m", variant.GetProperty("options")[0].GetProperty("option_code").GetString());
        Assert.Equal(180, variant.GetProperty("physical").GetProperty("weight_grams").GetInt32());

        var variantGuid = variant.GetProperty("variant_guid").GetString()!;
        var barcode = await host.ReadAsync<Barcode>(orgcode, gtin);
        Assert.Equal(variantGuid, barcode!.VariantGuid);
        Assert.True(barcode.Primary);
        Assert.Equal(BarcodeSymbology.Gtin13, barcode.Symbology);
        var internalCode = await host.ReadAsync<Barcode>(orgcode, "INT-0001");
        Assert.False(internalCode!.Primary);
        Assert.Equal(variantGuid, (await host.ReadAsync<Identifier>(orgcode, Identifier.KeyOf("sku", "TEE-M-RED")))!.VariantGuid);

        // A barcode or identifier a live variant holds is named, and nothing of the refused variant is written.
        var held = await owner.Client.Post("/pvm/variant", VariantSteps.Body("tee-l-red", "l", "red", gtin), orgcode)
            .Problem(HttpStatusCode.Conflict, "duplicate");
        Assert.Equal("barcodes[0].barcode", held.GetProperty("field").GetString());
        await owner.Client.Post("/pvm/variant/get", new { variant_code = "tee-l-red" }, orgcode).Problem(HttpStatusCode.NotFound, "not_found");
        var clash = await owner.Client.Post("/pvm/variant",
            new { style_code = "tee", variant_code = "tee-l-red", options = VariantSteps.Options("l", "red"), identifiers = new[] { new { id_type = "SKU", value = "TEE-M-RED" } } },
            orgcode).Problem(HttpStatusCode.Conflict, "duplicate");
        Assert.Equal("identifiers[0].value", clash.GetProperty("field").GetString());

        var got = await owner.Client.Post("/pvm/variant/get", new { variant_code = "TEE-M-RED" }, orgcode).Ok();
        Assert.Equal(variantGuid, got.GetProperty("variant_guid").GetString());
        await owner.Create(orgcode, "/pvm/variant", VariantSteps.Body("tee-s-blue", "s", "blue", PvmSteps.Gtin13(400000000002)));
        var listed = await owner.Client.Post("/pvm/variant/list", new { style_code = "tee", limit = 1 }, orgcode).Ok();
        Assert.Equal(1, listed.GetProperty("items").GetArrayLength());
        var next = await owner.Client.Post("/pvm/variant/list", new { style_code = "tee", limit = 1, next_token = listed.GetProperty("next_token").GetString() }, orgcode).Ok();
        Assert.Equal("tee-s-blue", next.GetProperty("items")[0].GetProperty("variant_code").GetString());
        var drafts = await owner.Client.Post("/pvm/variant/list", new { style_guid = style.GetProperty("style_guid").GetString(), status = "draft" }, orgcode).Ok();
        Assert.Equal(["tee-s-blue"], drafts.GetProperty("items").EnumerateArray().Select(v => v.GetProperty("variant_code").GetString()));
    }

    [Fact]
    public async Task variant_list_with_include_codes_answers_each_variants_active_barcodes_and_identifiers_beside_it()
    {
        var (orgcode, owner) = await host.NewOrgAsync();
        await owner.ActiveCatalogStyle(orgcode);
        var gtin = PvmSteps.Gtin13(400000000011);
        await owner.Create(orgcode, "/pvm/variant", new
        {
            style_code = "tee",
            variant_code = "tee-m-red",
            options = new[] { new { option_group_code = "size", option_code = "m" }, new { option_group_code = "colour", option_code = "red" } },
            barcodes = new object[] { new { barcode = "INT-0002", symbology = "internal" }, new { barcode = gtin, primary = true } },
            identifiers = new[] { new { id_type = "sku", value = "TEE-M-RED" } },
        });
        await owner.Create(orgcode, "/pvm/variant", VariantSteps.Body("tee-s-blue", "s", "blue"));
        await owner.Client.Post("/pvm/barcode/status", new { barcode = "INT-0002", status = "inactive", expected_revision = 1 }, orgcode).Ok();

        var plain = await owner.Client.Post("/pvm/variant/list", new { style_code = "tee" }, orgcode).Ok();
        Assert.False(plain.TryGetProperty("codes", out _));
        var listed = await owner.Client.Post("/pvm/variant/list", new { style_code = "tee", include_codes = true }, orgcode).Ok();
        var items = listed.GetProperty("items").EnumerateArray().Select(v => v.GetProperty("variant_guid").GetString()).ToList();
        var codes = listed.GetProperty("codes").EnumerateArray().ToList();
        Assert.Equal(items, codes.Select(c => c.GetProperty("variant_guid").GetString()));
        var red = codes[items.IndexOf(listed.GetProperty("items").EnumerateArray().First(v => v.GetProperty("variant_code").GetString() == "tee-m-red")
            .GetProperty("variant_guid").GetString())];
        // The inactive internal code is left out; the primary comes first.
        Assert.Equal([gtin], red.GetProperty("barcodes").EnumerateArray().Select(b => b.GetProperty("barcode").GetString()));
        Assert.True(red.GetProperty("barcodes")[0].GetProperty("primary").GetBoolean());
        Assert.Equal("TEE-M-RED", red.GetProperty("identifiers")[0].GetProperty("value").GetString());
        var blue = codes.Single(c => c.GetProperty("variant_guid").GetString() != red.GetProperty("variant_guid").GetString());
        Assert.Equal(0, blue.GetProperty("barcodes").GetArrayLength());
        Assert.Equal(0, blue.GetProperty("identifiers").GetArrayLength());
    }

    [Fact]
    public async Task a_combination_is_unique_within_the_style_and_every_option_must_fit_the_ogm()
    {
        var (orgcode, owner) = await host.NewOrgAsync();
        await owner.ActiveCatalogStyle(orgcode);
        await owner.Create(orgcode, "/pvm/variant", VariantSteps.Body("tee-m-red", "m", "red"));
        await owner.Client.Post("/pvm/variant", VariantSteps.Body("tee-m-red-2", "m", "red"), orgcode).Problem(HttpStatusCode.Conflict, "duplicate_variant");
        var code = await owner.Client.Post("/pvm/variant", VariantSteps.Body("tee-m-red", "l", "red"), orgcode).Problem(HttpStatusCode.Conflict, "duplicate");
        Assert.Equal("variant_code", code.GetProperty("field").GetString());

        var notAllowed = await owner.Client.Post("/pvm/variant", VariantSteps.Body("tee-m-green", "m", "green"), orgcode)
            .Problem(HttpStatusCode.UnprocessableEntity, "option_not_allowed");
        Assert.Equal("options[1].option_code", notAllowed.GetProperty("field").GetString());
        var missingAxis = await owner.Client.Post("/pvm/variant",
            new { style_code = "tee", variant_code = "tee-m", options = new[] { new { option_group_code = "size", option_code = "m" } } }, orgcode)
            .Problem(HttpStatusCode.UnprocessableEntity, "option_not_allowed");
        Assert.Equal("options", missingAxis.GetProperty("field").GetString());
        var unknownAxis = await owner.Client.Post("/pvm/variant", new
        {
            style_code = "tee",
            variant_code = "tee-m-fit",
            options = new[] { new { option_group_code = "size", option_code = "m" }, new { option_group_code = "fit", option_code = "slim" } },
        }, orgcode).Problem(HttpStatusCode.UnprocessableEntity, "option_not_allowed");
        Assert.Equal("options[1].option_group_code", unknownAxis.GetProperty("field").GetString());
        await owner.Client.Post("/pvm/variant", new
        {
            style_code = "tee",
            variant_code = "tee-m-twice",
            options = new[] { new { option_group_code = "size", option_code = "m" }, new { option_group_code = "size", option_code = "l" } },
        }, orgcode).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await owner.Client.Post("/pvm/variant", VariantSteps.Body("tee-x", "m", "blue") with { StyleCode = "nope" }, orgcode)
            .Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
    }

    [Theory]
    [InlineData("""{"style_code":"tee","variant_code":"tee-a","options":[null]}""", "options[0]")]
    [InlineData("""{"style_code":"tee","variant_code":"tee-a","options":[{"option_group_code":"size","option_code":"m"}],"barcodes":[null]}""", "barcodes[0]")]
    [InlineData("""{"style_code":"tee","variant_code":"tee-a","options":[{"option_group_code":"size","option_code":"m"}],"identifiers":[{"id_type":"sku","value":"a b"}]}""", "identifiers[0].value")]
    [InlineData("""{"style_code":"tee","variant_code":"tee-a","options":[{"option_group_code":"size","option_code":"m"}],"barcodes":[{"barcode":"96385074","primary":true},{"barcode":"036000291452","primary":true}]}""", "barcodes")]
    [InlineData("""{"style_code":"tee","variant_code":"tee-a","options":[{"option_group_code":"size","option_code":"m"}],"status":"retired"}""", "status")]
    public async Task malformed_variant_bodies_are_400_naming_the_field(string body, string field)
    {
        var (orgcode, owner) = await host.NewOrgAsync();
        var problem = await owner.Client.Post("/pvm/variant", body, orgcode).Problem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Theory]
    [InlineData("4006381333931", true, null)]
    [InlineData("4006381333932", false, "wrong check digit 2: it should be 1")]
    [InlineData("96385074", true, null)]
    [InlineData("96385075", false, "check digit")]
    [InlineData("036000291452", true, null)]
    [InlineData("10012345678902", true, null)]
    [InlineData("12345", false, "8, 12, 13 or 14 digits")]
    public async Task a_barcode_check_digit_is_verified_by_its_length(string value, bool accepted, string? message)
    {
        var (orgcode, owner) = await host.NewOrgAsync();
        await owner.ActiveCatalogStyle(orgcode);
        var response = owner.Client.Post("/pvm/variant", VariantSteps.Body("tee-m-red", "m", "red", value), orgcode);
        if (accepted)
        {
            await response.Ok(HttpStatusCode.Created);
            return;
        }
        var problem = await response.Problem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.Contains(message!, problem.GetProperty("errors").GetProperty("barcodes[0].barcode")[0].GetString());
    }

    [Fact]
    public async Task a_variant_is_active_only_on_an_active_style_and_updates_carry_its_revision()
    {
        var (orgcode, owner) = await host.NewOrgAsync();
        var ogm = await owner.CatalogBasics(orgcode);
        await owner.Create(orgcode, "/pvm/style", StyleSteps.Body("tee", ogm));
        var refused = await owner.Client.Post("/pvm/variant", VariantSteps.Body("tee-m-red", "m", "red") with { Status = "active" }, orgcode)
            .Problem(HttpStatusCode.UnprocessableEntity, "reference_not_active");
        Assert.Equal("status", refused.GetProperty("field").GetString());
        var draft = await owner.Create(orgcode, "/pvm/variant", VariantSteps.Body("tee-m-red", "m", "red"));
        Assert.Equal("draft", draft.GetProperty("status").GetString());
        await owner.Client.Post("/pvm/variant/status", new { variant_code = "tee-m-red", status = "active", expected_revision = 1 }, orgcode)
            .Problem(HttpStatusCode.UnprocessableEntity, "reference_not_active");

        await owner.Client.Post("/pvm/style/status", new { style_code = "tee", status = "active", expected_revision = 1 }, orgcode).Ok();
        var active = await owner.Client.Post("/pvm/variant/status", new { variant_code = "tee-m-red", status = "active", expected_revision = 1 }, orgcode).Ok();
        Assert.Equal("active", active.GetProperty("status").GetString());

        await owner.Client.Post("/pvm/variant/update", new { variant_code = "tee-m-red", name = "Old", expected_revision = 1 }, orgcode)
            .Problem(HttpStatusCode.Conflict, "revision_mismatch");
        var updated = await owner.Client.Post("/pvm/variant/update",
            new { variant_code = "tee-m-red", name = "Tee M red", physical = new { weight_grams = 200 }, expected_revision = 2 }, orgcode).Ok();
        Assert.Equal(3, updated.GetProperty("revision").GetInt64());
        Assert.Equal(200, updated.GetProperty("physical").GetProperty("weight_grams").GetInt32());
        await owner.Client.Post("/pvm/variant/update", new { variant_code = "tee-m-red", physical = new { weight_grams = -1 }, expected_revision = 3 }, orgcode)
            .Problem(HttpStatusCode.BadRequest, "validation_failed");

        var member = host.Factory.NewUser("member");
        await owner.Join(orgcode, member, "member");
        await member.Create(orgcode, "/pvm/variant", VariantSteps.Body("tee-l-red", "l", "red"));
        await member.Client.Post("/pvm/variant/status", new { variant_code = "tee-l-red", status = "active", expected_revision = 1 }, orgcode)
            .Problem(HttpStatusCode.Forbidden, "forbidden");
        var (other, otherOwner) = await host.NewOrgAsync();
        await otherOwner.Client.Post("/pvm/variant/get", new { variant_guid = draft.GetProperty("variant_guid").GetString() }, other)
            .Problem(HttpStatusCode.NotFound, "not_found");
    }
}

/// <summary>Request bodies of the variant tests, and a look at records the API has no read of in this area.</summary>
internal static class VariantSteps
{
    public sealed record VariantBody(
        [property: System.Text.Json.Serialization.JsonPropertyName("style_code")] string StyleCode,
        [property: System.Text.Json.Serialization.JsonPropertyName("variant_code")] string VariantCode,
        [property: System.Text.Json.Serialization.JsonPropertyName("options")] object[] Options,
        [property: System.Text.Json.Serialization.JsonPropertyName("status")] string? Status,
        [property: System.Text.Json.Serialization.JsonPropertyName("barcodes")] object[]? Barcodes);

    public static object[] Options(string size, string colour) =>
        [new { option_group_code = "size", option_code = size }, new { option_group_code = "colour", option_code = colour }];

    public static VariantBody Body(string code, string size, string colour, string? gtin = null) =>
        new("tee", code, Options(size, colour), null, gtin is null ? null : [new { barcode = gtin }]);

    /// <summary>A record of the org as stored, read through PVM's own record store.</summary>
    public static async Task<T?> ReadAsync<T>(this PvmHost host, string orgcode, string key) where T : Retail.Shared.Records.Record
    {
        using var scope = host.Factory.Services.CreateScope();
        var store = scope.ServiceProvider.GetRequiredService<Retail.Shared.Records.RecordStore<T>>();
        return (await store.GetAsync(orgcode, key))?.Record;
    }
}
