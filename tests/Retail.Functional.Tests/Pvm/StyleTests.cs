using System.Net;
using System.Text.Json;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;

namespace Retail.Functional.Tests.Pvm;

public sealed class StyleTests(PvmHost host) : IClassFixture<PvmHost>
{
    [Fact]
    public async Task UC_PVM_001_a_style_cannot_name_a_pending_vendor_until_it_is_activated()
    {
        var (orgcode, owner) = await host.NewOrgAsync();
        var ogm = await owner.CatalogBasics(orgcode);
        await owner.Create(orgcode, "/pvm/vendor", new { vendor_code = "newco", name = "New Co", country = "DE" });
        await owner.Create(orgcode, "/pvm/brand/link/add", new { brand_code = "northwind", supplier_kind = "vendor", supplier_code = "newco" });

        var refused = await owner.Client.Post("/pvm/style", StyleSteps.Body("tee", ogm, vendor: "newco"), orgcode)
            .Problem(HttpStatusCode.UnprocessableEntity, "reference_not_active");
        Assert.Equal("primary_vendor_code", refused.GetProperty("field").GetString());

        await owner.Client.Post("/pvm/vendor/status", new { vendor_code = "newco", status = "active", expected_revision = 1 }, orgcode).Ok();
        var style = await owner.Create(orgcode, "/pvm/style", StyleSteps.Body("tee", ogm, vendor: "newco"));
        Assert.Equal("draft", style.GetProperty("status").GetString());
        Assert.Equal("PT", style.GetProperty("compliance").GetProperty("country_of_origin").GetString());
    }

    [Fact]
    public async Task a_style_needs_both_primaries_linked_to_its_brand_and_an_active_category_and_ogm()
    {
        var (orgcode, owner) = await host.NewOrgAsync();
        var ogm = await owner.CatalogBasics(orgcode);
        // A brand linked to the vendor only.
        await owner.Create(orgcode, "/pvm/brand", new { brand_code = "southwind", name = "Southwind" });
        await owner.Create(orgcode, "/pvm/brand/link/add", new { brand_code = "southwind", supplier_kind = "vendor", supplier_code = "acme" });
        var missing = await owner.Client.Post("/pvm/style", StyleSteps.Body("tee", ogm, brand: "southwind"), orgcode)
            .Problem(HttpStatusCode.UnprocessableEntity, "brand_link_missing");
        Assert.Equal("primary_manufacturer_code", missing.GetProperty("field").GetString());

        var unknown = await owner.Client.Post("/pvm/style", StyleSteps.Body("tee", ogm, category: "hats"), orgcode)
            .Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        Assert.Equal("category_code", unknown.GetProperty("field").GetString());

        await owner.SetStatus(orgcode, "/pvm/category", new { category_code = "shirts" }, "inactive");
        var inactive = await owner.Client.Post("/pvm/style", StyleSteps.Body("tee", ogm), orgcode)
            .Problem(HttpStatusCode.UnprocessableEntity, "reference_not_active");
        Assert.Equal("category_code", inactive.GetProperty("field").GetString());
        await owner.SetStatus(orgcode, "/pvm/category", new { category_code = "shirts" }, "active");

        var draft = await owner.Create(orgcode, "/pvm/ogm", CatalogSteps.Model("draft-model", ("size", ["s"])));
        var notActive = await owner.Client.Post("/pvm/style", StyleSteps.Body("tee", draft), orgcode)
            .Problem(HttpStatusCode.UnprocessableEntity, "reference_not_active");
        Assert.Equal("ogm_guid", notActive.GetProperty("field").GetString());

        await owner.Create(orgcode, "/pvm/style", StyleSteps.Body("tee", ogm));
        await owner.Client.Post("/pvm/style", StyleSteps.Body("tee", ogm), orgcode).Problem(HttpStatusCode.Conflict, "duplicate");
    }

    [Fact]
    public async Task activating_a_style_rechecks_its_references_and_names_the_first_missing_one()
    {
        var (orgcode, owner) = await host.NewOrgAsync();
        var ogm = await owner.CatalogBasics(orgcode);
        var style = await owner.Create(orgcode, "/pvm/style", StyleSteps.Body("tee", ogm));

        await owner.SetStatus(orgcode, "/pvm/category", new { category_code = "shirts" }, "inactive");
        var refused = await owner.Client.Post("/pvm/style/status", new { style_code = "tee", status = "active", expected_revision = 1 }, orgcode)
            .Problem(HttpStatusCode.UnprocessableEntity, "reference_not_active");
        Assert.Equal("category_guid", refused.GetProperty("field").GetString());
        await owner.SetStatus(orgcode, "/pvm/category", new { category_code = "shirts" }, "active");

        await owner.SetStatus(orgcode, "/pvm/manufacturer", new { manufacturer_code = "mill" }, "inactive");
        refused = await owner.Client.Post("/pvm/style/status", new { style_code = "tee", status = "active", expected_revision = 1 }, orgcode)
            .Problem(HttpStatusCode.UnprocessableEntity, "reference_not_active");
        Assert.Equal("primary_manufacturer_guid", refused.GetProperty("field").GetString());
        await owner.SetStatus(orgcode, "/pvm/manufacturer", new { manufacturer_code = "mill" }, "active");

        var active = await owner.Client.Post("/pvm/style/status", new { style_code = "tee", status = "active", expected_revision = 1 }, orgcode).Ok();
        Assert.Equal("active", active.GetProperty("status").GetString());
        Assert.Equal(2, active.GetProperty("revision").GetInt64());
        await owner.Client.Post("/pvm/style/status", new { style_code = "tee", status = "draft", expected_revision = 2 }, orgcode)
            .Problem(HttpStatusCode.Conflict, "invalid_transition");
        var discontinued = await owner.Client.Post("/pvm/style/status",
            new { style_guid = style.GetProperty("style_guid").GetString(), status = "discontinued", expected_revision = 2 }, orgcode).Ok();
        Assert.Equal("discontinued", discontinued.GetProperty("status").GetString());
    }

