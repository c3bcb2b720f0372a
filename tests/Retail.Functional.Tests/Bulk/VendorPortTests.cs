using System.Text.Json;
using Retail.Functional.Tests.Ipm;

namespace Retail.Functional.Tests.Bulk;

/// <summary>UC-IPM-003, the service side: PVM's vendors through the bulk port (upsert by natural key, dry run, export, keys, count).</summary>
public sealed class VendorPortTests(IpmHost host) : IClassFixture<IpmHost>
{
    private async Task<BulkPortClient> PortAsync(string prefix = "bulkv") => new(host.Factory, await host.NewOrgAsync(prefix));

    private static object Vendor(string code, string name = "Acme", string country = "de", string? status = null) =>
        new { vendor_code = code, name, country, status };

    [Fact]
    public async Task UC_IPM_003_upserting_vendors_creates_then_a_rerun_changes_nothing_and_a_changed_value_updates()
    {
        var port = await PortAsync();
        Assert.Equal(["created", "created"], await port.OutcomesAsync("pvm.vendor", [Vendor(" ACME ", status: "active"), Vendor("globex", "Globex")]));
        var acme = await port.Org.Post("/pvm/vendor/get", new { vendor_code = "acme" }).Ok();
        Assert.Equal(("Acme", "DE", "active", 1L), (acme.Field("name"), acme.Field("country"), acme.Field("status"), acme.GetProperty("revision").GetInt64()));
        Assert.Equal("pending", (await port.Org.Post("/pvm/vendor/get", new { vendor_code = "globex" }).Ok()).Field("status"));

        // The same slice again: nothing written, no revision, no CDC.
        var cdcBefore = host.Factory.OutboxEvents("pvm", port.Org.Orgcode, "pvm.vendor.updated").Count;
        Assert.Equal(["unchanged", "unchanged"], await port.OutcomesAsync("pvm.vendor", [Vendor("acme", status: "active"), Vendor("GLOBEX", "Globex")]));
        Assert.Equal(1L, (await port.Org.Post("/pvm/vendor/get", new { vendor_code = "acme" }).Ok()).GetProperty("revision").GetInt64());

        var results = await port.UpsertAsync("pvm.vendor", [Vendor("acme", "Acme Corp", status: "active"), Vendor("globex", "Globex")]);
        Assert.Equal(("acme", "updated"), (results[0].Field("key"), results[0].Field("outcome")));
        Assert.Equal("unchanged", results[1].Field("outcome"));
        acme = await port.Org.Post("/pvm/vendor/get", new { vendor_code = "acme" }).Ok();
        Assert.Equal(("Acme Corp", 2L), (acme.Field("name"), acme.GetProperty("revision").GetInt64()));
        Assert.True(host.Factory.OutboxEvents("pvm", port.Org.Orgcode, "pvm.vendor.updated").Count <= cdcBefore + 1);
    }

    [Fact]
    public async Task UC_IPM_003_a_bad_record_is_rejected_with_its_index_and_code_while_the_others_are_written()
    {
        var port = await PortAsync();
        var results = await port.UpsertAsync("pvm.vendor",
        [
            Vendor("v1"),
            new { vendor_code = "v2", name = "No country" },
            new { vendor_code = "v3", name = "X", country = "de", colour = "red" },
            Vendor("v1", "Again"),
            Vendor("v4"),
        ]);
        Assert.Equal(["created", "rejected", "rejected", "rejected", "created"], results.Select(r => r.Field("outcome")));
        Assert.Equal((1, "validation_failed", "country"), (results[1].GetProperty("index").GetInt32(), results[1].Field("code"), results[1].Field("field")));
        Assert.Equal("invalid_record", results[2].Field("code"));
        Assert.Equal("duplicate_in_call", results[3].Field("code"));
        var (found, missing) = await port.KeysAsync("pvm.vendor", "v1", "v2", "v3", "v4");
        Assert.Equal(["v1", "v4"], found);
        Assert.Equal(["v2", "v3"], missing);

        // A status the lifecycle does not allow from the stored one is refused for that record alone.
        await port.OutcomesAsync("pvm.vendor", [Vendor("v1", status: "retired")]);
        var refused = Assert.Single(await port.UpsertAsync("pvm.vendor", [Vendor("v1", status: "active")]));
        Assert.Equal(("rejected", "invalid_transition", "status"), (refused.Field("outcome"), refused.Field("code"), refused.Field("field")));
    }

