using Retail.Functional.Tests.Ipm;
using Retail.Functional.Tests.Pvm;

namespace Retail.Functional.Tests.Bulk;

/// <summary>UC-IPM-003, the service side: PVM's manufacturers, brands with their supplier links, the taxonomy's three levels and styles through the bulk port.</summary>
public sealed class MerchandisePortTests(IpmHost host) : IClassFixture<IpmHost>
{
    private static object Brand(string code, string[]? vendors = null, string[]? makers = null, string? primaryVendor = null, string? primaryMaker = null,
        string? name = null, string? status = null) =>
        new { brand_code = code, name = name ?? $"Brand {code}", vendor_codes = vendors, manufacturer_codes = makers, primary_vendor_code = primaryVendor,
            primary_manufacturer_code = primaryMaker, status };

    private static object Style(string code, string brand = "northwind", string vendor = "acme", string maker = "mill", string category = "shirts",
        string ogm = "apparel", int revision = 1, string? name = null, string? status = null) =>
        new { style_code = code, name = name ?? $"Style {code}", brand_code = brand, primary_vendor_code = vendor, primary_manufacturer_code = maker,
            category_code = category, ogm_code = ogm, ogm_revision = revision, status };

    /// <summary>Active suppliers acme, bolt (vendors) and mill (manufacturer), loaded through the port.</summary>
    private async Task<BulkPortClient> SuppliersAsync(string prefix)
    {
        var port = new BulkPortClient(host.Factory, await host.NewOrgAsync(prefix));
        Assert.Equal(["created", "created", "created"], await port.OutcomesAsync("pvm.vendor",
        [
            new { vendor_code = "acme", name = "Acme", country = "DE", status = "active" },
            new { vendor_code = "bolt", name = "Bolt", country = "FR", status = "active" },
            new { vendor_code = "rust", name = "Rust", country = "FR", status = "retired" },
        ]));
        Assert.Equal(["created"], await port.OutcomesAsync("pvm.manufacturer",
            [new { manufacturer_code = "MILL", name = "Mill", country = "pt", status = "active" }]));
        return port;
    }

    [Fact]
    public async Task UC_IPM_003_manufacturers_upsert_by_code_and_export_in_the_upsert_shape()
    {
        var port = await SuppliersAsync("bulkmf");
        var mill = await port.Org.Post("/pvm/manufacturer/get", new { manufacturer_code = "mill" }).Ok();
        Assert.Equal(("Mill", "PT", "active", 1L), (mill.Field("name"), mill.Field("country"), mill.Field("status"), mill.GetProperty("revision").GetInt64()));
        var (items, _) = await port.ExportAllAsync("pvm.manufacturer", 10);
        Assert.Equal(["unchanged"], await port.OutcomesAsync("pvm.manufacturer", items.Select(i => (object)i)));
        Assert.Equal(["invalid_transition"], (await port.UpsertAsync("pvm.manufacturer",
            [new { manufacturer_code = "mill", name = "Mill", country = "PT", status = "pending" }])).Select(r => r.Field("code")));
        Assert.Equal(1, await port.CountAsync("pvm.manufacturer"));
    }

