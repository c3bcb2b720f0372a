using System.Net;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;

namespace Retail.Functional.Tests.Pvm;

/// <summary>UC-PVM-008: kits list active component variants with quantities, never containing themselves.</summary>
public sealed class KitTests(PvmHost host) : IClassFixture<PvmHost>
{
    [Fact]
    public async Task UC_PVM_008_a_kit_lists_its_components_updates_a_quantity_and_removes_one_each_change_publishing_the_composition()
    {
        var (orgcode, owner) = await host.NewOrgAsync();
        await owner.ReadyStyle(orgcode);
        var kit = await owner.Variant(orgcode, "tee", "gift-box", "sm", "red", isKit: true);
        var shirt = await owner.Variant(orgcode, "tee", "tee-m-red", "md", "red");
        await owner.Variant(orgcode, "tee", "tee-m-blue", "md", "blue");
        var clerk = host.Factory.NewUser("clerk");
        await owner.Join(orgcode, clerk, "member");
        var viewer = host.Factory.NewUser("viewer");
        await owner.Join(orgcode, viewer, "viewer");

        var first = await clerk.Client.Post("/pvm/kit/component/add",
            new { kit_variant_code = "gift-box", component_variant_code = "tee-m-red", quantity = 2 }, orgcode).Ok();
        Assert.Equal(1, first.GetProperty("revision").GetInt64());
        Assert.Equal(kit.GetProperty("variant_guid").GetString(), first.GetProperty("kit_variant_guid").GetString());
        // Once the composition exists, every change names the revision it is based on.
        await clerk.Client.Post("/pvm/kit/component/add", new { kit_variant_code = "gift-box", component_variant_code = "tee-m-blue", quantity = 1 }, orgcode)
            .Problem(HttpStatusCode.BadRequest, "expected_revision_required");
        await clerk.Client.Post("/pvm/kit/component/add",
                new { kit_variant_code = "gift-box", component_variant_code = "tee-m-blue", quantity = 1, expected_revision = 7 }, orgcode)
            .Problem(HttpStatusCode.Conflict, "revision_mismatch");
        await clerk.Client.Post("/pvm/kit/component/add",
            new { kit_variant_guid = kit.GetProperty("variant_guid").GetString(), component_variant_code = "tee-m-blue", quantity = 1, expected_revision = 1 },
            orgcode).Ok();
        // Adding a component again sets its quantity.
        var updated = await clerk.Client.Post("/pvm/kit/component/add",
            new { kit_variant_code = "gift-box", component_variant_guid = shirt.GetProperty("variant_guid").GetString(), quantity = 5, expected_revision = 2 },
            orgcode).Ok();
        Assert.Equal(3, updated.GetProperty("revision").GetInt64());

        var listed = await viewer.Client.Post("/pvm/kit/component/list", new { kit_variant_code = "gift-box" }, orgcode).Ok();
        Assert.Equal([("tee-m-red", 5), ("tee-m-blue", 1)], Components(listed));
        Assert.Equal(shirt.GetProperty("variant_guid").GetString(), listed.GetProperty("components")[0].GetProperty("variant_guid").GetString());
        await viewer.Client.Post("/pvm/kit/component/add",
                new { kit_variant_code = "gift-box", component_variant_code = "tee-m-red", quantity = 1, expected_revision = 3 }, orgcode)
            .Problem(HttpStatusCode.Forbidden, "forbidden");

        var removed = await clerk.Client.Post("/pvm/kit/component/remove",
            new { kit_variant_code = "gift-box", component_variant_code = "tee-m-blue", expected_revision = 3 }, orgcode).Ok();
        Assert.Equal([("tee-m-red", 5)], Components(removed));
        await clerk.Client.Post("/pvm/kit/component/remove",
                new { kit_variant_code = "gift-box", component_variant_code = "tee-m-blue", expected_revision = 4 }, orgcode)
            .Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        await clerk.Client.Post("/pvm/kit/component/remove", new { kit_variant_code = "gift-box", component_variant_code = "tee-m-red" }, orgcode)
            .Problem(HttpStatusCode.BadRequest, "expected_revision_required");

        // Every change committed pvm.kit.changed with the whole composition and its revision, in order.
        var events = KitEvents(host, kit.GetProperty("variant_guid").GetString()!);
        Assert.Equal([1L, 2L, 3L, 4L], events.Select(e => e.GetProperty("revision").GetInt64()));
        Assert.Equal(orgcode, events[^1].GetProperty("orgcode").GetString());
        Assert.Equal("gift-box", events[^1].GetProperty("kit_variant_code").GetString());
        Assert.Equal([("tee-m-red", 5)], Components(events[^1]));
        Assert.Equal(2, events[1].GetProperty("components").GetArrayLength());
    }

