using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;
using Retail.Functional.Tests.Pvm;

namespace Retail.Functional.Tests.Ppm;

/// <summary>One host per test class: OFM (orgs, facilities, channels), MRS, PVM (the variants prices name) and PPM.</summary>
public sealed class PpmHost() : ServiceHost(Modules)
{
    internal static RetailHostFactory Start(Action<IServiceCollection>? services = null) => Start(Modules, services);

    internal static IReadOnlyList<string> Modules { get; } = [.. RetailHostFactory.Orgs, "mrs", "pvm", "ppm"];

    /// <summary>
    /// A fresh active org with its owner, a second admin (approvals need someone other than the submitter), two logical
    /// facilities (<c>store-1</c>, <c>store-2</c>), two EUR sales channels (<c>web</c>, <c>pos</c>) and an active style
    /// <c>tee</c> with six active variants (sizes s, m, l × red, blue): their guids in <see cref="PpmOrg.Variants"/>.
    /// </summary>
    public async Task<PpmOrg> NewOrgAsync(string prefix = "ppm")
    {
        var orgcode = OfmSteps.NewOrgcode(prefix);
        var owner = Factory.NewUser("owner");
        await Operator.ActiveOrg(orgcode, owner.UserGuid);
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
        var approver = Factory.NewUser("approver");
        await owner.Join(orgcode, approver, "admin");
        await owner.ActiveStyle(orgcode);
        var variants = new List<string>();
        var n = 0;
        foreach (var size in new[] { "s", "m", "l" })
        {
            foreach (var colour in new[] { "red", "blue" })
            {
                var variant = await owner.ActiveVariant(orgcode, "tee", $"tee-{size}-{colour}", size, colour, PvmSteps.Gtin13(500_000_000_000 + n++));
                variants.Add(variant.GetProperty("variant_guid").GetString()!);
            }
        }
        return new PpmOrg(orgcode, owner, approver, variants);
    }
}

/// <param name="Owner">The org's owner (an admin).</param>
/// <param name="Approver">A second admin, to approve what the owner submits.</param>
/// <param name="Variants">Six active variants of style <c>tee</c>.</param>
public sealed record PpmOrg(string Orgcode, TestUser Owner, TestUser Approver, IReadOnlyList<string> Variants)
{
    public Task<HttpResponseMessage> Post(string path, object body) => Owner.Client.Post(path, body, Orgcode);

    /// <summary>The same call made by the second admin.</summary>
    public Task<HttpResponseMessage> PostAsApprover(string path, object body) => Approver.Client.Post(path, body, Orgcode);
}

/// <summary>Reading PPM's answers: the fields every PPM test reads.</summary>
internal static class PpmJson
{
    public static long Revision(this JsonElement record) => record.GetProperty("revision").GetInt64();

    /// <summary>A string field, or null when it is absent or not a string.</summary>
    public static string? Text(this JsonElement json, string name) =>
        json.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
