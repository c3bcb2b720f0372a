using System.Net;
using System.Text.Json;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;

namespace Retail.Functional.Tests.Pvm;

/// <summary>Steps of the supplier, brand and taxonomy tests: status changes name the revision they start from.</summary>
internal static class MasterDataSteps
{
    public static Task<JsonElement> SetStatus(this TestUser user, string orgcode, string entity, string code, string status, long revision) =>
        user.Client.Post($"/pvm/{entity}/status", new Dictionary<string, object> { [$"{entity}_code"] = code, ["status"] = status, ["expected_revision"] = revision },
            orgcode).Ok();

    /// <summary>A supplier (vendor or manufacturer) created pending and activated: answers the active record.</summary>
    public static async Task<JsonElement> ActiveSupplier(this TestUser admin, string orgcode, string kind, string code, string country = "DE")
    {
        var created = await admin.Create(orgcode, $"/pvm/{kind}", new Dictionary<string, object>
        {
            [$"{kind}_code"] = code,
            ["name"] = $"{kind} {code}",
            ["country"] = country,
        });
        return await admin.SetStatus(orgcode, kind, code, "active", created.GetProperty("revision").GetInt64());
    }

    /// <summary>
    /// A draft style "tee" of brand northwind (linked to vendor acme and manufacturer mill, both primary) in category
    /// shirts, on an active size OGM, optionally in a season.
    /// </summary>
    public static async Task<JsonElement> DraftStyle(this TestUser admin, string orgcode, string? seasonCode = null)
    {
        await admin.ActiveSupplier(orgcode, "vendor", "acme");
        await admin.ActiveSupplier(orgcode, "manufacturer", "mill", "PT");
        await admin.LinkedBrand(orgcode, "northwind", "acme", "mill");
        await admin.Taxonomy(orgcode);
        await admin.Options(orgcode);
        var ogm = await admin.ActiveModel(orgcode, "sized", ("size", ["s", "m", "l"]));
        return await admin.Create(orgcode, "/pvm/style", new
        {
            style_code = "tee",
            name = "Classic tee",
            brand_code = "northwind",
            primary_vendor_code = "acme",
            primary_manufacturer_code = "mill",
            category_code = "shirts",
            season_code = seasonCode,
            ogm_guid = ogm.GetProperty("ogm_guid").GetString(),
        });
    }

    public static Task<JsonElement> StyleStatus(this TestUser admin, string orgcode, string status) =>
        admin.SetStatus(orgcode, "/pvm/style", new { style_code = "tee" }, status);
}