    [Fact]
    public async Task A_component_cannot_be_retired_while_a_kit_names_it_but_can_once_removed()
    {
        var (orgcode, owner) = await host.NewOrgAsync();
        await owner.ReadyStyle(orgcode);
        await owner.Variant(orgcode, "tee", "gift-box", "sm", "red", isKit: true);
        await owner.Variant(orgcode, "tee", "tee-m-red", "md", "red");
        await owner.Client.Post("/pvm/kit/component/add", new { kit_variant_code = "gift-box", component_variant_code = "tee-m-red", quantity = 1 }, orgcode)
            .Ok();

        var shirt = await owner.Client.Post("/pvm/variant/get", new { variant_code = "tee-m-red" }, orgcode).Ok();
        var refused = await owner.Client.Post("/pvm/variant/status",
            new { variant_code = "tee-m-red", status = "retired", expected_revision = shirt.Revision() }, orgcode).Problem(HttpStatusCode.Conflict, "in_use");
        Assert.Contains("gift-box", refused.GetProperty("detail").GetString());
        // Discontinuing a component is allowed; retiring it once no kit names it too.
        var discontinued = await owner.Client.Post("/pvm/variant/status",
            new { variant_code = "tee-m-red", status = "discontinued", expected_revision = shirt.Revision() }, orgcode).Ok();
        await owner.Client.Post("/pvm/kit/component/remove",
            new { kit_variant_code = "gift-box", component_variant_code = "tee-m-red", expected_revision = 1 }, orgcode).Ok();
        var retired = await owner.Client.Post("/pvm/variant/status",
            new { variant_code = "tee-m-red", status = "retired", expected_revision = discontinued.Revision() }, orgcode).Ok();
        Assert.Equal("retired", retired.GetProperty("status").GetString());
    }

