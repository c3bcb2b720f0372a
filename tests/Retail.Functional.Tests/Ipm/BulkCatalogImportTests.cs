using System.Net;
using System.Text.Json;
using Retail.Functional.Tests.Bulk;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Pvm;
using static Retail.Functional.Tests.Ipm.BulkSteps;

namespace Retail.Functional.Tests.Ipm;

/// <summary>
/// UC-IPM-003 and playbook B by bulk: suppliers, brands, the taxonomy, styles and their variants imported through IPM's jobs
/// (file in MRS, dry run, slices, commit), re-run without a change, bad rows quarantined with their reasons, exports loaded back.
/// </summary>
public sealed class BulkCatalogImportTests(IpmHost host) : IClassFixture<IpmHost>
{
    private const string Vendors = """
        {"vendor_code":"acme","name":"Acme","country":"DE","status":"active"}
        {"vendor_code":"bolt","name":"Bolt","country":"FR","status":"active"}
        """;

    private const string Manufacturers = """
        {"manufacturer_code":"mill","name":"Mill","country":"PT","status":"active"}
        """;

    /// <summary>Two brands, then one naming an unknown vendor (line 3) and one whose primary manufacturer is not linked (line 4).</summary>
    private const string Brands = """
        {"brand_code":"northwind","name":"Northwind","vendor_codes":["acme"],"manufacturer_codes":["mill"]}
        {"brand_code":"contoso","name":"Contoso","vendor_codes":["acme","bolt"],"manufacturer_codes":["mill"],"primary_vendor_code":"bolt"}
        {"brand_code":"ghost","name":"Ghost","vendor_codes":["nope"]}
        {"brand_code":"fabrikam","name":"Fabrikam","vendor_codes":["acme"],"primary_manufacturer_code":"mill"}
        """;

    private const string Divisions = """
        {"division_code":"apparel","name":"Apparel"}
        """;

    /// <summary>A department, then one under a department instead of a division (line 2).</summary>
    private const string Departments = """
        {"department_code":"tops","division_code":"apparel","name":"Tops"}
        {"department_code":"shoes","division_code":"tops","name":"Shoes"}
        """;

    /// <summary>A category and a subcategory of it, then one under a division instead of a category (line 3).</summary>
    private const string Categories = """
        {"category_code":"shirts","department_code":"tops","name":"Shirts"}
        {"category_code":"tees","parent_category_code":"shirts","name":"Tees"}
        {"category_code":"socks","parent_category_code":"apparel","name":"Socks"}
        """;

    /// <summary>Two styles, then one of an unknown brand (line 3) and one whose vendor the brand is not linked to (line 4).</summary>
    private const string Styles = """
        {"style_code":"tee","name":"Classic tee","brand_code":"northwind","primary_vendor_code":"acme","primary_manufacturer_code":"mill","category_code":"tees","ogm_code":"apparel","ogm_revision":1,"compliance":{"country_of_origin":"PT","hs_code":"610910"},"status":"active"}
        {"style_code":"polo","name":"Polo","brand_code":"contoso","primary_vendor_code":"bolt","primary_manufacturer_code":"mill","category_code":"shirts","ogm_code":"apparel","ogm_revision":1,"status":"active"}
        {"style_code":"ghost-tee","name":"Ghost tee","brand_code":"ghost","primary_vendor_code":"acme","primary_manufacturer_code":"mill","category_code":"tees","ogm_code":"apparel","ogm_revision":1}
        {"style_code":"bolt-tee","name":"Bolt tee","brand_code":"northwind","primary_vendor_code":"bolt","primary_manufacturer_code":"mill","category_code":"tees","ogm_code":"apparel","ogm_revision":1}
        """;

