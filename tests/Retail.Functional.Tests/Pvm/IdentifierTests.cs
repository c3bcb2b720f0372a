using System.Net;
using System.Text.Json;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;

namespace Retail.Functional.Tests.Pvm;

/// <summary>An org with the active style "tee" and active variants of it, for the identifier, barcode and resolver tests.</summary>
internal sealed record IdentifierCatalog(string Orgcode, TestUser Owner, IReadOnlyDictionary<string, string> VariantGuids)
{
    public string Guid(string variantCode) => VariantGuids[variantCode];

    public Task<JsonElement> Ok(string path, object body, HttpStatusCode status = HttpStatusCode.OK) =>
        Owner.Client.Post(path, body, Orgcode).Ok(status);

    public Task<JsonElement> Problem(string path, object body, HttpStatusCode status, string code) =>
        Owner.Client.Post(path, body, Orgcode).Problem(status, code);
}

internal static class IdentifierSteps
{
    private static readonly (string Code, string Size, string Colour)[] Variants =
        [("tee-s-red", "s", "red"), ("tee-m-red", "m", "red"), ("tee-l-red", "l", "red"), ("tee-s-blue", "s", "blue")];

    /// <summary>A fresh org, its style "tee" and <paramref name="count"/> active variants (tee-s-red, tee-m-red, …) through PVM's API.</summary>
    public static async Task<IdentifierCatalog> CatalogAsync(this PvmHost host, int count = 2)
    {
        var (orgcode, owner) = await host.NewOrgAsync();
        await owner.ActiveStyleAt(orgcode);
        var guids = new Dictionary<string, string>();
        foreach (var (code, size, colour) in Variants.Take(count))
        {
            var variant = await owner.ActiveVariant(orgcode, "tee", code, size, colour);
            guids[code] = variant.GetProperty("variant_guid").GetString()!;
        }
        return new IdentifierCatalog(orgcode, owner, guids);
    }

    /// <summary>
    /// PvmSteps.ActiveStyle's catalog (vendor, manufacturer, linked brand, taxonomy, OGM, style), each status change sending
    /// the <c>expected_revision</c> the contract asks for (PvmSteps' own status steps leave it out).
    /// </summary>
    public static async Task ActiveStyleAt(this TestUser admin, string orgcode, string styleCode = "tee")
    {
        await admin.Activate(orgcode, "/pvm/vendor", new { vendor_code = "acme", name = "Vendor acme", country = "DE" }, "vendor_code", "acme");
        await admin.Activate(orgcode, "/pvm/manufacturer", new { manufacturer_code = "mill", name = "Maker mill", country = "PT" }, "manufacturer_code", "mill");
        await admin.LinkedBrand(orgcode, "northwind", "acme", "mill");
        await admin.Taxonomy(orgcode);
        await admin.Create(orgcode, "/pvm/option_group", new { option_group_code = "size", name = "Size" });
        await admin.Create(orgcode, "/pvm/option_group", new { option_group_code = "colour", name = "Colour" });
        var position = 0;
        foreach (var (group, option) in new[] { ("size", "s"), ("size", "m"), ("size", "l"), ("colour", "red"), ("colour", "blue") })
        {
            await admin.Create(orgcode, "/pvm/option", new { option_group_code = group, option_code = option, name = option, position = position++ });
        }
        var ogm = await admin.Create(orgcode, "/pvm/ogm", new
        {
            ogm_code = "apparel",
            name = "Apparel",
            axes = new object[]
            {
                new { option_group_code = "size", option_codes = new[] { "s", "m", "l" } },
                new { option_group_code = "colour", option_codes = new[] { "red", "blue" } },
            },
        });
        var ogmGuid = ogm.Str("ogm_guid");
        await admin.Client.Post("/pvm/ogm/status", new { ogm_guid = ogmGuid, status = "active", expected_revision = ogm.Revision() }, orgcode).Ok();
        var style = await admin.Create(orgcode, "/pvm/style", new
        {
            style_code = styleCode,
            name = "Classic tee",
            brand_code = "northwind",
            primary_vendor_code = "acme",
            primary_manufacturer_code = "mill",
            category_code = "shirts",
            ogm_guid = ogmGuid,
            compliance = new { country_of_origin = "PT", hs_code = "610910" },
        });
        await admin.Client.Post("/pvm/style/status", new { style_code = styleCode, status = "active", expected_revision = style.Revision() }, orgcode).Ok();
    }

