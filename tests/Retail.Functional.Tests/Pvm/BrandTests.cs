using System.Net;
using System.Text.Json;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;

namespace Retail.Functional.Tests.Pvm;

public sealed class BrandTests(PvmHost host) : IClassFixture<PvmHost>
{
    private static Task<HttpResponseMessage> Link(TestUser user, string orgcode, string op, object body) =>
        user.Client.Post($"/pvm/brand/link/{op}", body, orgcode);

    private static async Task<JsonElement> Brand(TestUser user, string orgcode, string code) =>
        await user.Client.Post("/pvm/brand/get", new { brand_code = code }, orgcode).Ok();

    [Fact]
    public async Task UC_PVM_002_a_brand_links_vendors_and_manufacturers_with_one_primary_of_each()
    {
        var (orgcode, owner) = await host.NewOrgAsync();
        var acme = (await owner.ActiveSupplier(orgcode, "vendor", "acme")).GetProperty("vendor_guid").GetString();
        var beta = (await owner.ActiveSupplier(orgcode, "vendor", "beta")).GetProperty("vendor_guid").GetString();
        var mill = (await owner.ActiveSupplier(orgcode, "manufacturer", "mill", "PT")).GetProperty("manufacturer_guid").GetString();
        var brand = await owner.Create(orgcode, "/pvm/brand", new { brand_code = "northwind", name = "Northwind" });
        Assert.Equal("active", brand.GetProperty("status").GetString());

        // The first vendor linked becomes the primary one, without asking.
        var first = await Link(owner, orgcode, "add", new { brand_code = "northwind", supplier_kind = "vendor", supplier_code = "acme" }).Ok(HttpStatusCode.Created);
        Assert.Equal(acme, first.GetProperty("supplier_guid").GetString());
        Assert.Equal("acme", first.GetProperty("supplier_code").GetString());
        Assert.Equal("northwind", first.GetProperty("brand_code").GetString());
        Assert.Equal("vendor", first.GetProperty("supplier_kind").GetString());
        Assert.True(first.GetProperty("primary").GetBoolean());
        var second = await Link(owner, orgcode, "add", new { brand_guid = brand.GetProperty("brand_guid").GetString(), supplier_kind = "vendor", supplier_guid = beta })
            .Ok(HttpStatusCode.Created);
        Assert.False(second.GetProperty("primary").GetBoolean());
        await Link(owner, orgcode, "add", new { brand_code = "northwind", supplier_kind = "vendor", supplier_code = "acme" })
            .Problem(HttpStatusCode.Conflict, "duplicate");
        Assert.Equal(acme, (await Brand(owner, orgcode, "northwind")).GetProperty("primary_vendor_guid").GetString());

        var moved = await Link(owner, orgcode, "set_primary", new { brand_code = "northwind", supplier_kind = "vendor", supplier_code = "beta" }).Ok();
        Assert.Equal(beta, moved.GetProperty("primary_vendor_guid").GetString());
        var made = await Link(owner, orgcode, "add", new { brand_code = "northwind", supplier_kind = "manufacturer", supplier_code = "mill", primary = true })
            .Ok(HttpStatusCode.Created);
        Assert.True(made.GetProperty("primary").GetBoolean());
        Assert.Equal(mill, (await Brand(owner, orgcode, "northwind")).GetProperty("primary_manufacturer_guid").GetString());

        var vendors = await Link(owner, orgcode, "list", new { brand_code = "northwind", supplier_kind = "vendor" }).Ok();
        var items = vendors.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(2, items.Count);
        Assert.Equal([beta], items.Where(i => i.GetProperty("primary").GetBoolean()).Select(i => i.GetProperty("supplier_guid").GetString()));
        var all = await Link(owner, orgcode, "list", new { brand_code = "northwind", limit = 2 }).Ok();
        Assert.Equal(2, all.GetProperty("items").GetArrayLength());
        var rest = await Link(owner, orgcode, "list", new { brand_code = "northwind", limit = 2, next_token = all.GetProperty("next_token").GetString() }).Ok();
        var kinds = all.GetProperty("items").EnumerateArray().Concat(rest.GetProperty("items").EnumerateArray())
            .Select(i => i.GetProperty("supplier_kind").GetString()).Order().ToList();
        Assert.Equal(["manufacturer", "vendor", "vendor"], kinds);
        Assert.Equal(JsonValueKind.Null, rest.GetProperty("next_token").ValueKind);
    }

