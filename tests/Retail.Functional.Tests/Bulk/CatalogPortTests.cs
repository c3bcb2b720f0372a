using System.Net;
using Retail.Functional.Tests.Ipm;
using Retail.Functional.Tests.Ofm;
using Retail.Functional.Tests.Pvm;

namespace Retail.Functional.Tests.Bulk;

/// <summary>UC-IPM-003, the service side: variants with barcodes (PVM), prices (PPM) and opening stock (ICS) through the bulk port.</summary>
public sealed class CatalogPortTests(IpmHost host) : IClassFixture<IpmHost>
{
    private static object Variant(string code, string size, string colour, string? barcode = null, string? name = null, string style = "tee") => new
    {
        style_code = style,
        variant_code = code,
        options = new[] { new { option_group_code = "size", option_code = size }, new { option_group_code = "colour", option_code = colour } },
        name,
        status = "active",
        barcodes = barcode is null ? null : new[] { new { barcode } },
    };

    private async Task<BulkPortClient> CatalogAsync(string prefix)
    {
        var org = await host.NewOrgAsync(prefix);
        await org.Owner.ActiveStyle(org.Orgcode);
        return new BulkPortClient(host.Factory, org);
    }

    [Fact]
    public async Task UC_IPM_003_variants_with_barcodes_upsert_by_code_and_barcodes_stay_unique()
    {
        var port = await CatalogAsync("bulkvar");
        var (g1, g2, g3) = (PvmSteps.Gtin13(700_000_000_001), PvmSteps.Gtin13(700_000_000_002), PvmSteps.Gtin13(700_000_000_003));
        var results = await port.UpsertAsync("pvm.variant",
        [
            Variant("tee-s-red", "s", "red", g1),
            Variant("tee-m-red", "m", "red", g2),
            Variant("tee-l-red", "l", "red", g1),                     // the barcode a record before it takes
            Variant("tee-s-blue", "s", "red", g3),                    // the options another record of the call has
            Variant("tee-m-blue", "m", "purple"),                     // not an option of the model
            Variant("tee-x", "s", "blue", style: "nope"),             // no such style
            Variant("tee-l-blue", "l", "blue", "12345"),             // not a GTIN
        ]);
        Assert.Equal(["created", "created", "rejected", "rejected", "rejected", "rejected", "rejected"], results.Select(r => r.Field("outcome")));
        Assert.Equal(["duplicate", "duplicate_variant", "option_not_allowed", "unknown_reference", "validation_failed"],
            results.Skip(2).Select(r => r.Field("code")));
        Assert.Equal("barcodes", results[2].Field("field"));

        var variant = await port.Org.Post("/pvm/variant/get", new { variant_code = "tee-s-red" }).Ok();
        Assert.Equal(("active", 1L), (variant.Field("status"), variant.GetProperty("revision").GetInt64()));
        var resolved = await port.Org.Post("/pvm/barcode/get", new { barcode = g1 }).Ok();
        Assert.Equal(variant.Field("variant_guid"), resolved.Field("variant_guid"));
        // PVM's business event and the CDC change of a variant share the type pvm.variant.created; the business event names the code.
        Assert.Single(host.Factory.OutboxEvents("pvm", port.Org.Orgcode, "pvm.variant.created"),
            e => e.TryGetProperty("variant_code", out var code) && code.GetString() == "tee-s-red");

        // Again: nothing changes. A new name updates; a new barcode is added beside the first; a barcode of another variant is refused.
        Assert.Equal(["unchanged", "unchanged"], await port.OutcomesAsync("pvm.variant", [Variant("tee-s-red", "s", "red", g1), Variant("tee-m-red", "m", "red", g2)]));
        var again = await port.UpsertAsync("pvm.variant",
        [
            Variant("tee-s-red", "s", "red", g3, name: "Small red"),
            Variant("tee-m-red", "m", "red", g1),
            Variant("tee-m-red-2", "m", "red"),
        ]);
        Assert.Equal(["updated", "rejected", "rejected"], again.Select(r => r.Field("outcome")));
        Assert.Equal(("duplicate", "duplicate_variant"), (again[1].Field("code"), again[2].Field("code")));
        Assert.Equal(variant.Field("variant_guid"), (await port.Org.Post("/pvm/barcode/get", new { barcode = g3 }).Ok()).Field("variant_guid"));
        Assert.Equal(("Small red", 2L), ((await port.Org.Post("/pvm/variant/get", new { variant_code = "tee-s-red" }).Ok()).Field("name"),
            (await port.Org.Post("/pvm/variant/get", new { variant_code = "tee-s-red" }).Ok()).GetProperty("revision").GetInt64()));

        // Export gives the variant with both barcodes, primary first; keys and count agree.
        var (items, _) = await port.ExportAllAsync("pvm.variant", 1, new { style_code = "tee" });
        Assert.Equal(2, items.Count);
        var exported = Assert.Single(items, i => i.Field("variant_code") == "tee-s-red");
        Assert.Equal([g1, g3], exported.GetProperty("barcodes").EnumerateArray().Select(b => b.Field("barcode")));
        Assert.All(await port.OutcomesAsync("pvm.variant", items.Select(i => (object)i)), o => Assert.Equal("unchanged", o));
        Assert.Equal(2, await port.CountAsync("pvm.variant"));
        var (found, missing) = await port.KeysAsync("pvm.variant", "tee-s-red", "tee-l-red");
        Assert.Equal(["tee-s-red"], found);
        Assert.Equal(["tee-l-red"], missing);
    }