    private static async Task Activate(this TestUser admin, string orgcode, string path, object create, string codeField, string code)
    {
        var created = await admin.Create(orgcode, path, create);
        await admin.Client.Post($"{path}/status", new Dictionary<string, object> { [codeField] = code, ["status"] = "active", ["expected_revision"] = created.Revision() },
            orgcode).Ok();
    }

    /// <summary>Retires a variant (admin) as a client would: read its revision, then move it.</summary>
    public static async Task RetireVariant(this IdentifierCatalog catalog, string variantCode)
    {
        var variant = await catalog.Ok("/pvm/variant/get", new { variant_code = variantCode });
        await catalog.Ok("/pvm/variant/status",
            new { variant_code = variantCode, status = "retired", reason = "end of line", expected_revision = variant.GetProperty("revision").GetInt64() });
    }

    public static string Str(this JsonElement json, string property) => json.GetProperty(property).GetString()!;

    public static long Revision(this JsonElement json) => json.GetProperty("revision").GetInt64();

    public static IReadOnlyList<JsonElement> Items(this JsonElement page) => [.. page.GetProperty("items").EnumerateArray()];
}

public sealed class IdentifierTests(PvmHost host) : IClassFixture<PvmHost>
{
    [Fact]
    public async Task UC_PVM_005_an_identifier_resolves_to_its_variant_and_a_transfer_keeps_its_history_on_both()
    {
        var catalog = await host.CatalogAsync();
        var (red, medium) = (catalog.Guid("tee-s-red"), catalog.Guid("tee-m-red"));

        var added = await catalog.Ok("/pvm/identifier/add", new { variant_code = "tee-s-red", id_type = "ERP", value = "MAT-4711/01" }, HttpStatusCode.Created);
        Assert.Equal("erp", added.Str("id_type"));
        Assert.Equal("MAT-4711/01", added.Str("value"));
        Assert.Equal(red, added.Str("variant_guid"));
        var resolved = await catalog.Ok("/pvm/identifier/resolve", new { id_type = "erp", value = "MAT-4711/01" });
        Assert.Equal("identifier", resolved.Str("kind"));
        Assert.Equal("erp:MAT-4711/01", resolved.Str("key"));
        Assert.Equal("active", resolved.Str("status"));
        Assert.True(resolved.GetProperty("live").GetBoolean());
        Assert.Equal("tee-s-red", resolved.GetProperty("variant").Str("variant_code"));
        Assert.Equal("tee", resolved.GetProperty("variant").Str("style_code"));

        // A transfer is an admin's, names the revision it moves, and is one write.
        await catalog.Problem("/pvm/identifier/transfer", new { id_type = "erp", value = "MAT-4711/01", to_variant_code = "tee-m-red" },
            HttpStatusCode.BadRequest, "expected_revision_required");
        await catalog.Problem("/pvm/identifier/transfer", new { id_type = "erp", value = "MAT-4711/01", to_variant_code = "tee-m-red", expected_revision = 9 },
            HttpStatusCode.Conflict, "revision_mismatch");
        var member = host.Factory.NewUser("member");
        await catalog.Owner.Join(catalog.Orgcode, member, "member");
        await member.Client.Post("/pvm/identifier/transfer",
            new { id_type = "erp", value = "MAT-4711/01", to_variant_code = "tee-m-red", expected_revision = 1 }, catalog.Orgcode)
            .Problem(HttpStatusCode.Forbidden, "forbidden");
        var moved = await catalog.Ok("/pvm/identifier/transfer",
            new { id_type = "erp", value = "MAT-4711/01", to_variant_code = "tee-m-red", reason = "mislabelled", expected_revision = 1 });
        Assert.Equal(medium, moved.Str("variant_guid"));
        Assert.Equal(red, moved.Str("previous_variant_guid"));
        Assert.Equal(2, moved.Revision());

        var now = await catalog.Ok("/pvm/identifier/resolve", new { id_type = "erp", value = "MAT-4711/01" });
        Assert.Equal("tee-m-red", now.GetProperty("variant").Str("variant_code"));
        var history = (await catalog.Ok("/pvm/identifier/history", new { id_type = "erp", value = "MAT-4711/01" })).Items();
        Assert.Equal([red, medium], history.Select(h => h.GetProperty("record").Str("variant_guid")));
        Assert.Equal(red, history[1].GetProperty("record").Str("previous_variant_guid"));
        Assert.Equal("mislabelled", history[1].GetProperty("record").Str("transfer_reason"));
        Assert.Contains("variant_guid", history[1].GetProperty("changed").EnumerateArray().Select(c => c.GetString()));

        // Each variant's list shows what it holds now.
        Assert.Empty((await catalog.Ok("/pvm/identifier/list", new { variant_code = "tee-s-red" })).Items());
        Assert.Single((await catalog.Ok("/pvm/identifier/list", new { variant_guid = medium, id_type = "erp" })).Items());
        Assert.Empty((await catalog.Ok("/pvm/identifier/list", new { variant_guid = medium, id_type = "sku" })).Items());
    }