    [Fact]
    public async Task UC_PVM_002_removing_the_primary_link_clears_it_and_a_link_can_come_back()
    {
        var (orgcode, owner) = await host.NewOrgAsync();
        await owner.ActiveSupplier(orgcode, "vendor", "acme");
        await owner.ActiveSupplier(orgcode, "manufacturer", "mill");
        await owner.LinkedBrand(orgcode, "northwind", "acme", "mill");
        var before = await Brand(owner, orgcode, "northwind");
        Assert.Equal(3, before.GetProperty("revision").GetInt64());

        var removed = await Link(owner, orgcode, "remove", new { brand_code = "northwind", supplier_kind = "vendor", supplier_code = "acme", expected_revision = 3 })
            .Ok();
        Assert.False(removed.GetProperty("primary").GetBoolean());
        var after = await Brand(owner, orgcode, "northwind");
        Assert.Equal(JsonValueKind.Null, after.GetProperty("primary_vendor_guid").ValueKind);
        Assert.Equal(4, after.GetProperty("revision").GetInt64());
        var left = await Link(owner, orgcode, "list", new { brand_code = "northwind" }).Ok();
        Assert.Equal("mill", Assert.Single(left.GetProperty("items").EnumerateArray()).GetProperty("supplier_code").GetString());
        await Link(owner, orgcode, "remove", new { brand_code = "northwind", supplier_kind = "vendor", supplier_code = "acme" })
            .Problem(HttpStatusCode.NotFound, "not_found");
        await Link(owner, orgcode, "set_primary", new { brand_code = "northwind", supplier_kind = "vendor", supplier_code = "acme" })
            .Problem(HttpStatusCode.UnprocessableEntity, "brand_link_missing");

        // A stale brand revision stops the change; linked again, the vendor is the primary once more (the brand has none).
        await Link(owner, orgcode, "add", new { brand_code = "northwind", supplier_kind = "vendor", supplier_code = "acme", expected_revision = 3 })
            .Problem(HttpStatusCode.Conflict, "revision_mismatch");
        var again = await Link(owner, orgcode, "add", new { brand_code = "northwind", supplier_kind = "vendor", supplier_code = "acme", expected_revision = 4 })
            .Ok(HttpStatusCode.Created);
        Assert.True(again.GetProperty("primary").GetBoolean());
    }

    [Fact]
    public async Task UC_PVM_002_a_link_a_style_relies_on_cannot_be_removed()
    {
        var (orgcode, owner) = await host.NewOrgAsync();
        await owner.DraftStyle(orgcode);
        await owner.ActiveSupplier(orgcode, "vendor", "beta");
        await Link(owner, orgcode, "add", new { brand_code = "northwind", supplier_kind = "vendor", supplier_code = "beta" }).Ok(HttpStatusCode.Created);

        await Link(owner, orgcode, "remove", new { brand_code = "northwind", supplier_kind = "vendor", supplier_code = "acme" })
            .Problem(HttpStatusCode.Conflict, "in_use");
        await Link(owner, orgcode, "remove", new { brand_code = "northwind", supplier_kind = "manufacturer", supplier_code = "mill" })
            .Problem(HttpStatusCode.Conflict, "in_use");
        // A supplier no style of the brand relies on is unlinked at once; moving the primary does not free the style's own.
        await Link(owner, orgcode, "remove", new { brand_code = "northwind", supplier_kind = "vendor", supplier_code = "beta" }).Ok();
        await Link(owner, orgcode, "add", new { brand_code = "northwind", supplier_kind = "vendor", supplier_code = "beta", primary = true })
            .Ok(HttpStatusCode.Created);
        await owner.StyleStatus(orgcode, "active");
        await Link(owner, orgcode, "remove", new { brand_code = "northwind", supplier_kind = "vendor", supplier_code = "acme" })
            .Problem(HttpStatusCode.Conflict, "in_use");
        var brandRevision = (await Brand(owner, orgcode, "northwind")).GetProperty("revision").GetInt64();
        await owner.Client.Post("/pvm/brand/status", new { brand_code = "northwind", status = "retired", expected_revision = brandRevision }, orgcode)
            .Problem(HttpStatusCode.Conflict, "in_use");

        await owner.StyleStatus(orgcode, "retired");
        await Link(owner, orgcode, "remove", new { brand_code = "northwind", supplier_kind = "vendor", supplier_code = "acme" }).Ok();
        var left = await Link(owner, orgcode, "list", new { brand_code = "northwind", supplier_kind = "vendor" }).Ok();
        Assert.Equal("beta", Assert.Single(left.GetProperty("items").EnumerateArray()).GetProperty("supplier_code").GetString());
        // Every removal writes the brand too (so a set_primary racing it conflicts on the brand), moving its revision on.
        var afterRemoval = (await Brand(owner, orgcode, "northwind")).GetProperty("revision").GetInt64();
        Assert.Equal(brandRevision + 1, afterRemoval);
        await owner.SetStatus(orgcode, "brand", "northwind", "retired", afterRemoval);
    }