public sealed class SupplierTests(PvmHost host) : IClassFixture<PvmHost>
{
    [Fact]
    public async Task UC_PVM_001_a_vendor_is_created_pending_activated_updated_and_moved_only_as_its_lifecycle_allows()
    {
        var (orgcode, owner) = await host.NewOrgAsync();
        var created = await owner.Create(orgcode, "/pvm/vendor", new
        {
            vendor_code = " ACME ",
            name = "Acme Textiles",
            country = "de",
            contacts = new[] { new { name = "Ada Buyer", email = "Ada@Acme.example", phone = "+4930123456", role = "sales" } },
            terms = new { lead_time_days = 21, rtv_window_days = 30, currency = "eur", payment_terms = "net 30" },
        });
        Assert.Equal("acme", created.GetProperty("vendor_code").GetString());
        Assert.Equal("pending", created.GetProperty("status").GetString());
        Assert.Equal("DE", created.GetProperty("country").GetString());
        Assert.Equal("EUR", created.GetProperty("terms").GetProperty("currency").GetString());
        Assert.Equal(21, created.GetProperty("terms").GetProperty("lead_time_days").GetInt32());
        Assert.Equal("ada@acme.example", created.GetProperty("contacts")[0].GetProperty("email").GetString());
        Assert.Equal(1, created.GetProperty("revision").GetInt64());

        await owner.Client.Post("/pvm/vendor", new { vendor_code = "acme", name = "Again", country = "DE" }, orgcode)
            .Problem(HttpStatusCode.Conflict, "duplicate");
        // A pending vendor cannot go inactive: only active or retired are next.
        var refused = await owner.Client.Post("/pvm/vendor/status", new { vendor_code = "acme", status = "inactive", expected_revision = 1 }, orgcode)
            .Problem(HttpStatusCode.Conflict, "invalid_transition");
        Assert.Contains(refused.GetProperty("allowed").EnumerateArray(), a => a.GetString() == "active");
        await owner.Client.Post("/pvm/vendor/status", new { vendor_code = "acme", status = "active" }, orgcode)
            .Problem(HttpStatusCode.BadRequest, "expected_revision_required");

        var active = await owner.SetStatus(orgcode, "vendor", "acme", "active", 1);
        Assert.Equal("active", active.GetProperty("status").GetString());
        Assert.Equal(2, active.GetProperty("revision").GetInt64());

        var updated = await owner.Client.Post("/pvm/vendor/update",
            new { vendor_guid = created.GetProperty("vendor_guid").GetString(), name = "Acme Textiles GmbH", terms = new { lead_time_days = 14 }, expected_revision = 2 },
            orgcode).Ok();
        Assert.Equal("Acme Textiles GmbH", updated.GetProperty("name").GetString());
        Assert.Equal(14, updated.GetProperty("terms").GetProperty("lead_time_days").GetInt32());
        Assert.Equal("EUR", updated.GetProperty("terms").GetProperty("currency").GetString());
        var stale = await owner.Client.Post("/pvm/vendor/update", new { vendor_code = "acme", name = "Late", expected_revision = 2 }, orgcode)
            .Problem(HttpStatusCode.Conflict, "revision_mismatch");
        Assert.Equal(3, stale.GetProperty("current_revision").GetInt64());

        await owner.SetStatus(orgcode, "vendor", "acme", "inactive", 3);
        await owner.SetStatus(orgcode, "vendor", "acme", "active", 4);
        var retired = await owner.SetStatus(orgcode, "vendor", "acme", "retired", 5);
        Assert.Equal("retired", retired.GetProperty("status").GetString());
        await owner.Client.Post("/pvm/vendor/status", new { vendor_code = "acme", status = "active", expected_revision = 6 }, orgcode)
            .Problem(HttpStatusCode.Conflict, "invalid_transition");

        var read = await owner.Client.Post("/pvm/vendor/get", new { vendor_code = "acme" }, orgcode).Ok();
        Assert.Equal(6, read.GetProperty("revision").GetInt64());
        var listed = await owner.Client.Post("/pvm/vendor/list", new { status = "retired" }, orgcode).Ok();
        Assert.Equal("acme", Assert.Single(listed.GetProperty("items").EnumerateArray()).GetProperty("vendor_code").GetString());
    }

    [Fact]
    public async Task UC_PVM_001_a_manufacturer_is_created_pending_and_activated()
    {
        var (orgcode, owner) = await host.NewOrgAsync();
        var created = await owner.Create(orgcode, "/pvm/manufacturer", new { manufacturer_code = "mill", name = "Porto Mill", country = "PT" });
        Assert.Equal("pending", created.GetProperty("status").GetString());
        var active = await owner.SetStatus(orgcode, "manufacturer", "mill", "active", 1);
        Assert.Equal("active", active.GetProperty("status").GetString());
        await owner.Client.Post("/pvm/manufacturer/status", new { manufacturer_code = "mill", status = "pending", expected_revision = 2 }, orgcode)
            .Problem(HttpStatusCode.Conflict, "invalid_transition");
        var updated = await owner.Client.Post("/pvm/manufacturer/update",
            new { manufacturer_code = "mill", country = "es", contacts = new[] { new { name = "Rui" } }, expected_revision = 2 }, orgcode).Ok();
        Assert.Equal("ES", updated.GetProperty("country").GetString());
        Assert.Equal("Rui", updated.GetProperty("contacts")[0].GetProperty("name").GetString());
        await owner.Client.Post("/pvm/manufacturer/get", new { manufacturer_code = "nobody" }, orgcode).Problem(HttpStatusCode.NotFound, "not_found");
    }