    [Fact]
    public async Task UC_IPM_003_a_dry_run_validates_and_writes_nothing()
    {
        var port = await PortAsync();
        var results = await port.UpsertAsync("pvm.vendor", [Vendor("dry1"), new { vendor_code = "dry2" }], dryRun: true);
        Assert.Equal(["created", "rejected"], results.Select(r => r.Field("outcome")));
        Assert.Equal(0, await port.CountAsync("pvm.vendor"));
        await port.Org.Post("/pvm/vendor/get", new { vendor_code = "dry1" }).Problem(System.Net.HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task UC_IPM_003_vendors_export_in_pages_in_the_upsert_shape_and_count()
    {
        var port = await PortAsync();
        await port.OutcomesAsync("pvm.vendor", Enumerable.Range(0, 7).Select(i => Vendor($"e{i}", $"Vendor {i}", status: i % 2 == 0 ? "active" : null)));
        Assert.Equal(7, await port.CountAsync("pvm.vendor"));
        var (items, pages) = await port.ExportAllAsync("pvm.vendor", limit: 3);
        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"e{i}").Order(), items.Select(i => i.Field("vendor_code")).Order());
        var (active, _) = await port.ExportAllAsync("pvm.vendor", limit: 10, new { status = "active" });
        Assert.Equal(4, active.Count);

        // What export gives, upsert takes back unchanged.
        Assert.All(await port.OutcomesAsync("pvm.vendor", items.Select(i => (object)i)), o => Assert.Equal("unchanged", o));
        await port.ProblemAsync("pvm", "export", new { entity = "pvm.vendor", filters = new { name = "x" } }, 400, "validation_failed");
    }

    [Fact]
    public async Task UC_IPM_003_the_port_refuses_unknown_entities_schema_versions_and_oversized_calls()
    {
        var port = await PortAsync();
        await port.ProblemAsync("pvm", "upsert", new { entity = "pvm.spaceship", schema_version = 1, records = Array.Empty<object>() }, 422, "unknown_entity");
        await port.ProblemAsync("pvm", "upsert", new { entity = "pvm.vendor", schema_version = 9, records = Array.Empty<object>() }, 422,
            "unsupported_schema_version");
        await port.ProblemAsync("pvm", "upsert", new { entity = "pvm.vendor", schema_version = 1, records = Enumerable.Range(0, 1001).Select(i => Vendor($"x{i}")) },
            400, "validation_failed");
        await port.ProblemAsync("pvm", "count", new { entity = "ppm.price" }, 422, "unknown_entity");
        var entities = await port.OkAsync("pvm", "entities", new { });
        var vendor = Assert.Single(entities.GetProperty("entities").EnumerateArray(), e => e.Field("entity") == "pvm.vendor");
        Assert.Equal(["vendor_code"], vendor.GetProperty("natural_key").EnumerateArray().Select(k => k.GetString()));
        Assert.Contains(vendor.GetProperty("fields").EnumerateArray(), f => f.Field("name") == "country" && f.GetProperty("required").GetBoolean());

        // Not a public operation: a signed-in owner is refused.
        await port.Org.Post("/pvm/bulk/count", new { entity = "pvm.vendor" }).Problem(System.Net.HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task UC_IPM_003_an_org_sees_and_changes_only_its_own_vendors()
    {
        var first = await PortAsync("bulka");
        var second = await PortAsync("bulkb");
        await first.OutcomesAsync("pvm.vendor", [Vendor("shared", "First")]);
        Assert.Equal(["created"], await second.OutcomesAsync("pvm.vendor", [Vendor("shared", "Second")]));
        Assert.Equal("First", (await first.Org.Post("/pvm/vendor/get", new { vendor_code = "shared" }).Ok()).Field("name"));
        Assert.Equal((1L, 1L), (await first.CountAsync("pvm.vendor"), await second.CountAsync("pvm.vendor")));
        var (items, _) = await second.ExportAllAsync("pvm.vendor", 10);
        Assert.Equal("Second", Assert.Single(items).Field("name"));
    }
}