    private static string Variants(params (string Style, string Code, string Size, string Colour, long Gtin)[] variants) => string.Join('\n', variants.Select(v =>
        JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["style_code"] = v.Style,
            ["variant_code"] = v.Code,
            ["options"] = new[] { new { option_group_code = "size", option_code = v.Size }, new { option_group_code = "colour", option_code = v.Colour } },
            ["status"] = "active",
            ["barcodes"] = new[] { new { barcode = PvmSteps.Gtin13(v.Gtin) } },
        })));

    private static readonly string TeeVariants = Variants(("tee", "tee-s-red", "s", "red", 591_000_000_001), ("tee", "tee-m-red", "m", "red", 591_000_000_002),
        ("polo", "polo-l-blue", "l", "blue", 591_000_000_003));

    /// <summary>A dry run of the file, then the real run, then the commit; answers the committed job.</summary>
    private async Task<JsonElement> LoadAsync(IpmOrg org, string entity, string ndjson, long rejected = 0, int sliceSize = 1000)
    {
        var file = await UploadAsync(host, org, ndjson);
        object Import(bool dryRun) => new { entity, schema_version = 1, file_record_guid = file.RecordGuid, sha256 = file.Sha256, format = "ndjson", slice_size = sliceSize, dry_run = dryRun };
        var dry = await org.Post("/ipm/bulk/import/create", Import(true)).Ok(HttpStatusCode.Created);
        var validated = (await ContinueAllAsync(org, "import", dry))[^1].GetProperty("job");
        Assert.Equal(("validated", rejected), (validated.GetProperty("status").GetString(), Counts(validated).Rejected));
        var real = await org.Post("/ipm/bulk/import/create", Import(false)).Ok(HttpStatusCode.Created);
        var processed = (await ContinueAllAsync(org, "import", real))[^1].GetProperty("job");
        Assert.Equal(Counts(validated), Counts(processed));
        var committed = await org.Post("/ipm/bulk/import/commit", new { job_guid = real.GetProperty("job_guid").GetString(), accept_quarantine = rejected > 0,
            expected_revision = processed.GetProperty("revision").GetInt64() }).Ok();
        Assert.Equal("committed", committed.GetProperty("status").GetString());
        Assert.True(committed.GetProperty("report").GetProperty("matched").GetBoolean(), $"{entity}: {committed.GetProperty("report")}");
        return committed;
    }

    private static async Task<IReadOnlyList<JsonElement>> QuarantineAsync(IpmOrg org, JsonElement job) =>
        [.. (await org.Post(org.Viewer, "/ipm/bulk/job/get", new { job_guid = job.GetProperty("job_guid").GetString(), include_quarantine = true }).Ok())
            .GetProperty("quarantine").GetProperty("items").EnumerateArray()];

    /// <summary>Suppliers, brands, the taxonomy (an OGM through the API: it is no bulk entity), styles and variants, each file by its own job.</summary>
    private async Task<Dictionary<string, JsonElement>> CatalogAsync(IpmOrg org)
    {
        var jobs = new Dictionary<string, JsonElement>
        {
            ["pvm.vendor"] = await LoadAsync(org, "pvm.vendor", Vendors),
            ["pvm.manufacturer"] = await LoadAsync(org, "pvm.manufacturer", Manufacturers),
            ["pvm.brand"] = await LoadAsync(org, "pvm.brand", Brands, rejected: 2),
            ["pvm.division"] = await LoadAsync(org, "pvm.division", Divisions),
            ["pvm.department"] = await LoadAsync(org, "pvm.department", Departments, rejected: 1),
            ["pvm.category"] = await LoadAsync(org, "pvm.category", Categories, rejected: 1),
        };
        await org.Owner.ActiveOgm(org.Orgcode);
        jobs["pvm.style"] = await LoadAsync(org, "pvm.style", Styles, rejected: 2);
        jobs["pvm.variant"] = await LoadAsync(org, "pvm.variant", TeeVariants);
        return jobs;
    }

    [Fact]
    public async Task UC_IPM_003_brands_taxonomy_styles_and_their_variants_import_by_code_quarantine_bad_rows_and_a_rerun_changes_nothing()
    {
        var org = await host.NewOrgAsync("bcat");
        var jobs = await CatalogAsync(org);
        Assert.Equal([(2L, 0L), (1L, 0L), (2L, 2L), (1L, 0L), (1L, 1L), (2L, 1L), (2L, 2L), (3L, 0L)],
            jobs.Values.Select(j => (j.GetProperty("report").GetProperty("written").GetInt64(), j.GetProperty("report").GetProperty("rejected").GetInt64())));

        // The reasons of the quarantined rows: an unknown vendor, a primary not linked, the wrong parent levels, an unknown brand, a missing link.
        var brandQuarantine = await QuarantineAsync(org, jobs["pvm.brand"]);
        Assert.Equal([(3L, "ghost", "unknown_reference", "vendor_codes"), (4L, "fabrikam", "brand_link_missing", "primary_manufacturer_code")],
            brandQuarantine.Select(q => (q.GetProperty("line").GetInt64(), q.Field("natural_key"), q.Field("code"), q.Field("field"))));
        Assert.Equal([(2L, "unknown_reference", "division_code")],
            (await QuarantineAsync(org, jobs["pvm.department"])).Select(q => (q.GetProperty("line").GetInt64(), q.Field("code"), q.Field("field"))));
        Assert.Equal([(3L, "unknown_reference", "parent_category_code")],
            (await QuarantineAsync(org, jobs["pvm.category"])).Select(q => (q.GetProperty("line").GetInt64(), q.Field("code"), q.Field("field"))));
        var styleQuarantine = await QuarantineAsync(org, jobs["pvm.style"]);
        Assert.Equal([(3L, "unknown_reference", "brand_code"), (4L, "brand_link_missing", "primary_vendor_code")],
            styleQuarantine.Select(q => (q.GetProperty("line").GetInt64(), q.Field("code"), q.Field("field"))));
        Assert.All(styleQuarantine, q => Assert.False(string.IsNullOrEmpty(q.Field("reason"))));

        var counts = new Dictionary<string, long>();
        var port = new BulkPortClient(host.Factory, org);
        foreach (var entity in jobs.Keys)
        {
            counts[entity] = await port.CountAsync(entity);
        }
        var revisions = await RevisionsAsync(org);

        // Every file again: nothing created or updated, the same rows rejected, the same counts and revisions.
        foreach (var (entity, text) in new[] { ("pvm.brand", Brands), ("pvm.department", Departments), ("pvm.category", Categories), ("pvm.style", Styles), ("pvm.variant", TeeVariants) })
        {
            var file = await UploadAsync(host, org, text);
            var job = await org.Post("/ipm/bulk/import/create", new { entity, schema_version = 1, file_record_guid = file.RecordGuid, sha256 = file.Sha256, format = "ndjson", slice_size = 2 })
                .Ok(HttpStatusCode.Created);
            var (read, created, updated, unchanged, rejected) = Counts((await ContinueAllAsync(org, "import", job))[^1].GetProperty("job"));
            Assert.Equal((0L, 0L, read - rejected), (created, updated, unchanged));
            Assert.Equal(jobs[entity].GetProperty("report").GetProperty("rejected").GetInt64(), rejected);
        }
        foreach (var entity in jobs.Keys)
        {
            Assert.Equal(counts[entity], await port.CountAsync(entity));
        }
        Assert.Equal(revisions, await RevisionsAsync(org));
    }

    private static async Task<long[]> RevisionsAsync(IpmOrg org) =>
    [
        (await org.Post("/pvm/brand/get", new { brand_code = "contoso" }).Ok()).Revision(),
        (await org.Post("/pvm/category/get", new { category_code = "tees" }).Ok()).Revision(),
        (await org.Post("/pvm/style/get", new { style_code = "tee" }).Ok()).Revision(),
        (await org.Post("/pvm/variant/get", new { variant_code = "tee-s-red" }).Ok()).Revision(),
    ];

    [Fact]
    public async Task UC_IPM_003_exports_of_brands_taxonomy_and_styles_load_back_into_another_org_as_they_were()
    {
        var source = await host.NewOrgAsync("bcex");
        await CatalogAsync(source);
        var target = await host.NewOrgAsync("bcim");
        // The target gets its suppliers and model as the source did; the rest comes from the source's export files.
        await LoadAsync(target, "pvm.vendor", Vendors);
        await LoadAsync(target, "pvm.manufacturer", Manufacturers);
        await target.Owner.ActiveOgm(target.Orgcode);
        foreach (var entity in new[] { "pvm.brand", "pvm.division", "pvm.department", "pvm.category", "pvm.style", "pvm.variant" })
        {
            var job = await source.Post("/ipm/bulk/export/create", new { entity }).Ok(HttpStatusCode.Created);
            await ContinueAllAsync(source, "export", job);
            var parts = (await source.Post("/ipm/bulk/job/get", new { job_guid = job.GetProperty("job_guid").GetString() }).Ok()).GetProperty("parts").GetProperty("items");
            var lines = new List<JsonElement>();
            foreach (var part in parts.EnumerateArray())
            {
                lines.AddRange(Lines(await DownloadAsync(host, source, part.GetProperty("mrs_record_guid").GetString()!)));
            }
            // Categories come in key order, so a subcategory may come before its parent: the file lists the top ones first.
            if (entity == "pvm.category")
            {
                lines = [.. lines.OrderBy(c => c.GetProperty("parent_category_code").ValueKind == JsonValueKind.String)];
            }
            var text = string.Join('\n', lines.Select(l => l.GetRawText()));
            var committed = await LoadAsync(target, entity, text);
            Assert.Equal(0L, committed.GetProperty("report").GetProperty("rejected").GetInt64());
        }

        var style = await target.Post("/pvm/style/get", new { style_code = "tee" }).Ok();
        var brand = await target.Post("/pvm/brand/get", new { brand_code = "northwind" }).Ok();
        var tees = await target.Post("/pvm/category/get", new { category_code = "tees" }).Ok();
        Assert.Equal(("Classic tee", "active", brand.Field("brand_guid"), tees.Field("category_guid")),
            (style.Field("name"), style.Field("status"), style.Field("brand_guid"), style.Field("category_guid")));
        Assert.Equal("610910", style.GetProperty("compliance").Field("hs_code"));
        var contoso = await target.Post("/pvm/brand/get", new { brand_code = "contoso" }).Ok();
        var bolt = await target.Post("/pvm/vendor/get", new { vendor_code = "bolt" }).Ok();
        Assert.Equal(bolt.Field("vendor_guid"), contoso.Field("primary_vendor_guid"));
        var variant = await target.Post("/pvm/barcode/get", new { barcode = PvmSteps.Gtin13(591_000_000_003) }).Ok();
        Assert.Equal((await target.Post("/pvm/variant/get", new { variant_code = "polo-l-blue" }).Ok()).Field("variant_guid"), variant.Field("variant_guid"));
    }

    [Fact]
    public async Task Playbook_B_by_bulk_vendors_brands_taxonomy_styles_and_variants_load_by_import_and_a_till_reads_the_catalog_back()
    {
        var org = await host.NewOrgAsync("bplb");
        await CatalogAsync(org);

        // The merchandiser's reads: the brand's styles, its links, the category tree, the style's variants.
        var northwind = await org.Post(org.Viewer, "/pvm/style/list", new { brand_code = "northwind" }).Ok();
        Assert.Equal(["tee"], northwind.GetProperty("items").EnumerateArray().Select(s => s.Field("style_code")));
        var links = await org.Post(org.Viewer, "/pvm/brand/link/list", new { brand_code = "contoso" }).Ok();
        Assert.Equal([("vendor", "acme", false), ("vendor", "bolt", true), ("manufacturer", "mill", true)],
            links.GetProperty("items").EnumerateArray().Select(l => (l.Field("supplier_kind"), l.Field("supplier_code"), l.GetProperty("primary").GetBoolean()))
                .OrderByDescending(l => l.Item1).ThenBy(l => l.Item2));
        var shirts = await org.Post(org.Viewer, "/pvm/category/get", new { category_code = "shirts" }).Ok();
        var under = await org.Post(org.Viewer, "/pvm/category/list", new { parent_category_code = "shirts" }).Ok();
        Assert.Equal(["tees"], under.GetProperty("items").EnumerateArray().Select(c => c.Field("category_code")));
        Assert.Equal(shirts.Field("department_guid"), under.GetProperty("items")[0].Field("department_guid"));
        var tee = await org.Post(org.Viewer, "/pvm/style/get", new { style_code = "tee" }).Ok();
        Assert.Equal(("active", "PT"), (tee.Field("status"), tee.GetProperty("compliance").Field("country_of_origin")));

        // The till's lookups name the live variants the import made.
        var byBarcode = await org.Post(org.Viewer, "/pvm/resolve/barcode", new { barcode = PvmSteps.Gtin13(591_000_000_002) }).Ok();
        Assert.True(byBarcode.GetProperty("live").GetBoolean());
        Assert.Equal(("tee-m-red", "active"), (byBarcode.GetProperty("variant").Field("variant_code"), byBarcode.GetProperty("variant").Field("status")));
        var byCode = await org.Post(org.Viewer, "/pvm/resolve/code", new { code = "polo-l-blue" }).Ok();
        Assert.Equal("polo-l-blue", byCode.GetProperty("variant").Field("variant_code"));
    }
}
