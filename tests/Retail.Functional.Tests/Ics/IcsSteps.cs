using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;
using Retail.Functional.Tests.Pvm;

namespace Retail.Functional.Tests.Ics;

/// <summary>One host per test class: OFM (orgs and facilities), MRS, PVM (the variants ICS names) and ICS.</summary>
public sealed class IcsHost() : ServiceHost(Modules)
{
    internal static RetailHostFactory Start(Action<IServiceCollection>? services = null) => Start(Modules, services);

    internal static IReadOnlyList<string> Modules { get; } = [.. RetailHostFactory.Orgs, "mrs", "pvm", "ics"];

    /// <summary>
    /// A fresh active org with its owner, two logical facilities (<c>store-1</c> and <c>dc-1</c>) and an active style
    /// <c>tee</c> with six active variants (sizes s, m, l × red, blue): their guids in <see cref="IcsOrg.Variants"/>.
    /// </summary>
    public async Task<IcsOrg> NewOrgAsync(string prefix = "ics")
    {
        var orgcode = OfmSteps.NewOrgcode(prefix);
        var owner = Factory.NewUser("owner");
        await Operator.ActiveOrg(orgcode, owner.UserGuid);
        await owner.Client.Spine(orgcode);
        await owner.Client.Post("/ofm/facility/logical/create",
            new { facility_code = "dc-1", name = "Distribution centre", kind = "distribution_centre", physical_facility_code = "site-1",
                legal_facility_code = "entity-1" }, orgcode).Ok(HttpStatusCode.Created);
        await owner.ActiveStyle(orgcode);
        var variants = new List<string>();
        var n = 0;
        foreach (var size in new[] { "s", "m", "l" })
        {
            foreach (var colour in new[] { "red", "blue" })
            {
                var variant = await owner.ActiveVariant(orgcode, "tee", $"tee-{size}-{colour}", size, colour, PvmSteps.Gtin13(400_000_000_000 + n++));
                variants.Add(variant.GetProperty("variant_guid").GetString()!);
            }
        }
        return new IcsOrg(orgcode, owner, variants);
    }
}

/// <param name="Variants">Six active variants of style <c>tee</c>.</param>
public sealed record IcsOrg(string Orgcode, TestUser Owner, IReadOnlyList<string> Variants)
{
    public Task<HttpResponseMessage> Post(string path, object body) => Owner.Client.Post(path, body, Orgcode);
}

internal static class IcsSteps
{
    /// <summary>Receives <paramref name="quantity"/> of a variant at a facility straight into <c>available</c> (optionally into a bin).</summary>
    public static Task<JsonElement> Receive(this IcsOrg org, string facilityCode, string variantGuid, long quantity, string? binCode = null,
        string state = "available") =>
        org.Post("/ics/receive/record", new
        {
            facility_code = facilityCode,
            reference = new { kind = "po", id = $"po-{Guid.NewGuid():N}" },
            lines = new[] { new { variant_guid = variantGuid, quantity, bin_code = binCode, state } },
        }).Ok(HttpStatusCode.Created);

    /// <summary>Active bins (kind <c>pick</c>) at a facility: stock only goes into bins that exist.</summary>
    public static async Task Bins(this IcsOrg org, string facilityCode, params string[] binCodes)
    {
        foreach (var binCode in binCodes)
        {
            await org.Post("/ics/bin/create", new { facility_code = facilityCode, bin_code = binCode, kind = "pick" }).Ok(HttpStatusCode.Created);
        }
    }

    /// <summary>The variant's balance at the facility, by state (<c>/ics/stock/get</c>).</summary>
    public static Task<JsonElement> Stock(this IcsOrg org, string facilityCode, string variantGuid) =>
        org.Post("/ics/stock/get", new { facility_code = facilityCode, variant_guid = variantGuid }).Ok();
}