    [Fact]
    public async Task a_style_is_updated_with_its_references_checked_and_listed_by_brand_category_and_status()
    {
        var (orgcode, owner) = await host.NewOrgAsync();
        var ogm = await owner.CatalogBasics(orgcode);
        await owner.Create(orgcode, "/pvm/style", StyleSteps.Body("tee", ogm));
        await owner.Create(orgcode, "/pvm/style", StyleSteps.Body("polo", ogm));
        await owner.Client.Post("/pvm/style/status", new { style_code = "polo", status = "active", expected_revision = 1 }, orgcode).Ok();

        await owner.Create(orgcode, "/pvm/vendor", new { vendor_code = "pending-co", name = "Pending", country = "DE" });
        await owner.Client.Post("/pvm/style/update", new { style_code = "tee", primary_vendor_code = "pending-co", expected_revision = 1 }, orgcode)
            .Problem(HttpStatusCode.UnprocessableEntity, "reference_not_active");
        await owner.Client.Post("/pvm/style/update", new { style_code = "tee", name = "Renamed" }, orgcode)
            .Problem(HttpStatusCode.BadRequest, "expected_revision_required");
        var updated = await owner.Client.Post("/pvm/style/update",
            new { style_code = "tee", name = "Renamed", compliance = new { country_of_origin = "it", hs_code = "6109100010", age_restriction = 3 },
                expected_revision = 1 }, orgcode).Ok();
        Assert.Equal("Renamed", updated.GetProperty("name").GetString());
        Assert.Equal("IT", updated.GetProperty("compliance").GetProperty("country_of_origin").GetString());

        var byBrand = await owner.Client.Post("/pvm/style/list", new { brand_code = "northwind" }, orgcode).Ok();
        Assert.Equal(2, byBrand.GetProperty("items").GetArrayLength());
        var active = await owner.Client.Post("/pvm/style/list", new { category_code = "shirts", status = "active" }, orgcode).Ok();
        Assert.Equal(["polo"], active.GetProperty("items").EnumerateArray().Select(s => s.GetProperty("style_code").GetString()));
        var none = await owner.Client.Post("/pvm/style/list", new { brand_code = "nobody" }, orgcode).Ok();
        Assert.Equal(0, none.GetProperty("items").GetArrayLength());
    }

    [Theory]
    [InlineData("country_of_origin", "DEU")]
    [InlineData("hs_code", "12345")]
    [InlineData("hs_code", "12345678901")]
    [InlineData("age_restriction", 22)]
    public async Task compliance_attributes_are_checked_field_by_field(string field, object value)
    {
        var (orgcode, owner) = await host.NewOrgAsync();
        var body = new Dictionary<string, object?>
        {
            ["style_code"] = "tee", ["name"] = "Tee", ["brand_code"] = "northwind", ["primary_vendor_code"] = "acme",
            ["primary_manufacturer_code"] = "mill", ["category_code"] = "shirts", ["ogm_code"] = "apparel", ["ogm_revision"] = 1,
            ["compliance"] = new Dictionary<string, object> { [field] = value },
        };
        var problem = await owner.Client.Post("/pvm/style", body, orgcode).Problem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty($"compliance.{field}", out _), problem.ToString());
    }
}

/// <summary>What a style needs: active suppliers linked to a brand, a taxonomy, the size and colour options and an active OGM.</summary>
internal static class StyleSteps
{
    /// <summary>Vendor acme and manufacturer mill (active), brand northwind linked to both, apparel/tops/shirts, and model "apparel" (size × colour), active; answers the model.</summary>
    public static async Task<JsonElement> CatalogBasics(this TestUser admin, string orgcode)
    {
        await admin.ActiveSupplier(orgcode, "vendor", "acme");
        await admin.ActiveSupplier(orgcode, "manufacturer", "mill");
        await admin.LinkedBrand(orgcode, "northwind", "acme", "mill");
        await admin.Taxonomy(orgcode);
        await admin.Options(orgcode);
        return await admin.ActiveModel(orgcode, "apparel", ("size", ["s", "m", "l"]), ("colour", ["red", "blue"]));
    }

    public static Dictionary<string, object?> Body(string code, JsonElement ogm, string vendor = "acme", string brand = "northwind",
        string category = "shirts") => new()
        {
            ["style_code"] = code,
            ["name"] = $"Style {code}",
            ["brand_code"] = brand,
            ["primary_vendor_code"] = vendor,
            ["primary_manufacturer_code"] = "mill",
            ["category_code"] = category,
            ["ogm_guid"] = ogm.GetProperty("ogm_guid").GetString(),
            ["compliance"] = new { country_of_origin = "pt", hs_code = "610910", hazmat = false, materials = new[] { "cotton" } },
        };

    /// <summary>The basics, then an active style on the model; answers the style.</summary>
    public static async Task<JsonElement> ActiveCatalogStyle(this TestUser admin, string orgcode, string code = "tee")
    {
        var ogm = await admin.CatalogBasics(orgcode);
        await admin.Create(orgcode, "/pvm/style", Body(code, ogm));
        return await admin.Client.Post("/pvm/style/status", new { style_code = code, status = "active", expected_revision = 1 }, orgcode).Ok();
    }
}