    [Fact]
    public async Task UC_IPM_003_brands_link_their_suppliers_by_code_keep_one_primary_of_each_kind_and_refuse_unknown_or_unlinked_ones()
    {
        var port = await SuppliersAsync("bulkbr");
        var results = await port.UpsertAsync("pvm.brand",
        [
            Brand("Northwind", ["acme"], ["mill"], name: "Brand northwind"),
            Brand("contoso", ["acme", "bolt"], ["mill"], primaryVendor: "bolt"),
            Brand("ghost", ["acme", "nope"]),                            // no such vendor
            Brand("fabrikam", ["acme"], primaryMaker: "mill"),           // a primary that is not linked
            Brand("tailspin", ["rust"]),                                  // a retired vendor takes no new link
            Brand("wingtip", makers: ["acme"]),                           // acme is a vendor, not a manufacturer
        ]);
        Assert.Equal(["created", "created", "rejected", "rejected", "rejected", "rejected"], results.Select(r => r.Field("outcome")));
        Assert.Equal([("unknown_reference", "vendor_codes"), ("brand_link_missing", "primary_manufacturer_code"), ("reference_not_active", "vendor_codes"),
            ("unknown_reference", "manufacturer_codes")], results.Skip(2).Select(r => (r.Field("code"), r.Field("field"))));

        var acme = await port.Org.Post("/pvm/vendor/get", new { vendor_code = "acme" }).Ok();
        var bolt = await port.Org.Post("/pvm/vendor/get", new { vendor_code = "bolt" }).Ok();
        var contoso = await port.Org.Post("/pvm/brand/get", new { brand_code = "contoso" }).Ok();
        Assert.Equal((bolt.Field("vendor_guid"), 1L), (contoso.Field("primary_vendor_guid"), contoso.GetProperty("revision").GetInt64()));
        Assert.Equal(acme.Field("vendor_guid"), (await port.Org.Post("/pvm/brand/get", new { brand_code = "northwind" }).Ok()).Field("primary_vendor_guid"));
        var links = (await port.Org.Post("/pvm/brand/link/list", new { brand_code = "contoso" }).Ok()).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal([("acme", false), ("bolt", true), ("mill", true)],
            links.Select(l => (l.Field("supplier_code"), l.GetProperty("primary").GetBoolean())).OrderBy(l => l.Item1));

        // Again: unchanged. A new link updates the brand; links left out stay (link/remove removes them).
        Assert.Equal(["unchanged", "unchanged"], await port.OutcomesAsync("pvm.brand",
            [Brand("northwind", ["acme"], ["mill"]), Brand("contoso", ["bolt", "acme"], ["mill"], primaryVendor: "bolt")]));
        Assert.Equal(["updated", "unchanged"], await port.OutcomesAsync("pvm.brand",
            [Brand("northwind", ["bolt"]), Brand("contoso", ["acme"], primaryVendor: "bolt")]));
        var northwind = await port.Org.Post("/pvm/brand/get", new { brand_code = "northwind" }).Ok();
        Assert.Equal((acme.Field("vendor_guid"), 1L), (northwind.Field("primary_vendor_guid"), northwind.GetProperty("revision").GetInt64()));
        Assert.Equal(3, (await port.Org.Post("/pvm/brand/link/list", new { brand_code = "northwind" }).Ok()).GetProperty("items").GetArrayLength());
        // A bulk record does not retire a brand (status/set checks the styles that carry it).
        Assert.Equal(["invalid_transition"], (await port.UpsertAsync("pvm.brand", [Brand("northwind", status: "retired")])).Select(r => r.Field("code")));

        // Export names every link and the primaries; it loads back unchanged.
        var (items, pages) = await port.ExportAllAsync("pvm.brand", 1);
        Assert.True(pages >= 2, "a page of one brand at a time");
        var exported = Assert.Single(items, i => i.Field("brand_code") == "northwind");
        // Lists as sorted text: a tuple's arrays would be compared as references, and links come in key order.
        Assert.Equal(("acme,bolt", "mill", "acme", "mill"), (string.Join(',', exported.GetProperty("vendor_codes").EnumerateArray().Select(c => c.GetString()).Order()),
            string.Join(',', exported.GetProperty("manufacturer_codes").EnumerateArray().Select(c => c.GetString()).Order()), exported.Field("primary_vendor_code"),
            exported.Field("primary_manufacturer_code")));
        Assert.Equal(["unchanged", "unchanged"], await port.OutcomesAsync("pvm.brand", items.Select(i => (object)i)));
        Assert.Equal(2, await port.CountAsync("pvm.brand"));
        var (found, missing) = await port.KeysAsync("pvm.brand", "contoso", "ghost");
        Assert.Equal(["contoso"], found);
        Assert.Equal(["ghost"], missing);
    }

