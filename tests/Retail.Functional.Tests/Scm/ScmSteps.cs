using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Retail.Functional.Tests.Ics;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;
using Retail.Functional.Tests.Ppm;
using Retail.Functional.Tests.Pvm;

namespace Retail.Functional.Tests.Scm;

/// <summary>One host per test class: OFM (orgs, facilities, channels), MRS, PVM (variants), ICS (stock), PPM (prices) and SCM.</summary>
public sealed class ScmHost() : ServiceHost(Modules)
{
    internal static RetailHostFactory Start(Action<IServiceCollection>? services = null) => Start(Modules, services);

    internal static IReadOnlyList<string> Modules { get; } = [.. RetailHostFactory.Orgs, "mrs", "pvm", "ics", "ppm", "scm"];

    /// <summary>
    /// A fresh active org with its owner (an admin), a second admin (<see cref="ScmOrg.Approver"/>) and a member
    /// (<see cref="ScmOrg.Clerk"/>); two logical facilities (<c>store-1</c>, <c>store-2</c>, both in Germany); two EUR sales
    /// channels (<c>web</c>, <c>pos</c>; both with <c>store-1</c> as their facility); an active style <c>tee</c> with six
    /// active variants (sizes s, m, l × red, blue) with GTIN-13 barcodes (<see cref="ScmOrg.Barcodes"/>), priced in
    /// <c>web</c> and <c>pos</c> at 1000 + 100 × their index (minor units, EUR list <c>eur</c>), and
    /// <paramref name="stock"/> units of each in <c>available</c> at <c>store-1</c> (none at <c>store-2</c>).
    /// No tax policy and no channel policy are set.
    /// </summary>
    public Task<ScmOrg> NewOrgAsync(string prefix = "scm", long stock = 100) => NewOrgAsync(Factory, Operator, prefix, stock);

    internal static async Task<ScmOrg> NewOrgAsync(RetailHostFactory factory, HttpClient @operator, string prefix = "scm", long stock = 100)
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
        var approver = factory.NewUser("approver");
        await owner.Join(orgcode, approver, "admin");
        var clerk = factory.NewUser("clerk");
        await owner.Join(orgcode, clerk, "member");
        await owner.ActiveStyle(orgcode);
        var variants = new List<string>();
        var barcodes = new List<string>();
        var n = 0;
        foreach (var size in new[] { "s", "m", "l" })
        {
            foreach (var colour in new[] { "red", "blue" })
            {
                var barcode = PvmSteps.Gtin13(800_000_000_000 + n++);
                var variant = await owner.ActiveVariant(orgcode, "tee", $"tee-{size}-{colour}", size, colour, barcode);
                variants.Add(variant.GetProperty("variant_guid").GetString()!);
                barcodes.Add(barcode);
            }
        }
        var pricing = new PpmOrg(orgcode, owner, approver, variants);
        await pricing.List("eur");
        await pricing.Assign("web", "eur", 1);
        await pricing.Assign("pos", "eur", 1);
        for (var i = 0; i < variants.Count; i++)
        {
            await pricing.Price(variants[i], "eur", 1000 + (100 * i));
        }
        await pricing.KnowsVariants("web");
        var org = new ScmOrg(orgcode, owner, approver, clerk, variants, barcodes);
        if (stock > 0)
        {
            foreach (var variant in variants)
            {
                await org.Inventory.Receive("store-1", variant, stock);
            }
        }
        return org;
    }
}

/// <param name="Owner">The org's owner (an admin).</param>
/// <param name="Approver">A second admin: approves what the owner or the clerk created.</param>
/// <param name="Clerk">A member: everyday order work.</param>
/// <param name="Variants">Six active variants of <c>tee</c>, priced in <c>web</c> and <c>pos</c> at 1000 + 100 × index.</param>
/// <param name="Barcodes">Their GTIN-13 barcodes, in the same order.</param>
public sealed record ScmOrg(string Orgcode, TestUser Owner, TestUser Approver, TestUser Clerk, IReadOnlyList<string> Variants,
    IReadOnlyList<string> Barcodes)
{
    public Task<HttpResponseMessage> Post(string path, object body) => Owner.Client.Post(path, body, Orgcode);

    public Task<HttpResponseMessage> Post(TestUser user, string path, object body) => user.Client.Post(path, body, Orgcode);

    /// <summary>The same org seen through ICS's test steps (receive, stock).</summary>
    public IcsOrg Inventory => new(Orgcode, Owner, Variants);

    /// <summary>The same org seen through PPM's test steps (price lists, prices).</summary>
    public PpmOrg Pricing => new(Orgcode, Owner, Approver, Variants);
}

/// <summary>Reading SCM's answers: the fields every SCM test reads.</summary>
internal static class ScmJson
{
    public static long Revision(this JsonElement record) => record.GetProperty("revision").GetInt64();

    /// <summary>A string field, or null when it is absent or not a string.</summary>
    public static string? Text(this JsonElement json, string name) =>
        json.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
