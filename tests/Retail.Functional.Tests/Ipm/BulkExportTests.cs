using System.Net;
using System.Text.Json;
using Retail.Functional.Tests.Infrastructure;
using static Retail.Functional.Tests.Ipm.BulkSteps;

namespace Retail.Functional.Tests.Ipm;

/// <summary>Exports over HTTP: the target's pages into gzip NDJSON parts in MRS, with continuation, read back as a client would.</summary>
public sealed class BulkExportTests(IpmHost host) : IClassFixture<IpmHost>
{
    [Fact]
    public async Task UC_IPM_003_an_export_writes_gzip_ndjson_parts_to_mrs_with_their_counts_and_checksums()
    {
        var org = await host.NewOrgAsync("bex");
        var codes = new[] { "alfa", "bravo", "charlie", "delta", "echo" };
        foreach (var code in codes)
        {
            await org.Post("/pvm/vendor", new { vendor_code = code, name = code.ToUpperInvariant(), country = "DE" }).Ok(HttpStatusCode.Created);
        }
        var job = await org.Post("/ipm/bulk/export/create", new { entity = "pvm.vendor", part_size = 2 }).Ok(HttpStatusCode.Created);
        var answers = await ContinueAllAsync(org, "export", job);
        Assert.Equal([2, 2, 1], answers.Select(a => a.GetProperty("slice").GetProperty("records").GetInt32()));
        var completed = answers[^1].GetProperty("job");
        Assert.Equal(("completed", 3, 5L), (completed.GetProperty("status").GetString(), completed.GetProperty("parts").GetInt32(),
            completed.GetProperty("exported_records").GetInt64()));

        var view = await org.Post(org.Viewer, "/ipm/bulk/job/get", new { job_guid = job.GetProperty("job_guid").GetString() }).Ok();
        var parts = view.GetProperty("parts").GetProperty("items").EnumerateArray().ToList();
        Assert.Equal([1, 2, 3], parts.Select(p => p.GetProperty("part").GetInt32()));
        var exported = new List<JsonElement>();
        foreach (var part in parts)
        {
            var content = await DownloadAsync(host, org, part.GetProperty("mrs_record_guid").GetString()!);
            Assert.Equal(part.GetProperty("sha256").GetString(), Sha256(content));
            var lines = Lines(content);
            Assert.Equal(part.GetProperty("record_count").GetInt64(), lines.Count);
            exported.AddRange(lines);
        }
        Assert.Equal(codes, exported.Select(v => v.GetProperty("vendor_code").GetString()).Order());
        Assert.Equal("CHARLIE", exported.Single(v => v.GetProperty("vendor_code").GetString() == "charlie").GetProperty("name").GetString());

        // The last token again answers the same; the export is completed, so nothing more is written.
        var lastToken = answers[^2].GetProperty("continuation_token").GetString();
        var again = await org.Post("/ipm/bulk/export/continue", new { job_guid = job.GetProperty("job_guid").GetString(), continuation_token = lastToken }).Ok();
        Assert.Equal((true, 3), (again.GetProperty("done").GetBoolean(), again.GetProperty("job").GetProperty("parts").GetInt32()));
        Assert.Equal(1, (await org.Post("/ipm/bulk/job/list", new { kind = "export", status = "completed" }).Ok()).GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task UC_IPM_003_an_export_reads_only_its_own_orgs_records_and_filters_them()
    {
        var mine = await host.NewOrgAsync("bexa");
        var theirs = await host.NewOrgAsync("bexb");
        await mine.Post("/pvm/vendor", new { vendor_code = "mine", name = "Mine", country = "DE" }).Ok(HttpStatusCode.Created);
        await theirs.Post("/pvm/vendor", new { vendor_code = "theirs", name = "Theirs", country = "DE" }).Ok(HttpStatusCode.Created);
        var job = await mine.Post("/ipm/bulk/export/create", new { entity = "pvm.vendor" }).Ok(HttpStatusCode.Created);
        var answers = await ContinueAllAsync(mine, "export", job);
        var part = (await mine.Post("/ipm/bulk/job/get", new { job_guid = job.GetProperty("job_guid").GetString() }).Ok()).GetProperty("parts").GetProperty("items")[0];
        Assert.Equal(["mine"], Lines(await DownloadAsync(host, mine, part.GetProperty("mrs_record_guid").GetString()!)).Select(v => v.GetProperty("vendor_code").GetString()));
        await theirs.Post("/ipm/bulk/export/continue", new { job_guid = job.GetProperty("job_guid").GetString(), continuation_token = answers[0].GetProperty("continuation_token").GetString() ?? "x" })
            .Problem(HttpStatusCode.NotFound, "not_found");

        var filtered = await mine.Post("/ipm/bulk/export/create", new { entity = "pvm.vendor", filters = new { status = "active" } }).Ok(HttpStatusCode.Created);
        var none = await ContinueAllAsync(mine, "export", filtered);
        Assert.Equal((0, 0), (none[^1].GetProperty("job").GetProperty("parts").GetInt32(), none[^1].GetProperty("slice").GetProperty("records").GetInt32()));
    }
}