    [Fact]
    public async Task UC_IPM_003_taxonomy_nodes_name_their_parents_by_code_earlier_in_the_call_or_stored_and_refuse_wrong_levels_and_cycles()
    {
        var port = new BulkPortClient(host.Factory, await host.NewOrgAsync("bulktx"));
        Assert.Equal(["created", "created", "created"], await port.OutcomesAsync("pvm.division",
        [
            new { division_code = "apparel", name = "Apparel" },
            new { division_code = "home", name = "Home" },
            new { division_code = "closed", name = "Closed", status = "inactive" },
        ]));
        var departments = await port.UpsertAsync("pvm.department",
        [
            new { department_code = "tops", division_code = "apparel", name = "Tops" },
            new { department_code = "kitchen", division_code = "HOME", name = "Kitchen" },
            new { department_code = "shoes", division_code = "tops", name = "Shoes" },         // a department is not a division
            new { department_code = "attic", division_code = "closed", name = "Attic" },       // the division is inactive
        ]);
        Assert.Equal([("created", null), ("created", null), ("rejected", "unknown_reference"), ("rejected", "reference_not_active")],
            departments.Select(r => (r.Field("outcome"), r.TryGetProperty("code", out var c) ? c.GetString() : null)));

        var categories = await port.UpsertAsync("pvm.category",
        [
            new { category_code = "shirts", department_code = "tops", name = "Shirts" },
            new { category_code = "tees", parent_category_code = "shirts", name = "Tees" },              // its parent earlier in the call
            new { category_code = "polos", department_code = "kitchen", parent_category_code = "shirts", name = "Polos" },
            new { category_code = "mugs", department_code = "kitchen", name = "Mugs" },
            new { category_code = "odd", parent_category_code = "apparel", name = "Odd" },                // a division is no parent category
            new { category_code = "early", parent_category_code = "late", name = "Early" },               // its parent comes after it
            new { category_code = "late", department_code = "tops", name = "Late" },
        ]);
        Assert.Equal(["created", "created", "rejected", "created", "rejected", "rejected", "created"], categories.Select(r => r.Field("outcome")));
        Assert.Equal([("parent_in_other_department", "parent_category_code"), ("unknown_reference", "parent_category_code"),
            ("unknown_reference", "parent_category_code")], categories.Where(r => r.Field("outcome") == "rejected").Select(r => (r.Field("code"), r.Field("field"))));
        var shirts = await port.Org.Post("/pvm/category/get", new { category_code = "shirts" }).Ok();
        var tees = await port.Org.Post("/pvm/category/get", new { category_code = "tees" }).Ok();
        Assert.Equal((shirts.Field("category_guid"), shirts.Field("department_guid")), (tees.Field("parent_category_guid"), tees.Field("department_guid")));

        // A category under its own descendant is a cycle, stored or staged in the call; the category with subcategories stays in its department.
        var cycles = await port.UpsertAsync("pvm.category",
        [
            new { category_code = "shirts", parent_category_code = "tees", name = "Shirts" },
            new { category_code = "late", parent_category_code = "early2", name = "Late" },
            new { category_code = "early2", parent_category_code = "late", name = "Early" },
            new { category_code = "late", department_code = "tops", name = "Late" },
        ]);
        Assert.Equal([("rejected", "taxonomy_cycle"), ("rejected", "unknown_reference"), ("created", null), ("rejected", "duplicate_in_call")],
            cycles.Select(r => (r.Field("outcome"), r.TryGetProperty("code", out var c) ? c.GetString() : null)));
        Assert.Equal(["rejected"], (await port.UpsertAsync("pvm.category", [new { category_code = "late", parent_category_code = "early2", name = "Late" }]))
            .Select(r => r.Field("outcome")));
        Assert.Equal("in_use", (await port.UpsertAsync("pvm.category", [new { category_code = "shirts", department_code = "kitchen", name = "Shirts" }]))[0].Field("code"));

        // Re-running the first slices changes nothing; export round-trips every level.
        Assert.Equal(["unchanged", "unchanged"], await port.OutcomesAsync("pvm.department",
            [new { department_code = "tops", division_code = "apparel", name = "Tops" }, new { department_code = "kitchen", division_code = "home", name = "Kitchen" }]));
        Assert.Equal(1L, (await port.Org.Post("/pvm/category/get", new { category_code = "tees" }).Ok()).GetProperty("revision").GetInt64());
        foreach (var entity in new[] { "pvm.division", "pvm.department", "pvm.category" })
        {
            var (items, _) = await port.ExportAllAsync(entity, 2);
            Assert.All(await port.OutcomesAsync(entity, items.Select(i => (object)i)), o => Assert.Equal("unchanged", o));
        }
        var (inTops, _) = await port.ExportAllAsync("pvm.category", 10, new { department_code = "tops" });
        Assert.Equal([("early2", "late"), ("late", null), ("shirts", null), ("tees", "shirts")],
            inTops.Select(c => (c.Field("category_code"), c.GetProperty("parent_category_code").GetString())).OrderBy(c => c.Item1));
        Assert.Equal(5, await port.CountAsync("pvm.category"));
    }