    [Fact]
    public async Task UC_IPM_003_a_dry_run_of_variants_writes_nothing_and_one_call_of_1000_is_timed()
    {
        var port = await CatalogAsync("bulkvt");
        var dry = await port.OutcomesAsync("pvm.variant", [Variant("tee-s-red", "s", "red", PvmSteps.Gtin13(710_000_000_001))], dryRun: true);
        Assert.Equal(["created"], dry);
        Assert.Equal(0, await port.CountAsync("pvm.variant"));
        await port.Org.Post("/pvm/barcode/get", new { barcode = PvmSteps.Gtin13(710_000_000_001) }).Problem(HttpStatusCode.NotFound, "not_found");

        // 1,000 variants of one style need 1,000 option combinations: a model of two axes of 32 options each.
        foreach (var group in new[] { "width", "length" })
        {
            await port.Org.Owner.Create(port.Org.Orgcode, "/pvm/option_group", new { option_group_code = group, name = group });
            for (var i = 0; i < 32; i++)
            {
                await port.Org.Owner.Create(port.Org.Orgcode, "/pvm/option", new { option_group_code = group, option_code = $"{group[0]}{i}", name = $"{i}", position = i });
            }
        }
        var ogm = await port.Org.Owner.Create(port.Org.Orgcode, "/pvm/ogm", new
        {
            ogm_code = "grid",
            name = "Grid",
            axes = new[] { "width", "length" }.Select(g => new { option_group_code = g, option_codes = Enumerable.Range(0, 32).Select(i => $"{g[0]}{i}").ToArray() }).ToArray(),
        });
        await port.Org.Post("/pvm/ogm/status", new { ogm_guid = ogm.Field("ogm_guid"), status = "active", expected_revision = ogm.Revision() }).Ok();
        await port.Org.Owner.Create(port.Org.Orgcode, "/pvm/style", new
        {
            style_code = "grid", name = "Grid", brand_code = "northwind", primary_vendor_code = "acme", primary_manufacturer_code = "mill",
            category_code = "shirts", ogm_guid = ogm.Field("ogm_guid"),
        });
        var records = Enumerable.Range(0, 1000).Select(i => (object)new
        {
            style_code = "grid",
            variant_code = $"g{i}",
            options = new[] { new { option_group_code = "width", option_code = $"w{i / 32}" }, new { option_group_code = "length", option_code = $"l{i % 32}" } },
            barcodes = new[] { new { barcode = PvmSteps.Gtin13(720_000_000_000 + i) } },
        }).ToList();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var outcomes = await port.OutcomesAsync("pvm.variant", records);
        watch.Stop();
        Console.WriteLine($"bulk port: one upsert of 1,000 variants with barcodes took {watch.ElapsedMilliseconds} ms");
        Assert.All(outcomes, o => Assert.Equal("created", o));
        watch.Restart();
        Assert.All(await port.OutcomesAsync("pvm.variant", records), o => Assert.Equal("unchanged", o));
        Console.WriteLine($"bulk port: the same 1,000 again (unchanged) took {watch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task UC_IPM_003_prices_upsert_per_entry_and_window_and_refuse_bad_references()
    {
        var port = await CatalogAsync("bulkpr");
        await port.Org.Owner.Client.Spine(port.Org.Orgcode);
        await port.OutcomesAsync("pvm.variant", [Variant("tee-s-red", "s", "red"), Variant("tee-m-red", "m", "red")]);
        var guids = await Task.WhenAll(new[] { "tee-s-red", "tee-m-red" }.Select(async c =>
            (await port.Org.Post("/pvm/variant/get", new { variant_code = c }).Ok()).Field("variant_guid")));
        await port.Org.Post("/ppm/price-list/set", new { price_list_code = "retail", name = "Retail", currency = "EUR" }).Ok(HttpStatusCode.Created);
        var from = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        object Price(string variant, long amount, string list = "retail", string currency = "EUR") =>
            new { variant_guid = variant, price_list_code = list, amount_minor = amount, currency, effective_from = from };

        var results = await port.UpsertAsync("ppm.price",
        [
            Price(guids[0], 1999),
            Price(guids[1], 2499),
            Price(guids[0], 1999, list: "outlet"),
            Price(guids[1], 2499, currency: "USD"),
            Price(Guid.NewGuid().ToString(), 100),
            new { variant_guid = guids[0], price_list_code = "retail", amount_minor = 5, currency = "EUR" },
        ]);
        Assert.Equal(["created", "created", "rejected", "rejected", "rejected", "rejected"], results.Select(r => r.Field("outcome")));
        Assert.Equal(["unknown_reference", "duplicate_in_call", "unknown_reference", "validation_failed"], results.Skip(2).Select(r => r.Field("code")));
        Assert.Equal($"{guids[0]}:retail:*:each", results[0].Field("key"));
        var price = await port.Org.Post("/ppm/price/get", new { variant_guid = guids[0], price_list_code = "retail", at = from.AddDays(1) }).Ok();
        Assert.Equal(1999, price.GetProperty("in_effect").GetProperty("amount_minor").GetInt64());

        Assert.Equal(["unchanged", "updated"], await port.OutcomesAsync("ppm.price", [Price(guids[0], 1999), Price(guids[1], 2399)]));
        var (items, _) = await port.ExportAllAsync("ppm.price", 10, new { price_list_code = "retail" });
        Assert.Equal([1999L, 2399L], items.Select(i => i.GetProperty("amount_minor").GetInt64()).Order());
        Assert.Equal(2, await port.CountAsync("ppm.price"));
        var (found, missing) = await port.KeysAsync("ppm.price", $"{guids[0]}:retail:*:each", $"{guids[0]}:outlet:*:each");
        Assert.Equal((1, 1), (found.Count, missing.Count));
    }

    [Fact]
    public async Task UC_IPM_003_opening_stock_is_received_once_per_variant_and_facility()
    {
        var port = await CatalogAsync("bulkos");
        await port.Org.Owner.Client.Spine(port.Org.Orgcode);
        await port.OutcomesAsync("pvm.variant", [Variant("tee-s-red", "s", "red")]);
        var guid = (await port.Org.Post("/pvm/variant/get", new { variant_code = "tee-s-red" }).Ok()).Field("variant_guid");
        object Opening(long quantity, string facility = "store-1", string? variant = null) => new { facility_code = facility, variant_guid = variant ?? guid, quantity };

        var results = await port.UpsertAsync("ics.opening_stock", [Opening(12), Opening(3, "nowhere"), Opening(1, variant: Guid.NewGuid().ToString()), Opening(0, "dc-9")]);
        Assert.Equal(["created", "rejected", "rejected", "rejected"], results.Select(r => r.Field("outcome")));
        Assert.Equal(["unknown_reference", "unknown_reference", "validation_failed"], results.Skip(1).Select(r => r.Field("code")));
        async Task<long> Available() =>
            (await port.Org.Post("/ics/stock/get", new { facility_code = "store-1", variant_guid = guid }).Ok()).GetProperty("available").GetInt64();
        Assert.Equal(12, await Available());

        // Re-running adds nothing; another quantity is refused (an adjustment corrects stock).
        Assert.Equal(["unchanged"], await port.OutcomesAsync("ics.opening_stock", [Opening(12)]));
        var refused = Assert.Single(await port.UpsertAsync("ics.opening_stock", [Opening(20)]));
        Assert.Equal(("rejected", "opening_stock_booked"), (refused.Field("outcome"), refused.Field("code")));
        Assert.Equal(12, await Available());
        Assert.Equal(["unchanged"], await port.OutcomesAsync("ics.opening_stock", [new { facility_code = " STORE-1 ", variant_guid = guid.ToUpperInvariant(), quantity = 12L }]));
        Assert.Equal(1, await port.CountAsync("ics.opening_stock"));
        var (items, _) = await port.ExportAllAsync("ics.opening_stock", 10, new { facility_code = "store-1" });
        Assert.Equal(12, Assert.Single(items).GetProperty("quantity").GetInt64());
    }
}