    [Fact]
    public async Task a_value_held_by_a_live_identifier_is_409_even_for_another_variant()
    {
        var catalog = await host.CatalogAsync();
        await catalog.Ok("/pvm/identifier/add", new { variant_code = "tee-s-red", id_type = "sku", value = "100-200" }, HttpStatusCode.Created);

        var refused = await catalog.Problem("/pvm/identifier/add", new { variant_code = "tee-m-red", id_type = "sku", value = "100-200" },
            HttpStatusCode.Conflict, "duplicate");
        Assert.Equal("value", refused.Str("field"));
        // The same value under another type is another identifier.
        await catalog.Ok("/pvm/identifier/add", new { variant_code = "tee-m-red", id_type = "plm", value = "100-200" }, HttpStatusCode.Created);
    }

    [Fact]
    public async Task an_identifier_clashing_with_a_doomed_one_is_freed_and_revived_for_the_new_variant_with_its_history_going_on()
    {
        var catalog = await host.CatalogAsync();
        var (red, medium) = (catalog.Guid("tee-s-red"), catalog.Guid("tee-m-red"));
        await catalog.Ok("/pvm/identifier/add", new { variant_code = "tee-s-red", id_type = "sku", value = "OLD-1" }, HttpStatusCode.Created);
        await catalog.Problem("/pvm/identifier/remove", new { id_type = "sku", value = "OLD-1" }, HttpStatusCode.BadRequest, "expected_revision_required");
        var removed = await catalog.Ok("/pvm/identifier/remove", new { id_type = "sku", value = "OLD-1", expected_revision = 1 });
        Assert.NotEqual(JsonValueKind.Null, removed.GetProperty("doomed_at").ValueKind);

        var gone = await catalog.Ok("/pvm/identifier/resolve", new { id_type = "sku", value = "OLD-1" });
        Assert.Equal("doomed", gone.Str("status"));
        Assert.False(gone.GetProperty("live").GetBoolean());
        Assert.Equal(red, gone.GetProperty("variant").Str("variant_guid"));

        var revived = await catalog.Ok("/pvm/identifier/add", new { variant_guid = medium, id_type = "sku", value = "OLD-1" }, HttpStatusCode.Created);
        Assert.Equal(3, revived.Revision());
        Assert.Equal(medium, revived.Str("variant_guid"));
        Assert.Equal(red, revived.Str("previous_variant_guid"));
        Assert.Equal(JsonValueKind.Null, revived.GetProperty("doomed_at").ValueKind);

        var history = (await catalog.Ok("/pvm/identifier/history", new { id_type = "sku", value = "OLD-1" })).Items();
        Assert.Equal(["created", "doomed", "created"], history.Select(h => h.Str("op")));
        Assert.Equal([red, red, medium], history.Select(h => h.GetProperty("record").Str("variant_guid")));
        var live = await catalog.Ok("/pvm/identifier/resolve", new { id_type = "sku", value = "OLD-1" });
        Assert.True(live.GetProperty("live").GetBoolean());
        Assert.Empty((await catalog.Ok("/pvm/identifier/list", new { variant_guid = red })).Items());
        // One record per value: the revived identifier is the medium's now, doomed or not it is no longer the red's.
        Assert.Empty((await catalog.Ok("/pvm/identifier/list", new { variant_guid = red, include_doomed = true })).Items());
        Assert.Single((await catalog.Ok("/pvm/identifier/list", new { variant_guid = medium })).Items());
    }

