using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;
using Retail.Functional.Tests.Pvm;
using Retail.Ics.Catalog;
using Retail.Ics.Stock;
using Retail.Shared.Records;

namespace Retail.Functional.Tests.Ics;

/// <summary>Steps of the hold tests: placing holds, reading what a client sees, and the ledger's own reconcile.</summary>
internal static class HoldSteps
{
    public static Task<HttpResponseMessage> Reserve(this IcsOrg org, string variantGuid, long quantity, string facilityCode = "store-1",
        string? orderId = null, int? ttlSeconds = null) =>
        org.Post("/ics/reservation/create", new
        {
            facility_code = facilityCode,
            variant_guid = variantGuid,
            quantity,
            reference = new { kind = "order", id = orderId ?? $"o-{Guid.NewGuid():N}" },
            ttl_seconds = ttlSeconds,
        });

    public static long Revision(JsonElement hold) => hold.GetProperty("revision").GetInt64();

    public static string HoldGuid(JsonElement hold) => hold.GetProperty("hold_guid").GetString()!;

    /// <summary>The stored position and the one its movements add up to (<see cref="StockLedger.ReconcileAsync"/>).</summary>
    public static async Task<(Position Rebuilt, Position? Stored, bool Agrees)> ReconcileAsync(this RetailHostFactory factory, string orgcode,
        string facilityCode, string variantGuid)
    {
        using var scope = factory.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<StockLedger>().ReconcileAsync(orgcode, facilityCode, variantGuid);
    }

    /// <summary>Every active hold of a facility's variant, page by page through <c>/ics/hold/list</c>: what it claims of the variant.</summary>
    public static async Task<long> ActiveClaimAsync(this IcsOrg org, string facilityCode, IEnumerable<string> heldVariants, string variantGuid)
    {
        long claimed = 0;
        foreach (var held in heldVariants.Distinct())
        {
            string? token = null;
            do
            {
                var page = await org.Post("/ics/hold/list",
                    new { facility_code = facilityCode, variant_guid = held, status = "active", limit = 500, next_token = token }).Ok();
                foreach (var hold in page.GetProperty("items").EnumerateArray())
                {
                    claimed += hold.GetProperty("lines").EnumerateArray().Where(l => l.GetProperty("variant_guid").GetString() == variantGuid)
                        .Sum(l => l.GetProperty("quantity").GetInt64());
                }
                token = page.GetProperty("next_token").ValueKind == JsonValueKind.String ? page.GetProperty("next_token").GetString() : null;
            }
            while (token is not null);
        }
        return claimed;
    }

    /// <summary>
    /// A kit variant of a second style <c>kits</c> (the six size × colour combinations of <c>tee</c> are taken) with its
    /// components, and waits until ICS's projection knows the composition (PVM's <c>pvm.kit.changed</c>, delivered by the bus).
    /// </summary>
    public static async Task<string> KitAsync(this IcsOrg org, RetailHostFactory factory, string variantCode, string size, string colour,
        params (string VariantGuid, int Quantity)[] components)
    {
        if ((await org.Post("/pvm/style/get", new { style_code = "kits" })).StatusCode == HttpStatusCode.NotFound)
        {
            var tee = await org.Post("/pvm/style/get", new { style_code = "tee" }).Ok();
            var style = await org.Owner.Create(org.Orgcode, "/pvm/style", new
            {
                style_code = "kits",
                name = "Gift boxes",
                brand_code = "northwind",
                primary_vendor_code = "acme",
                primary_manufacturer_code = "mill",
                category_code = "shirts",
                ogm_guid = tee.GetProperty("ogm_guid").GetString(),
                compliance = new { country_of_origin = "PT", hs_code = "610910" },
            });
            await org.Post("/pvm/style/status", new { style_code = "kits", status = "active", expected_revision = style.Revision() }).Ok();
        }
        var kit = await org.Owner.Create(org.Orgcode, "/pvm/variant", new
        {
            style_code = "kits",
            variant_code = variantCode,
            options = new[] { new { option_group_code = "size", option_code = size }, new { option_group_code = "colour", option_code = colour } },
            status = "active",
            is_kit = true,
        });
        var kitGuid = kit.GetProperty("variant_guid").GetString()!;
        long? revision = null;
        foreach (var (component, quantity) in components)
        {
            var composition = await org.Post("/pvm/kit/component/add",
                new { kit_variant_guid = kitGuid, component_variant_guid = component, quantity, expected_revision = revision }).Ok();
            revision = composition.Revision();
        }
        await Waits.UntilAsync(async () =>
        {
            using var scope = factory.Services.CreateScope();
            var known = await scope.ServiceProvider.GetRequiredService<RecordStore<CatalogVariant>>().GetAsync(org.Orgcode, kitGuid);
            return known?.Record.Components.Count == components.Length;
        }, "ICS knows the kit's composition");
        return kitGuid;
    }

    /// <summary>
    /// As <see cref="IcsHost.NewOrgAsync"/>, on a host of the test's own (a fake clock, a data folder to restart on).
    /// </summary>
    public static async Task<IcsOrg> NewOrgAsync(RetailHostFactory factory, HttpClient @operator)
    {
        var orgcode = OfmSteps.NewOrgcode("ics");
        var owner = factory.NewUser("owner");
        await @operator.ActiveOrg(orgcode, owner.UserGuid);
        await owner.Client.Spine(orgcode);
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
