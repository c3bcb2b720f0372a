using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;
using Retail.Functional.Tests.Ppm;
using Retail.Functional.Tests.Pvm;

namespace Retail.Functional.Tests.Pmc;

/// <summary>One host per test class: OFM (orgs, facilities, channels), MRS (media, manifests), PVM, ICS (stock), PPM (prices) and PMC.</summary>
public sealed class PmcHost() : ServiceHost(Modules)
{
    internal static RetailHostFactory Start(Action<IServiceCollection>? services = null) => Start(Modules, services);

    internal static IReadOnlyList<string> Modules { get; } = [.. RetailHostFactory.Orgs, "mrs", "pvm", "ics", "ppm", "pmc"];

    /// <summary>
    /// A fresh active org with its owner: two logical facilities (<c>store-1</c>, <c>store-2</c>), two EUR sales channels
    /// (<c>web</c>, <c>pos</c>), an active style <c>tee</c> (brand <c>northwind</c>, category <c>shirts</c>) with six active
    /// variants (sizes s, m, l × red, blue), each with a GTIN-13 barcode, and an EUR price list <c>eur</c> assigned to
    /// <c>web</c> only, pricing each variant at 1000 + 100 × its index (minor units). <c>pos</c> has no prices.
    /// </summary>
    public Task<PmcOrg> NewOrgAsync(string prefix = "pmc") => NewOrgAsync(Factory, Operator, prefix);

    internal static async Task<PmcOrg> NewOrgAsync(RetailHostFactory factory, HttpClient @operator, string prefix = "pmc")
    {
        var orgcode = OfmSteps.NewOrgcode(prefix);
        var owner = factory.NewUser("owner");
        await @operator.ActiveOrg(orgcode, owner.UserGuid);
        await owner.Client.Spine(orgcode);
        await owner.Client.Post("/ofm/facility/logical/create",
            new { facility_code = "store-2", name = "Airport store", kind = "store", physical_facility_code = "site-1", legal_facility_code = "entity-1" },
            orgcode).Ok(HttpStatusCode.Created);
        foreach (var channel in new[] { "web", "pos" })
        {
            await owner.Client.Post("/ofm/sales-channel/create",
                new { channel_code = channel, name = channel, kind = channel == "web" ? "ecom" : "pos", market_code = "de", locale_codes = new[] { "de-DE" },
                    currency = "EUR", facility_code = "store-1" }, orgcode).Ok(HttpStatusCode.Created);
        }
        var style = await owner.ActiveStyle(orgcode);
        var variants = new List<string>();
        var n = 0;
        foreach (var size in new[] { "s", "m", "l" })
        {
            foreach (var colour in new[] { "red", "blue" })
            {
                var variant = await owner.ActiveVariant(orgcode, "tee", $"tee-{size}-{colour}", size, colour, PvmSteps.Gtin13(600_000_000_000 + n++));
                variants.Add(variant.GetProperty("variant_guid").GetString()!);
            }
        }
        var org = new PmcOrg(orgcode, owner, style.GetProperty("style_guid").GetString()!, variants);
        await org.Pricing.List("eur");
        await org.Pricing.Assign("web", "eur", 1);
        for (var i = 0; i < variants.Count; i++)
        {
            await org.Pricing.Price(variants[i], "eur", 1000 + (100 * i));
        }
        await org.Pricing.KnowsVariants("web");
        return org;
    }
}

/// <param name="Owner">The org's owner (an admin).</param>
/// <param name="StyleGuid">The style <c>tee</c>.</param>
/// <param name="Variants">Six active variants of <c>tee</c>, priced in <c>web</c>.</param>
public sealed record PmcOrg(string Orgcode, TestUser Owner, string StyleGuid, IReadOnlyList<string> Variants)
{
    public Task<HttpResponseMessage> Post(string path, object body) => Owner.Client.Post(path, body, Orgcode);

    /// <summary>The same org seen through PPM's test steps (price lists, prices, resolve).</summary>
    public PpmOrg Pricing => new(Orgcode, Owner, Owner, Variants);
}

/// <summary>Reading PMC's answers: the fields every PMC test reads.</summary>
internal static class PmcJson
{
    public static long Revision(this JsonElement record) => record.GetProperty("revision").GetInt64();

    /// <summary>A string field, or null when it is absent or not a string.</summary>
    public static string? Text(this JsonElement json, string name) =>
        json.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
