using System.Net;
using System.Text.Json;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;
using Retail.Functional.Tests.Ppm;
using Retail.Functional.Tests.Pvm;

namespace Retail.Functional.Tests.Pmc;

/// <summary>A second product of the org: style <c>chino</c> (brand <c>contoso</c>, category <c>chinos</c> under <c>trousers</c>), two blue variants.</summary>
public sealed record ChinoStyle(string StyleGuid, IReadOnlyList<string> Variants);

/// <summary>Taking products online through the real API and reading the storefront as a shop front-end does.</summary>
internal static class StorefrontSteps
{
    /// <summary>
    /// Adds style <c>chino</c>: brand <c>contoso</c>, category <c>chinos</c> whose parent is <c>trousers</c>, variants
    /// <c>chino-m-blue</c> and <c>chino-l-blue</c> priced 5000 and 5200 in <c>web</c>.
    /// </summary>
    public static async Task<ChinoStyle> AddChinoAsync(this PmcOrg org)
    {
        var owner = org.Owner;
        await owner.LinkedBrand(org.Orgcode, "contoso", "acme", "mill");
        await owner.Create(org.Orgcode, "/pvm/category", new { category_code = "trousers", department_code = "tops", name = "Trousers" });
        await owner.Create(org.Orgcode, "/pvm/category", new { category_code = "chinos", parent_category_code = "trousers", name = "Chinos" });
        var ogm = await owner.Client.Post("/pvm/ogm/get", new { ogm_code = "apparel" }, org.Orgcode).Ok();
        var style = await owner.Create(org.Orgcode, "/pvm/style", new
        {
            style_code = "chino",
            name = "Slim chino",
            description = "Stretch cotton twill trousers",
            brand_code = "contoso",
            primary_vendor_code = "acme",
            primary_manufacturer_code = "mill",
            category_code = "chinos",
            ogm_guid = ogm.GetProperty("ogm_guid").GetString(),
            compliance = new { country_of_origin = "PT", hs_code = "620342" },
        });
        await owner.Client.Post("/pvm/style/status", new { style_code = "chino", status = "active", expected_revision = style.Revision() }, org.Orgcode).Ok();
        var variants = new List<string>();
        var n = 0;
        foreach (var size in new[] { "m", "l" })
        {
            var variant = await owner.ActiveVariant(org.Orgcode, "chino", $"chino-{size}-blue", size, "blue", PvmSteps.Gtin13(610_000_000_000 + n));
            variants.Add(variant.GetProperty("variant_guid").GetString()!);
            await org.Pricing.Price(variants[^1], "eur", 5000 + (200 * n));
            n++;
        }
        await new PpmOrg(org.Orgcode, owner, owner, variants).KnowsVariants("web");
        return new ChinoStyle(style.GetProperty("style_guid").GetString()!, variants);
    }

    /// <summary>Publishes the style to the channel and takes it online (a run with <c>go_online</c>), waiting until the run completes.</summary>
    public static async Task<JsonElement> PublishOnlineAsync(this PmcOrg org, string styleGuid, string channel = "web", string reason = "storefront test")
    {
        var run = await org.Post("/pmc/publish/run/start", new
        {
            channel_code = channel,
            selector = new { kind = "style", guid = styleGuid },
            reason,
            mode = "auto",
            go_online = true,
        }).Ok(HttpStatusCode.Accepted);
        var runGuid = run.GetProperty("run_guid").GetString()!;
        JsonElement current = run;
        await Waits.UntilAsync(async () =>
        {
            current = await org.Post("/pmc/publish/run/get", new { run_guid = runGuid }).Ok();
            var status = current.Text("status");
            Assert.True(status is not ("failed" or "cancelled"), $"the run ended {status}: {current}");
            return status == "completed";
        }, $"publish run {runGuid} completes");
        return current;
    }

    public static Task<HttpResponseMessage> StorefrontCall(this PmcOrg org, string operation, object body, params (string Name, string Value)[] headers) =>
        org.Owner.Client.PostJsonAsync($"/pmc/product/{operation}", body, OfmSteps.Org(org.Orgcode, headers));

    public static Task<JsonElement> List(this PmcOrg org, object body) => org.StorefrontCall("list", body).Ok();

    public static Task<JsonElement> Search(this PmcOrg org, object body) => org.StorefrontCall("search", body).Ok();

    public static Task<JsonElement> Group(this PmcOrg org, object body) => org.StorefrontCall("group", body).Ok();

    public static Task<JsonElement> Get(this PmcOrg org, object body) => org.StorefrontCall("get", body).Ok();

    /// <summary>The style codes of a page, in order.</summary>
    public static List<string> Codes(this JsonElement page) => [.. page.GetProperty("items").EnumerateArray().Select(i => i.Text("style_code")!)];

    /// <summary>Waits until the storefront's list answers exactly these style codes (events reach the index on their own time).</summary>
    public static Task ListsAsync(this PmcOrg org, object body, params string[] codes) =>
        Waits.UntilAsync(async () => (await org.List(body)).Codes().SequenceEqual(codes), $"the storefront lists [{string.Join(", ", codes)}]");

    public static JsonElement Facet(this JsonElement counts, string value) =>
        counts.EnumerateArray().Single(c => c.Text("value") == value);
}