    [Fact]
    public async Task UC_IPM_003_styles_are_checked_by_the_reference_rule_of_style_create_and_keep_their_model()
    {
        var port = await SuppliersAsync("bulkst");
        Assert.Equal(["created", "created"], await port.OutcomesAsync("pvm.brand", [Brand("northwind", ["acme"], ["mill"]), Brand("sleepy", ["acme"], ["mill"], status: "inactive")]));
        await port.Org.Owner.Taxonomy(port.Org.Orgcode);
        await port.Org.Owner.ActiveOgm(port.Org.Orgcode);
        var results = await port.UpsertAsync("pvm.style",
        [
            Style("tee", status: "active"),
            Style("polo"),
            Style("ghost", brand: "nobrand"),
            Style("unlinked", vendor: "bolt"),
            Style("sleeper", brand: "sleepy"),
            Style("nowhere", category: "tops"),            // a department is not a category
            Style("nomodel", revision: 2),
            Style("odd", vendor: "mill"),                   // a manufacturer is not a vendor
        ]);
        Assert.Equal(["created", "created"], results.Take(2).Select(r => r.Field("outcome")));
        Assert.Equal([("unknown_reference", "brand_code"), ("brand_link_missing", "primary_vendor_code"), ("reference_not_active", "brand_code"),
            ("unknown_reference", "category_code"), ("unknown_reference", "ogm_code"), ("unknown_reference", "primary_vendor_code")],
            results.Skip(2).Select(r => (r.Field("code"), r.Field("field"))));
        var tee = await port.Org.Post("/pvm/style/get", new { style_code = "tee" }).Ok();
        Assert.Equal(("active", 1L), (tee.Field("status"), tee.GetProperty("revision").GetInt64()));
        Assert.Equal("draft", (await port.Org.Post("/pvm/style/get", new { style_code = "polo" }).Ok()).Field("status"));
        Assert.Contains(host.Factory.OutboxEvents("pvm", port.Org.Orgcode, "pvm.style.changed"), e => e.TryGetProperty("style_code", out var c) && c.GetString() == "tee");

        // Again: unchanged (no revision). A new name updates; a move of status follows the lifecycle; the model does not move.
        Assert.Equal(["unchanged", "unchanged"], await port.OutcomesAsync("pvm.style", [Style("tee", status: "active"), Style("polo")]));
        Assert.Equal(["updated", "updated"], await port.OutcomesAsync("pvm.style", [Style("tee", name: "Classic tee", status: "active"), Style("polo", status: "active")]));
        Assert.Equal([("invalid_transition", "status")], (await port.UpsertAsync("pvm.style", [Style("polo", status: "draft")])).Select(r => (r.Field("code"), r.Field("field"))));
        Assert.Equal(2L, (await port.Org.Post("/pvm/style/get", new { style_code = "tee" }).Ok()).GetProperty("revision").GetInt64());

        var (items, _) = await port.ExportAllAsync("pvm.style", 10, new { brand_code = "northwind" });
        Assert.Equal(["polo", "tee"], items.Select(i => i.Field("style_code")).Order());
        Assert.Equal(("apparel", 1, "shirts"), (items[0].Field("ogm_code"), items[0].GetProperty("ogm_revision").GetInt32(), items[0].Field("category_code")));
        Assert.Equal(["unchanged", "unchanged"], await port.OutcomesAsync("pvm.style", items.Select(i => (object)i)));
        Assert.Equal(2, await port.CountAsync("pvm.style"));
    }
}