    [Fact]
    public async Task UC_PVM_008_a_kit_cannot_contain_itself_directly_or_through_a_nested_kit()
    {
        var (orgcode, owner) = await host.NewOrgAsync();
        await owner.ReadyStyle(orgcode);
        await owner.Variant(orgcode, "tee", "box-a", "sm", "red", isKit: true);
        await owner.Variant(orgcode, "tee", "box-b", "sm", "blue", isKit: true);
        await owner.Variant(orgcode, "tee", "box-c", "md", "red", isKit: true);
        await owner.Variant(orgcode, "tee", "tee-l-red", "lg", "red");

        await owner.Client.Post("/pvm/kit/component/add", new { kit_variant_code = "box-a", component_variant_code = "box-a", quantity = 1 }, orgcode)
            .Problem(HttpStatusCode.Conflict, "kit_cycle");
        // box-c holds box-b, box-b holds box-a: box-a may not hold box-c (nor box-b).
        await owner.Client.Post("/pvm/kit/component/add", new { kit_variant_code = "box-a", component_variant_code = "tee-l-red", quantity = 1 }, orgcode).Ok();
        await owner.Client.Post("/pvm/kit/component/add", new { kit_variant_code = "box-b", component_variant_code = "box-a", quantity = 2 }, orgcode).Ok();
        await owner.Client.Post("/pvm/kit/component/add", new { kit_variant_code = "box-c", component_variant_code = "box-b", quantity = 1 }, orgcode).Ok();
        var nested = await owner.Client.Post("/pvm/kit/component/add",
            new { kit_variant_code = "box-a", component_variant_code = "box-c", quantity = 1, expected_revision = 1 }, orgcode).Problem(HttpStatusCode.Conflict, "kit_cycle");
        Assert.Contains("box-c", nested.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await owner.Client.Post("/pvm/kit/component/add",
            new { kit_variant_code = "box-a", component_variant_code = "box-b", quantity = 1, expected_revision = 1 }, orgcode).Problem(HttpStatusCode.Conflict, "kit_cycle");
        // Nothing changed.
        var boxA = await owner.Client.Post("/pvm/kit/component/list", new { kit_variant_code = "box-a" }, orgcode).Ok();
        Assert.Equal(1, boxA.GetProperty("revision").GetInt64());
        Assert.Equal([("tee-l-red", 1)], Components(boxA));
    }

    [Fact]
    public async Task UC_PVM_008_a_component_must_be_an_active_variant_and_the_kit_a_kit()
    {
        var (orgcode, owner) = await host.NewOrgAsync();
        await owner.ReadyStyle(orgcode);
        await owner.Variant(orgcode, "tee", "box", "sm", "red", isKit: true);
        await owner.Variant(orgcode, "tee", "tee-m-red", "md", "red");
        await owner.Variant(orgcode, "tee", "tee-l-red", "lg", "red", status: "draft");

        var inactive = await owner.Client.Post("/pvm/kit/component/add", new { kit_variant_code = "box", component_variant_code = "tee-l-red", quantity = 1 }, orgcode)
            .Problem(HttpStatusCode.UnprocessableEntity, "reference_not_active");
        Assert.Equal("component_variant_code", inactive.GetProperty("field").GetString());
        await owner.Client.Post("/pvm/kit/component/add", new { kit_variant_code = "box", component_variant_code = "no-such", quantity = 1 }, orgcode)
            .Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        await owner.Client.Post("/pvm/kit/component/add", new { kit_variant_code = "tee-m-red", component_variant_code = "box", quantity = 1 }, orgcode)
            .Problem(HttpStatusCode.UnprocessableEntity, "not_a_kit");
        await owner.Client.Post("/pvm/kit/component/add", new { kit_variant_code = "no-such", component_variant_code = "tee-m-red", quantity = 1 }, orgcode)
            .Problem(HttpStatusCode.NotFound, "not_found");
        foreach (var quantity in new[] { 0, 10_001 })
        {
            var bad = await owner.Client.Post("/pvm/kit/component/add", new { kit_variant_code = "box", component_variant_code = "tee-m-red", quantity }, orgcode)
                .Problem(HttpStatusCode.BadRequest, "validation_failed");
            Assert.True(bad.GetProperty("errors").TryGetProperty("quantity", out _));
        }
        await owner.Client.Post("/pvm/kit/component/add", new { kit_variant_code = "box", quantity = 1 }, orgcode)
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await owner.Client.Post("/pvm/kit/component/add", new { kit_variant_code = "box", component_variant_code = "tee-m-red", quantity = 10_000 }, orgcode).Ok();

        // Another org sees no such kit.
        var (otherOrg, other) = await host.NewOrgAsync();
        await other.Client.Post("/pvm/kit/component/list", new { kit_variant_code = "box" }, otherOrg).Problem(HttpStatusCode.NotFound, "not_found");
    }

    internal static IReadOnlyList<(string Code, int Quantity)> Components(JsonElement kit) =>
        kit.GetProperty("components").EnumerateArray().Select(c => (c.GetProperty("variant_code").GetString()!, c.GetProperty("quantity").GetInt32())).ToList();

    /// <summary>The <c>pvm.kit.changed</c> events PVM committed for this kit, in commit order (its outbox, as a consumer receives them).</summary>
    internal static IReadOnlyList<JsonElement> KitEvents(PvmHost host, string kitGuid)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(host.Factory.DataDir, "state", "pvm.db")};Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT data FROM outbox WHERE type = 'pvm.kit.changed' AND subject = $subject ORDER BY seq";
        command.Parameters.AddWithValue("$subject", $"kit/{kitGuid}");
        using var reader = command.ExecuteReader();
        var events = new List<JsonElement>();
        while (reader.Read())
        {
            events.Add(JsonDocument.Parse((byte[])reader["data"]).RootElement.Clone());
        }
        return events;
    }
}