    [Fact]
    public async Task an_identifier_needs_a_variant_that_exists_and_is_not_retired()
    {
        var catalog = await host.CatalogAsync();
        var unknown = await catalog.Problem("/pvm/identifier/add", new { variant_code = "no-such", id_type = "sku", value = "X1" },
            HttpStatusCode.UnprocessableEntity, "unknown_reference");
        Assert.Equal("variant_code", unknown.Str("field"));
        await catalog.Problem("/pvm/identifier/add", new { variant_guid = Guid.CreateVersion7().ToString(), id_type = "sku", value = "X1" },
            HttpStatusCode.UnprocessableEntity, "unknown_reference");

        await catalog.Ok("/pvm/identifier/add", new { variant_code = "tee-s-red", id_type = "sku", value = "X1" }, HttpStatusCode.Created);
        await catalog.RetireVariant("tee-m-red");
        await catalog.Problem("/pvm/identifier/add", new { variant_code = "tee-m-red", id_type = "sku", value = "X2" },
            HttpStatusCode.UnprocessableEntity, "reference_not_active");
        var refused = await catalog.Problem("/pvm/identifier/transfer", new { id_type = "sku", value = "X1", to_variant_code = "tee-m-red", expected_revision = 1 },
            HttpStatusCode.UnprocessableEntity, "reference_not_active");
        Assert.Equal("to_variant_code", refused.Str("field"));
    }

    [Fact]
    public async Task an_identifier_given_at_variant_create_is_resolved_listed_and_transferred_like_one_added_later()
    {
        var catalog = await host.CatalogAsync(1);
        var created = await catalog.Owner.Create(catalog.Orgcode, "/pvm/variant", new
        {
            style_code = "tee",
            variant_code = "tee-l-blue",
            options = new[] { new { option_group_code = "size", option_code = "l" }, new { option_group_code = "colour", option_code = "blue" } },
            status = "active",
            identifiers = new[] { new { id_type = "supplier", value = "ACME 77" } },
        });
        var resolved = await catalog.Ok("/pvm/identifier/resolve", new { id_type = "supplier", value = "ACME 77" });
        Assert.True(resolved.GetProperty("live").GetBoolean());
        Assert.Equal(created.Str("variant_guid"), resolved.GetProperty("variant").Str("variant_guid"));
        Assert.Single((await catalog.Ok("/pvm/identifier/list", new { variant_code = "tee-l-blue" })).Items());
        var moved = await catalog.Ok("/pvm/identifier/transfer", new { id_type = "supplier", value = "ACME 77", to_variant_code = "tee-s-red", expected_revision = 1 });
        Assert.Equal(catalog.Guid("tee-s-red"), moved.Str("variant_guid"));
        // A value with a space names the stored record; a new one must be letters, digits and -._/:#.
        await catalog.Problem("/pvm/identifier/add", new { variant_code = "tee-s-red", id_type = "supplier", value = "ACME 78" },
            HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task malformed_identifiers_are_400_on_their_field()
    {
        var catalog = await host.CatalogAsync(1);
        var bad = await catalog.Problem("/pvm/identifier/add", new { variant_code = "tee-s-red", id_type = "sku", value = "has space" },
            HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(bad.GetProperty("errors").TryGetProperty("value", out _));
        bad = await catalog.Problem("/pvm/identifier/add", new { variant_code = "tee-s-red", id_type = "Not A Type", value = "x" },
            HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(bad.GetProperty("errors").TryGetProperty("id_type", out _));
        bad = await catalog.Problem("/pvm/identifier/add", new { id_type = "sku", value = "x" }, HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(bad.GetProperty("errors").TryGetProperty("variant_guid", out _));
        await catalog.Problem("/pvm/identifier/add", new { variant_code = "tee-s-red", id_type = "sku", value = new string('a', 125) },
            HttpStatusCode.BadRequest, "validation_failed");
        await catalog.Problem("/pvm/identifier/resolve", new { id_type = "sku", value = "never-added" }, HttpStatusCode.NotFound, "not_found");
        await catalog.Problem("/pvm/identifier/history", new { id_type = "sku", value = "never-added" }, HttpStatusCode.NotFound, "not_found");
        await catalog.Problem("/pvm/identifier/list", new { variant_code = "no-such" }, HttpStatusCode.NotFound, "not_found");
    }
}
