using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;

namespace Retail.Functional.Tests.Pvm;

/// <summary>One host per test class: OFM (the org directory), MRS (comment attachments) and PVM.</summary>
public sealed class PvmHost() : ServiceHost(Modules)
{
    internal static RetailHostFactory Start(Action<IServiceCollection>? services = null) => Start(Modules, services);

    internal static IReadOnlyList<string> Modules { get; } = [.. RetailHostFactory.Orgs, "mrs", "pvm"];

    /// <summary>A fresh active org with its owner (an admin of it) signed in.</summary>
    public async Task<(string Orgcode, TestUser Owner)> NewOrgAsync(string prefix = "pvm")
    {
        var orgcode = OfmSteps.NewOrgcode(prefix);
        var owner = Factory.NewUser("owner");
        await Operator.ActiveOrg(orgcode, owner.UserGuid);
        return (orgcode, owner);
    }
}

/// <summary>
/// The catalog ingest path (playbook B) as a client drives it, step by step. Request shapes here are PVM's contract:
/// records are named by <c>{entity}_code</c> or <c>{entity}_guid</c>.
/// </summary>
internal static class PvmSteps
{
    public static Task<JsonElement> Create(this TestUser user, string orgcode, string path, object body) =>
        user.Client.Post(path, body, orgcode).Ok(HttpStatusCode.Created);

    /// <summary>A vendor, created pending and then activated by an admin.</summary>
    public static async Task<JsonElement> ActiveVendor(this TestUser admin, string orgcode, string code, string country = "DE")
    {
        var vendor = await admin.Create(orgcode, "/pvm/vendor", new { vendor_code = code, name = $"Vendor {code}", country });
        return await admin.Client.Post("/pvm/vendor/status",
            new { vendor_code = code, status = "active", expected_revision = vendor.Revision() }, orgcode).Ok();
    }

    public static async Task<JsonElement> ActiveManufacturer(this TestUser admin, string orgcode, string code, string country = "PT")
    {
        var maker = await admin.Create(orgcode, "/pvm/manufacturer", new { manufacturer_code = code, name = $"Maker {code}", country });
        return await admin.Client.Post("/pvm/manufacturer/status",
            new { manufacturer_code = code, status = "active", expected_revision = maker.Revision() }, orgcode).Ok();
    }

    /// <summary>A brand linked to the vendor and the manufacturer, each as its primary.</summary>
    public static async Task<JsonElement> LinkedBrand(this TestUser admin, string orgcode, string code, string vendorCode, string manufacturerCode)
    {
        var brand = await admin.Create(orgcode, "/pvm/brand", new { brand_code = code, name = $"Brand {code}" });
        await admin.Create(orgcode, "/pvm/brand/link/add",
            new { brand_code = code, supplier_kind = "vendor", supplier_code = vendorCode, primary = true });
        await admin.Create(orgcode, "/pvm/brand/link/add",
            new { brand_code = code, supplier_kind = "manufacturer", supplier_code = manufacturerCode, primary = true });
        return brand;
    }

    /// <summary>A division, a department under it and a category under that.</summary>
    public static async Task<JsonElement> Taxonomy(this TestUser admin, string orgcode, string division = "apparel", string department = "tops",
        string category = "shirts")
    {
        await admin.Create(orgcode, "/pvm/division", new { division_code = division, name = division });
        await admin.Create(orgcode, "/pvm/department", new { department_code = department, division_code = division, name = department });
        return await admin.Create(orgcode, "/pvm/category", new { category_code = category, department_code = department, name = category });
    }

    /// <summary>Size (s, m, l) and colour (red, blue) groups, and an active OGM "apparel" (revision 1) over both.</summary>
    public static async Task<JsonElement> ActiveOgm(this TestUser admin, string orgcode, string code = "apparel")
    {
        await admin.Create(orgcode, "/pvm/option_group", new { option_group_code = "size", name = "Size" });
        await admin.Create(orgcode, "/pvm/option_group", new { option_group_code = "colour", name = "Colour" });
        var position = 0;
        foreach (var size in new[] { "s", "m", "l" })
        {
            await admin.Create(orgcode, "/pvm/option", new { option_group_code = "size", option_code = size, name = size.ToUpperInvariant(), position = position++ });
        }
        foreach (var colour in new[] { "red", "blue" })
        {
            await admin.Create(orgcode, "/pvm/option", new { option_group_code = "colour", option_code = colour, name = colour, position = position++ });
        }
        var ogm = await admin.Create(orgcode, "/pvm/ogm", new
        {
            ogm_code = code,
            name = "Apparel",
            axes = new object[]
            {
                new { option_group_code = "size", option_codes = new[] { "s", "m", "l" } },
                new { option_group_code = "colour", option_codes = new[] { "red", "blue" } },
            },
        });
        return await admin.Client.Post("/pvm/ogm/status",
            new { ogm_guid = ogm.GetProperty("ogm_guid").GetString(), status = "active", expected_revision = ogm.Revision() }, orgcode).Ok();
    }

    /// <summary>Everything a style needs (suppliers, brand, taxonomy, OGM), then an active style on it.</summary>
    public static async Task<JsonElement> ActiveStyle(this TestUser admin, string orgcode, string styleCode = "tee")
    {
        await admin.ActiveVendor(orgcode, "acme");
        await admin.ActiveManufacturer(orgcode, "mill");
        await admin.LinkedBrand(orgcode, "northwind", "acme", "mill");
        await admin.Taxonomy(orgcode);
        var ogm = await admin.ActiveOgm(orgcode);
        var style = await admin.Create(orgcode, "/pvm/style", new
        {
            style_code = styleCode,
            name = "Classic tee",
            brand_code = "northwind",
            primary_vendor_code = "acme",
            primary_manufacturer_code = "mill",
            category_code = "shirts",
            ogm_guid = ogm.GetProperty("ogm_guid").GetString(),
            compliance = new { country_of_origin = "PT", hs_code = "610910" },
        });
        return await admin.Client.Post("/pvm/style/status",
            new { style_code = styleCode, status = "active", expected_revision = style.Revision() }, orgcode).Ok();
    }

    /// <summary>An active variant of the style, optionally with a GTIN-13 as its primary barcode.</summary>
    public static Task<JsonElement> ActiveVariant(this TestUser admin, string orgcode, string styleCode, string variantCode, string size,
        string colour, string? gtin13 = null) =>
        admin.Create(orgcode, "/pvm/variant", new
        {
            style_code = styleCode,
            variant_code = variantCode,
            options = new[] { new { option_group_code = "size", option_code = size }, new { option_group_code = "colour", option_code = colour } },
            status = "active",
            barcodes = gtin13 is null ? null : new[] { new { barcode = gtin13, primary = true } },
        });

    public static long Revision(this JsonElement record) => record.GetProperty("revision").GetInt64();

    /// <summary>A valid GTIN-13 from a 12-digit payload (the check digit computed).</summary>
    public static string Gtin13(long payload)
    {
        var digits = payload.ToString("D12");
        return digits + Retail.Pvm.Identifiers.Gtin.CheckDigitOf(digits);
    }
}