    [Fact]
    public async Task a_link_names_an_existing_supplier_that_is_not_retired()
    {
        var (orgcode, owner) = await host.NewOrgAsync();
        await owner.Create(orgcode, "/pvm/brand", new { brand_code = "northwind", name = "Northwind" });
        await owner.Create(orgcode, "/pvm/vendor", new { vendor_code = "fresh", name = "Fresh", country = "DE" });
        var gone = await owner.Create(orgcode, "/pvm/vendor", new { vendor_code = "gone", name = "Gone", country = "DE" });
        await owner.SetStatus(orgcode, "vendor", "gone", "retired", gone.GetProperty("revision").GetInt64());

        var unknown = await Link(owner, orgcode, "add", new { brand_code = "northwind", supplier_kind = "vendor", supplier_code = "nobody" })
            .Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        Assert.Equal("supplier_code", unknown.GetProperty("field").GetString());
        // A manufacturer's code is not a vendor's.
        await owner.Create(orgcode, "/pvm/manufacturer", new { manufacturer_code = "mill", name = "Mill", country = "PT" });
        await Link(owner, orgcode, "add", new { brand_code = "northwind", supplier_kind = "vendor", supplier_code = "mill" })
            .Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        await Link(owner, orgcode, "add", new { brand_code = "northwind", supplier_kind = "vendor", supplier_code = "gone" })
            .Problem(HttpStatusCode.UnprocessableEntity, "reference_not_active");
        // A pending supplier may be linked; a style checks that its suppliers are active.
        await Link(owner, orgcode, "add", new { brand_code = "northwind", supplier_kind = "vendor", supplier_code = "fresh" }).Ok(HttpStatusCode.Created);
        await Link(owner, orgcode, "add", new { brand_code = "nobrand", supplier_kind = "vendor", supplier_code = "fresh" })
            .Problem(HttpStatusCode.NotFound, "not_found");
        await Link(owner, orgcode, "add", new { brand_code = "northwind", supplier_kind = "wholesaler", supplier_code = "fresh" })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await Link(owner, orgcode, "add", new { brand_code = "northwind", supplier_kind = "vendor" })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await Link(owner, orgcode, "list", new { brand_code = "nobrand" }).Problem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task a_brand_is_updated_with_its_revision_and_retired_by_an_admin()
    {
        var (orgcode, owner) = await host.NewOrgAsync();
        var member = host.Factory.NewUser("member");
        await owner.Join(orgcode, member, "member");
        await member.Create(orgcode, "/pvm/brand", new { brand_code = "northwind", name = "Northwind" });
        var updated = await member.Client.Post("/pvm/brand/update", new { brand_code = "northwind", description = "Outdoor wear", expected_revision = 1 }, orgcode)
            .Ok();
        Assert.Equal("Outdoor wear", updated.GetProperty("description").GetString());
        await member.Client.Post("/pvm/brand/update", new { brand_code = "northwind", name = "N", expected_revision = 1 }, orgcode)
            .Problem(HttpStatusCode.Conflict, "revision_mismatch");
        await member.Client.Post("/pvm/brand/status", new { brand_code = "northwind", status = "retired", expected_revision = 2 }, orgcode)
            .Problem(HttpStatusCode.Forbidden, "forbidden");
        await member.Client.Post("/pvm/brand/link/remove", new { brand_code = "northwind", supplier_kind = "vendor", supplier_code = "acme" }, orgcode)
            .Problem(HttpStatusCode.Forbidden, "forbidden");
        var retired = await owner.SetStatus(orgcode, "brand", "northwind", "retired", 2);
        Assert.Equal("retired", retired.GetProperty("status").GetString());
        await owner.ActiveSupplier(orgcode, "vendor", "acme");
        await Link(owner, orgcode, "add", new { brand_code = "northwind", supplier_kind = "vendor", supplier_code = "acme" })
            .Problem(HttpStatusCode.UnprocessableEntity, "reference_not_active");
        var listed = await owner.Client.Post("/pvm/brand/list", new { status = "retired" }, orgcode).Ok();
        Assert.Single(listed.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task another_org_cannot_see_a_brand_or_its_links()
    {
        var (orgcode, owner) = await host.NewOrgAsync();
        var (otherOrg, stranger) = await host.NewOrgAsync();
        await owner.ActiveSupplier(orgcode, "vendor", "acme");
        await owner.ActiveSupplier(orgcode, "manufacturer", "mill");
        var brand = await owner.LinkedBrand(orgcode, "northwind", "acme", "mill");
        var guid = brand.GetProperty("brand_guid").GetString();
        await stranger.Client.Post("/pvm/brand/get", new { brand_guid = guid }, otherOrg).Problem(HttpStatusCode.NotFound, "not_found");
        await Link(stranger, otherOrg, "list", new { brand_guid = guid }).Problem(HttpStatusCode.NotFound, "not_found");
        await stranger.ActiveSupplier(otherOrg, "vendor", "acme");
        await Link(stranger, otherOrg, "add", new { brand_guid = guid, supplier_kind = "vendor", supplier_code = "acme" })
            .Problem(HttpStatusCode.NotFound, "not_found");
    }
}