    [Theory]
    [InlineData("Germany", "EUR")]
    [InlineData("D1", "EUR")]
    [InlineData("DE", "EURO")]
    [InlineData("DE", "XYZ")]
    public async Task a_supplier_with_a_bad_country_or_currency_is_refused_with_400(string country, string currency)
    {
        var (orgcode, owner) = await host.NewOrgAsync();
        var problem = await owner.Client.Post("/pvm/vendor", new { vendor_code = "acme", name = "Acme", country, terms = new { currency } }, orgcode)
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem.GetProperty("errors").EnumerateObject().Any(), problem.ToString());
        await owner.Client.Post("/pvm/vendor/get", new { vendor_code = "acme" }, orgcode).Problem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task contacts_and_terms_are_checked_field_by_field()
    {
        var (orgcode, owner) = await host.NewOrgAsync();
        async Task Refused(object body) =>
            await owner.Client.Post("/pvm/manufacturer", body, orgcode).Problem(HttpStatusCode.BadRequest, "validation_failed");

        await Refused(new { manufacturer_code = "m1", name = "M", country = "PT", contacts = new[] { new { name = "", email = "a@b.example" } } });
        await Refused(new { manufacturer_code = "m1", name = "M", country = "PT", contacts = new[] { new { name = "Rui", email = "not-an-address" } } });
        await Refused(new { manufacturer_code = "m1", name = "M", country = "PT", contacts = new[] { new { name = "Rui", phone = "030 123456" } } });
        await Refused(new { manufacturer_code = "m1", name = "M", country = "PT", contacts = Enumerable.Range(0, 21).Select(i => new { name = $"c{i}" }) });
        await Refused(new { manufacturer_code = "m1", name = "M", country = "PT", terms = new { lead_time_days = 366 } });
        await Refused(new { manufacturer_code = "m1", name = "M", country = "PT", terms = new { rtv_window_days = -1 } });
        await Refused(new { manufacturer_code = "m1", name = "M" });
        await Refused(new { manufacturer_code = "m1", name = "M", country = "PT", fax = "+351" });
        await owner.Create(orgcode, "/pvm/manufacturer", new
        {
            manufacturer_code = "m1",
            name = "M",
            country = "PT",
            contacts = Enumerable.Range(0, 20).Select(i => new { name = $"c{i}", phone = "+351221234567" }),
            terms = new { lead_time_days = 365, rtv_window_days = 0 },
        });
    }

    [Fact]
    public async Task a_member_creates_suppliers_but_only_an_admin_moves_their_status()
    {
        var (orgcode, owner) = await host.NewOrgAsync();
        var member = host.Factory.NewUser("member");
        await owner.Join(orgcode, member, "member");
        var created = await member.Create(orgcode, "/pvm/vendor", new { vendor_code = "acme", name = "Acme", country = "DE" });
        await member.Client.Post("/pvm/vendor/status", new { vendor_code = "acme", status = "active", expected_revision = 1 }, orgcode)
            .Problem(HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal("pending", created.GetProperty("status").GetString());
    }

    [Fact]
    public async Task a_supplier_a_draft_or_active_style_names_as_primary_cannot_be_retired()
    {
        var (orgcode, owner) = await host.NewOrgAsync();
        await owner.DraftStyle(orgcode);
        await owner.Client.Post("/pvm/vendor/status", new { vendor_code = "acme", status = "retired", expected_revision = 2 }, orgcode)
            .Problem(HttpStatusCode.Conflict, "in_use");
        await owner.StyleStatus(orgcode, "active");
        await owner.Client.Post("/pvm/manufacturer/status", new { manufacturer_code = "mill", status = "retired", expected_revision = 2 }, orgcode)
            .Problem(HttpStatusCode.Conflict, "in_use");
        // Going inactive is allowed: it only stops new styles from naming the supplier.
        await owner.SetStatus(orgcode, "vendor", "acme", "inactive", 2);

        await owner.StyleStatus(orgcode, "retired");
        Assert.Equal("retired", (await owner.SetStatus(orgcode, "vendor", "acme", "retired", 3)).GetProperty("status").GetString());
        Assert.Equal("retired", (await owner.SetStatus(orgcode, "manufacturer", "mill", "retired", 2)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task another_org_cannot_read_or_change_a_vendor()
    {
        var (orgcode, owner) = await host.NewOrgAsync();
        var (otherOrg, stranger) = await host.NewOrgAsync();
        var vendor = await owner.ActiveSupplier(orgcode, "vendor", "acme");
        var guid = vendor.GetProperty("vendor_guid").GetString();

        await stranger.Client.Post("/pvm/vendor/get", new { vendor_guid = guid }, otherOrg).Problem(HttpStatusCode.NotFound, "not_found");
        await stranger.Client.Post("/pvm/vendor/get", new { vendor_code = "acme" }, otherOrg).Problem(HttpStatusCode.NotFound, "not_found");
        await stranger.Client.Post("/pvm/vendor/update", new { vendor_guid = guid, name = "Mine", expected_revision = 2 }, otherOrg)
            .Problem(HttpStatusCode.NotFound, "not_found");
        // Asking in the owner's org without being a member of it is refused the same way.
        await stranger.Client.Post("/pvm/vendor/get", new { vendor_guid = guid }, orgcode).Problem(HttpStatusCode.NotFound, "not_found");
        var theirs = await stranger.Client.Post("/pvm/vendor/list", new { }, otherOrg).Ok();
        Assert.Empty(theirs.GetProperty("items").EnumerateArray());
    }
}