/// <summary>Variants as the link and kit tests need them (on a style of <see cref="ReadyStyle"/>: sizes sm, md, lg; colours red, blue).</summary>
internal static class LinkSteps
{
    /// <summary>
    /// As <see cref="PvmSteps.ActiveStyle"/>, with every status change naming the revision it is based on (the contract's
    /// <c>expected_revision</c>): active suppliers, a linked brand, a taxonomy, an active OGM (size sm, md, lg × colour
    /// red, blue) and an active style on them.
    /// </summary>
    public static async Task<JsonElement> ReadyStyle(this TestUser admin, string orgcode, string styleCode = "tee")
    {
        await admin.Create(orgcode, "/pvm/vendor", new { vendor_code = "acme", name = "Vendor acme", country = "DE" });
        await admin.Client.Post("/pvm/vendor/status", new { vendor_code = "acme", status = "active", expected_revision = 1 }, orgcode).Ok();
        await admin.Create(orgcode, "/pvm/manufacturer", new { manufacturer_code = "mill", name = "Maker mill", country = "PT" });
        await admin.Client.Post("/pvm/manufacturer/status", new { manufacturer_code = "mill", status = "active", expected_revision = 1 }, orgcode).Ok();
        await admin.LinkedBrand(orgcode, "northwind", "acme", "mill");
        await admin.Taxonomy(orgcode);
        await admin.Create(orgcode, "/pvm/option_group", new { option_group_code = "size", name = "Size" });
        await admin.Create(orgcode, "/pvm/option_group", new { option_group_code = "colour", name = "Colour" });
        var position = 0;
        foreach (var (group, option) in new[] { ("size", "sm"), ("size", "md"), ("size", "lg"), ("colour", "red"), ("colour", "blue") })
        {
            await admin.Create(orgcode, "/pvm/option", new { option_group_code = group, option_code = option, name = option, position = position++ });
        }
        var ogm = await admin.Create(orgcode, "/pvm/ogm", new
        {
            ogm_code = "apparel",
            name = "Apparel",
            axes = new object[]
            {
                new { option_group_code = "size", option_codes = new[] { "sm", "md", "lg" } },
                new { option_group_code = "colour", option_codes = new[] { "red", "blue" } },
            },
        });
        var ogmGuid = ogm.GetProperty("ogm_guid").GetString();
        await admin.Client.Post("/pvm/ogm/status", new { ogm_guid = ogmGuid, status = "active", expected_revision = ogm.GetProperty("revision").GetInt64() }, orgcode)
            .Ok();
        var style = await admin.Create(orgcode, "/pvm/style", new
        {
            style_code = styleCode,
            name = "Classic tee",
            brand_code = "northwind",
            primary_vendor_code = "acme",
            primary_manufacturer_code = "mill",
            category_code = "shirts",
            ogm_guid = ogmGuid,
        });
        return await admin.Client.Post("/pvm/style/status",
            new { style_code = styleCode, status = "active", expected_revision = style.GetProperty("revision").GetInt64() }, orgcode).Ok();
    }

    public static Task<JsonElement> Variant(this TestUser admin, string orgcode, string styleCode, string variantCode, string size, string colour,
        bool isKit = false, string status = "active", string? gtin13 = null) =>
        admin.Create(orgcode, "/pvm/variant", new
        {
            style_code = styleCode,
            variant_code = variantCode,
            options = new[] { new { option_group_code = "size", option_code = size }, new { option_group_code = "colour", option_code = colour } },
            status,
            is_kit = isKit,
            barcodes = gtin13 is null ? null : new[] { new { barcode = gtin13, primary = true } },
        });
}
