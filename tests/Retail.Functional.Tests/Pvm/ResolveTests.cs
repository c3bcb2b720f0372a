using System.Net;
using System.Text.Json;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;

namespace Retail.Functional.Tests.Pvm;

public sealed class ResolveTests(PvmHost host) : IClassFixture<PvmHost>
{
    private static long _payload = 500_000_000_000 + Random.Shared.Next(1_000_000);

    private static string NewGtin13() => PvmSteps.Gtin13(Interlocked.Increment(ref _payload));

    private static void AssertNames(JsonElement resolution, string kind, string status, bool live, string variantCode)
    {
        Assert.Equal(kind, resolution.Str("kind"));
        Assert.Equal(status, resolution.Str("status"));
        Assert.Equal(live, resolution.GetProperty("live").GetBoolean());
        Assert.Equal(variantCode, resolution.GetProperty("variant").Str("variant_code"));
    }

    [Fact]
    public async Task UC_PVM_005_a_till_and_an_order_resolve_a_variant_by_code_barcode_alias_and_identifier()
    {
        var catalog = await host.CatalogAsync();
        var red = catalog.Guid("tee-s-red");
        // A barcode given with the variant at creation resolves like one added later.
        var gtin = NewGtin13();
        var blue = await catalog.Owner.ActiveVariant(catalog.Orgcode, "tee", "tee-m-blue", "m", "blue", gtin);
        var scanned = await catalog.Ok("/pvm/resolve/barcode", new { barcode = gtin });
        AssertNames(scanned, "barcode", "active", true, "tee-m-blue");
        Assert.Equal(gtin, scanned.Str("key"));
        Assert.Equal(blue.Str("variant_guid"), scanned.GetProperty("variant").Str("variant_guid"));
        Assert.Equal("tee", scanned.GetProperty("variant").Str("style_code"));
        Assert.Equal("active", scanned.GetProperty("variant").Str("status"));
        var options = scanned.GetProperty("variant").GetProperty("options").EnumerateArray().Select(o => o.Str("option_code")).ToList();
        Assert.Equal(["m", "blue"], options);

        var later = NewGtin13();
        await catalog.Ok("/pvm/barcode/add", new { variant_code = "tee-s-red", barcode = later }, HttpStatusCode.Created);
        AssertNames(await catalog.Ok("/pvm/barcode/resolve", new { barcode = later }), "barcode", "active", true, "tee-s-red");

        var byCode = await catalog.Ok("/pvm/resolve/code", new { code = " TEE-S-RED " });
        AssertNames(byCode, "variant", "active", true, "tee-s-red");
        Assert.Equal(red, byCode.Str("key"));
        var style = await catalog.Ok("/pvm/resolve/code", new { code = "tee" });
        Assert.Equal("style", style.Str("kind"));
        Assert.Equal(JsonValueKind.Null, style.GetProperty("variant").ValueKind);
        Assert.Equal("tee", style.GetProperty("style").Str("style_code"));
        Assert.Equal("active", style.GetProperty("style").Str("status"));
        await catalog.Problem("/pvm/resolve/code", new { code = "no-such-code" }, HttpStatusCode.NotFound, "not_found");

        await catalog.Ok("/pvm/alias/set", new { variant_code = "tee-s-red", tag = "supplier_sku", value = "ACME-TS-R" });
        AssertNames(await catalog.Ok("/pvm/resolve/alias", new { tag = "supplier_sku", value = "ACME-TS-R" }), "alias", "active", true, "tee-s-red");

        await catalog.Ok("/pvm/identifier/add", new { variant_code = "tee-s-red", id_type = "plm", value = "P-77" }, HttpStatusCode.Created);
        AssertNames(await catalog.Ok("/pvm/identifier/resolve", new { id_type = "plm", value = "P-77" }), "identifier", "active", true, "tee-s-red");

        // A viewer may resolve; values never held are 404.
        var viewer = host.Factory.NewUser("viewer");
        await catalog.Owner.Join(catalog.Orgcode, viewer, "viewer");
        await viewer.Client.Post("/pvm/resolve/barcode", new { barcode = gtin }, catalog.Orgcode).Ok();
        await catalog.Problem("/pvm/resolve/barcode", new { barcode = NewGtin13() }, HttpStatusCode.NotFound, "not_found");
        await catalog.Problem("/pvm/resolve/alias", new { tag = "supplier_sku", value = "NEVER" }, HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task setting_an_alias_replaces_the_variants_old_value_which_then_resolves_as_doomed()
    {
        var catalog = await host.CatalogAsync();
        var first = await catalog.Ok("/pvm/alias/set", new { variant_code = "tee-s-red", tag = "amazon_asin", value = "B00OLD" });
        Assert.Equal("amazon_asin", first.Str("tag"));
        var again = await catalog.Ok("/pvm/alias/set", new { variant_code = "tee-s-red", tag = "amazon_asin", value = "B00OLD" });
        Assert.Equal(first.Revision(), again.Revision());
        await catalog.Problem("/pvm/alias/set", new { variant_code = "tee-s-red", tag = "amazon_asin", value = "B00NEW", expected_revision = 7 },
            HttpStatusCode.Conflict, "revision_mismatch");

        await catalog.Ok("/pvm/alias/set", new { variant_code = "tee-s-red", tag = "amazon_asin", value = "B00NEW", expected_revision = 1 });
        var aliases = (await catalog.Ok("/pvm/alias/list", new { variant_code = "tee-s-red" })).Items();
        Assert.Equal(["B00NEW"], aliases.Select(a => a.Str("value")));
        AssertNames(await catalog.Ok("/pvm/resolve/alias", new { tag = "amazon_asin", value = "B00OLD" }), "alias", "doomed", false, "tee-s-red");
        AssertNames(await catalog.Ok("/pvm/resolve/alias", new { tag = "amazon_asin", value = "B00NEW" }), "alias", "active", true, "tee-s-red");

        // A tag's value names one variant; the freed old value may go to another, and each tag is separate.
        await catalog.Problem("/pvm/alias/set", new { variant_code = "tee-m-red", tag = "amazon_asin", value = "B00NEW" }, HttpStatusCode.Conflict, "duplicate");
        await catalog.Ok("/pvm/alias/set", new { variant_code = "tee-m-red", tag = "amazon_asin", value = "B00OLD" });
        AssertNames(await catalog.Ok("/pvm/resolve/alias", new { tag = "amazon_asin", value = "B00OLD" }), "alias", "active", true, "tee-m-red");
        await catalog.Ok("/pvm/alias/set", new { variant_code = "tee-s-red", tag = "supplier_sku", value = "B00OLD" });
        Assert.Equal(2, (await catalog.Ok("/pvm/alias/list", new { variant_code = "tee-s-red" })).Items().Count);
        Assert.Single((await catalog.Ok("/pvm/alias/list", new { variant_code = "tee-s-red", tag = "supplier_sku" })).Items());

        var held = await catalog.Ok("/pvm/resolve/alias", new { tag = "supplier_sku", value = "B00OLD" });
        Assert.True(held.GetProperty("live").GetBoolean());
        await catalog.Problem("/pvm/alias/remove", new { tag = "supplier_sku", value = "B00OLD" }, HttpStatusCode.BadRequest, "expected_revision_required");
        await catalog.Ok("/pvm/alias/remove", new { tag = "supplier_sku", value = "B00OLD", expected_revision = 1 });
        Assert.Equal("doomed", (await catalog.Ok("/pvm/resolve/alias", new { tag = "supplier_sku", value = "B00OLD" })).Str("status"));
        await catalog.Problem("/pvm/alias/set", new { variant_code = "no-such", tag = "supplier_sku", value = "X" },
            HttpStatusCode.UnprocessableEntity, "unknown_reference");
    }

    [Fact]
    public async Task concurrent_alias_sets_for_one_tag_of_a_variant_leave_one_value()
    {
        var catalog = await host.CatalogAsync(1);
        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(async i =>
        {
            using var response = await catalog.Owner.Client.Post("/pvm/alias/set",
                new { variant_code = "tee-s-red", tag = "supplier_sku", value = $"V-{i}" }, catalog.Orgcode);
            return response.StatusCode;
        }));
        Assert.All(answers, status => Assert.True(status is HttpStatusCode.OK or HttpStatusCode.Conflict, $"{status}"));
        Assert.Single((await catalog.Ok("/pvm/alias/list", new { variant_code = "tee-s-red", tag = "supplier_sku" })).Items());
    }

    [Fact]
    public async Task a_record_of_a_retired_variant_resolves_but_is_not_live()
    {
        var catalog = await host.CatalogAsync();
        var gtin = NewGtin13();
        await catalog.Ok("/pvm/barcode/add", new { variant_code = "tee-m-red", barcode = gtin }, HttpStatusCode.Created);
        await catalog.RetireVariant("tee-m-red");

        var resolved = await catalog.Ok("/pvm/resolve/barcode", new { barcode = gtin });
        AssertNames(resolved, "barcode", "active", false, "tee-m-red");
        Assert.Equal("retired", resolved.GetProperty("variant").Str("status"));
        var byCode = await catalog.Ok("/pvm/resolve/code", new { code = "tee-m-red" });
        Assert.Equal("retired", byCode.Str("status"));
        Assert.False(byCode.GetProperty("live").GetBoolean());
    }

    [Fact]
    public async Task another_orgs_barcode_alias_identifier_and_code_are_404()
    {
        var mine = await host.CatalogAsync(1);
        var theirs = await host.CatalogAsync(1);
        var gtin = NewGtin13();
        await theirs.Ok("/pvm/barcode/add", new { variant_code = "tee-s-red", barcode = gtin }, HttpStatusCode.Created);
        await theirs.Ok("/pvm/alias/set", new { variant_code = "tee-s-red", tag = "supplier_sku", value = "THEIRS" });
        await theirs.Ok("/pvm/identifier/add", new { variant_code = "tee-s-red", id_type = "sku", value = "THEIRS" }, HttpStatusCode.Created);

        await mine.Problem("/pvm/resolve/barcode", new { barcode = gtin }, HttpStatusCode.NotFound, "not_found");
        await mine.Problem("/pvm/barcode/resolve", new { barcode = gtin }, HttpStatusCode.NotFound, "not_found");
        await mine.Problem("/pvm/barcode/get", new { barcode = gtin }, HttpStatusCode.NotFound, "not_found");
        await mine.Problem("/pvm/resolve/alias", new { tag = "supplier_sku", value = "THEIRS" }, HttpStatusCode.NotFound, "not_found");
        await mine.Problem("/pvm/identifier/resolve", new { id_type = "sku", value = "THEIRS" }, HttpStatusCode.NotFound, "not_found");
        await mine.Problem("/pvm/identifier/history", new { id_type = "sku", value = "THEIRS" }, HttpStatusCode.NotFound, "not_found");
        await mine.Problem("/pvm/barcode/status", new { barcode = gtin, status = "retired", expected_revision = 1 }, HttpStatusCode.NotFound, "not_found");
        await mine.Problem("/pvm/barcode/list", new { variant_guid = theirs.Guid("tee-s-red") }, HttpStatusCode.NotFound, "not_found");
        await mine.Problem("/pvm/identifier/add", new { variant_guid = theirs.Guid("tee-s-red"), id_type = "sku", value = "MINE" },
            HttpStatusCode.UnprocessableEntity, "unknown_reference");
        // The same values are free in my org: each tenant has its own.
        await mine.Ok("/pvm/barcode/add", new { variant_code = "tee-s-red", barcode = gtin }, HttpStatusCode.Created);
        // A member of one org cannot read another's by naming it.
        await mine.Owner.Client.Post("/pvm/resolve/barcode", new { barcode = gtin }, theirs.Orgcode).Problem(HttpStatusCode.NotFound, "not_found");
    }
}
