using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CsvHelper;
using Microsoft.Extensions.DependencyInjection;
using Retail.Accounting.Usage;
using Retail.Functional.Tests.Ofm;
using Retail.Shared.Records;

namespace Retail.Functional.Tests.Accounting;

/// <summary>UC-ACC-002: one-off exports of an org's usage to MRS, in CSV and NDJSON, read back and compared with the data.</summary>
public sealed class ExportTests(AccountingHost host) : IClassFixture<AccountingHost>
{
    [Fact]
    public async Task UC_ACC_002_a_csv_export_of_usage_records_holds_exactly_the_records_of_its_days_in_order()
    {
        var (orgcode, _) = await ExportSteps.NewOrgAsync(host.Factory, host.Operator);
        var seeded = ExportSteps.Records("2026-03-08", 3, "pvm", "scm")
            .Concat(ExportSteps.Records("2026-03-09", 2, "ofm", "scm"))
            .Concat(ExportSteps.Records("2026-03-10", 2, "scm"))
            .ToList();
        await ExportSteps.SeedAsync(host.Factory, orgcode, seeded);

        var created = await host.Operator.Post("/accounting/export/create",
            new { dataset = "usage_records", format = "csv", day_from = "2026-03-08", day_to = "2026-03-09" }, orgcode).Ok(HttpStatusCode.Created);
        Assert.Equal("queued", created.GetProperty("status").GetString());
        var view = await ExportSteps.CompletedExportAsync(host.Operator, orgcode, created.GetProperty("export_guid").GetString()!);
        var export = view.Export();

        var content = await ExportSteps.DownloadAsync(host.Operator, view);
        var expected = seeded.Where(r => r.Day is "2026-03-08" or "2026-03-09").OrderBy(r => r.Day, StringComparer.Ordinal)
            .ThenBy(r => r.EventId, StringComparer.Ordinal).ToList();
        using var csv = new CsvReader(new StringReader(Encoding.UTF8.GetString(content)), CultureInfo.InvariantCulture);
        var rows = new List<Dictionary<string, string>>();
        await csv.ReadAsync();
        csv.ReadHeader();
        Assert.Equal(["event_id", "day", "at", "app", "operation", "cccode", "principal_id", "principal_kind", "status", "request_bytes", "duration_ms",
            "trace_id", "request_id"], csv.HeaderRecord!);
        while (await csv.ReadAsync())
        {
            rows.Add(csv.HeaderRecord!.ToDictionary(h => h, h => csv.GetField(h)!));
        }
        Assert.Equal(expected.Select(r => r.EventId), rows.Select(r => r["event_id"]));
        for (var i = 0; i < expected.Count; i++)
        {
            var (want, got) = (expected[i], rows[i]);
            Assert.Equal((want.Day, want.App, want.Operation, want.Cccode ?? "", want.PrincipalId, want.Status.ToString(CultureInfo.InvariantCulture)),
                (got["day"], got["app"], got["operation"], got["cccode"], got["principal_id"], got["status"]));
            Assert.Equal(want.At, DateTimeOffset.Parse(got["at"], CultureInfo.InvariantCulture));
            Assert.Equal(want.DurationMs, double.Parse(got["duration_ms"], CultureInfo.InvariantCulture));
            Assert.Equal(want.RequestBytes, long.Parse(got["request_bytes"], CultureInfo.InvariantCulture));
        }
        Assert.Equal(expected.Count, export.GetProperty("record_count").GetInt64());
        Assert.Equal(content.LongLength, export.GetProperty("size_bytes").GetInt64());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), export.GetProperty("sha256").GetString());
        Assert.Equal("text/csv", export.GetProperty("content_type").GetString());
        Assert.Single(host.Factory.OutboxEvents("accounting", orgcode, "export.completed"));
    }

    [Fact]
    public async Task UC_ACC_002_an_ndjson_export_of_rollups_holds_each_rollup_of_its_days_once()
    {
        var (orgcode, _) = await ExportSteps.NewOrgAsync(host.Factory, host.Operator);
        var seeded = ExportSteps.Records("2026-03-09", 4, "pvm", "scm", "ofm").ToList();
        await ExportSteps.SeedAsync(host.Factory, orgcode, seeded);

        var created = await host.Operator.Post("/accounting/export/create",
            new { dataset = "usage_rollups", format = "ndjson", gzip = true, day_from = "2026-03-09", day_to = "2026-03-09" }, orgcode)
            .Ok(HttpStatusCode.Created);
        var view = await ExportSteps.CompletedExportAsync(host.Operator, orgcode, created.GetProperty("export_guid").GetString()!);
        var export = view.Export();
        Assert.Equal("application/gzip", export.GetProperty("content_type").GetString());
        Assert.EndsWith(".ndjson.gz", export.GetProperty("file_name").GetString());

        var lines = Encoding.UTF8.GetString(await ExportSteps.DownloadAsync(host.Operator, view)).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        var expected = ExportSteps.RollupsOf(seeded).OrderBy(r => r.RollupKey, StringComparer.Ordinal).ToList();
        Assert.Equal(expected.Count, lines.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal((expected[i].Day, expected[i].App, expected[i].Cccode, expected[i].Count, expected[i].ErrorCount, expected[i].Bytes),
                (lines[i].GetProperty("day").GetString()!, lines[i].GetProperty("app").GetString()!,
                    lines[i].GetProperty("cccode").ValueKind == JsonValueKind.Null ? null : lines[i].GetProperty("cccode").GetString(),
                    lines[i].GetProperty("count").GetInt64(), lines[i].GetProperty("error_count").GetInt64(), lines[i].GetProperty("bytes").GetInt64()));
        }
        Assert.Equal(seeded.Count, lines.Sum(l => l.GetProperty("count").GetInt64()));
        Assert.Equal(expected.Count, export.GetProperty("record_count").GetInt64());

        var listed = await host.Operator.Post("/accounting/export/list", new { status = "completed" }, orgcode).Ok();
        Assert.Contains(listed.GetProperty("items").EnumerateArray(), e => e.GetProperty("export_guid").GetString() == created.GetProperty("export_guid").GetString());
    }

    [Fact]
    public async Task UC_ACC_002_an_export_of_days_without_usage_is_a_file_with_only_its_header()
    {
        var (orgcode, _) = await ExportSteps.NewOrgAsync(host.Factory, host.Operator);
        var created = await host.Operator.Post("/accounting/export/create",
            new { dataset = "usage_rollups", format = "csv", day_from = "2026-01-01", day_to = "2026-01-31" }, orgcode).Ok(HttpStatusCode.Created);
        var view = await ExportSteps.CompletedExportAsync(host.Operator, orgcode, created.GetProperty("export_guid").GetString()!);
        Assert.Equal("day,app,cccode,count,bytes,duration_ms,error_count\n", Encoding.UTF8.GetString(await ExportSteps.DownloadAsync(host.Operator, view)));
        Assert.Equal(0, view.Export().GetProperty("record_count").GetInt64());
    }

    [Fact]
    public async Task exports_are_operator_only_no_org_role_reaches_them()
    {
        var (orgcode, owner) = await ExportSteps.NewOrgAsync(host.Factory, host.Operator);
        var body = new { dataset = "usage_records", format = "csv", day_from = "2026-03-08", day_to = "2026-03-09" };
        await owner.Client.Post("/accounting/export/create", body, orgcode).Problem(HttpStatusCode.Forbidden, "forbidden");
        await owner.Client.Post("/accounting/export/list", new { }, orgcode).Problem(HttpStatusCode.Forbidden, "forbidden");
        await owner.Client.Post("/accounting/export/batch/list", new { }, orgcode).Problem(HttpStatusCode.Forbidden, "forbidden");
        await owner.Client.Post("/accounting/export/schedule/list", new { }, orgcode).Problem(HttpStatusCode.Forbidden, "forbidden");
        using var anonymous = host.Factory.CreateClient();
        await anonymous.Post("/accounting/export/list", new { }, orgcode).Problem(HttpStatusCode.Unauthorized, "unauthenticated");
        // The operator names the org it acts in.
        await host.Operator.PostJsonAsync("/accounting/export/list", new { }).Problem(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task bad_export_requests_are_refused_with_stable_codes()
    {
        var (orgcode, _) = await ExportSteps.NewOrgAsync(host.Factory, host.Operator);
        var op = host.Operator;
        await op.Post("/accounting/export/create", new { format = "csv", day_from = "2026-03-08", day_to = "2026-03-09" }, orgcode)
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await op.Post("/accounting/export/create", new { dataset = "usage_records", format = "xml", day_from = "2026-03-08", day_to = "2026-03-09" }, orgcode)
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await op.Post("/accounting/export/create", new { dataset = "usage_records", format = "csv", day_from = "2026-03-09", day_to = "2026-03-08" }, orgcode)
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await op.Post("/accounting/export/create", new { dataset = "usage_records", format = "csv", day_from = "2026-01-01", day_to = "2026-12-31" }, orgcode)
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await op.Post("/accounting/export/create", new { dataset = "usage_records", format = "csv", day_from = "2026-13-01", day_to = "2026-03-08" }, orgcode)
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await op.Post("/accounting/export/create", new { dataset = "usage_records", format = "csv", day_from = "2026-03-08", day_to = "2026-03-08", colour = "red" },
            orgcode).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await op.Post("/accounting/export/get", new { export_guid = "nope" }, orgcode).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await op.Post("/accounting/export/get", new { export_guid = Guid.NewGuid() }, orgcode).Problem(HttpStatusCode.NotFound, "not_found");
        await op.Post("/accounting/export/list", new { limit = 0 }, orgcode).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await op.Post("/accounting/export/list", new { }, "no-such-org-here").Problem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task an_export_of_one_org_is_not_visible_in_another()
    {
        var (first, _) = await ExportSteps.NewOrgAsync(host.Factory, host.Operator);
        var (second, _) = await ExportSteps.NewOrgAsync(host.Factory, host.Operator);
        var created = await host.Operator.Post("/accounting/export/create",
            new { dataset = "usage_rollups", format = "csv", day_from = "2026-03-01", day_to = "2026-03-01" }, first).Ok(HttpStatusCode.Created);
        await host.Operator.Post("/accounting/export/get", new { export_guid = created.GetProperty("export_guid").GetString() }, second)
            .Problem(HttpStatusCode.NotFound, "not_found");
    }
}

/// <summary>The steps the export tests share: orgs, seeded usage (swappable for the real ingest), waits and downloads.</summary>
internal static class ExportSteps
{
    private static readonly string[] Centres = ["cc-web", "cc-pos", null!];

    public static async Task<(string Orgcode, TestUser Owner)> NewOrgAsync(RetailHostFactory factory, HttpClient @operator, string prefix = "accx")
    {
        var orgcode = OfmSteps.NewOrgcode(prefix);
        var owner = factory.NewUser("owner");
        await @operator.ActiveOrg(orgcode, owner.UserGuid);
        return (orgcode, owner);
    }

    /// <summary>
    /// <paramref name="perApp"/> usage records per app on a day, deterministic (the same arguments give the same records, ids
    /// included), spread over two cost centres and none, with some errors.
    /// </summary>
    public static IEnumerable<UsageRecord> Records(string day, int perApp, params string[] apps)
    {
        var date = DateOnly.ParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        foreach (var app in apps)
        {
            for (var i = 0; i < perApp; i++)
            {
                var at = new DateTimeOffset(date.ToDateTime(new TimeOnly(8, 0)), TimeSpan.Zero).AddMinutes(i * 7 + app.Length);
                var id = new Guid(MD5.HashData(Encoding.UTF8.GetBytes($"{day}/{app}/{i}"))).ToString();
                yield return new UsageRecord
                {
                    EventId = id,
                    App = app,
                    Operation = i % 2 == 0 ? "/order/place" : "/order/get",
                    Cccode = Centres[i % 3],
                    PrincipalId = $"user-{i % 2}",
                    PrincipalKind = "user",
                    Status = i % 4 == 3 ? 409 : 200,
                    RequestBytes = 100 + i,
                    DurationMs = 1.25 * (i + 1),
                    TraceId = $"trace-{id[..8]}",
                    RequestId = $"req-{i}",
                    At = at,
                    Day = day,
                };
            }
        }
    }

    public static IEnumerable<UsageRollup> RollupsOf(IEnumerable<UsageRecord> records) =>
        records.GroupBy(r => UsageRollup.KeyOf(r.Day, r.App, r.Cccode)).Select(g => new UsageRollup
        {
            RollupKey = g.Key,
            Day = g.First().Day,
            App = g.First().App,
            Cccode = g.First().Cccode,
            Count = g.Count(),
            Bytes = g.Sum(r => r.RequestBytes),
            DurationMs = g.Sum(r => r.DurationMs),
            ErrorCount = g.Count(r => r.Status >= 400),
        });

    /// <summary>
    /// Stores usage records and their rollups directly (the usage area's ingest is built beside this one): one transaction per
    /// call, records and rollups together. The one place to swap for the real ingest.
    /// </summary>
    public static async Task SeedAsync(RetailHostFactory factory, string orgcode, IReadOnlyList<UsageRecord> records)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var usage = scope.ServiceProvider.GetRequiredService<RecordStore<UsageRecord>>();
        var rollups = scope.ServiceProvider.GetRequiredService<RecordStore<UsageRollup>>();
        var batch = new RecordBatch();
        foreach (var record in records)
        {
            usage.Create(batch, orgcode, record);
        }
        foreach (var rollup in RollupsOf(records))
        {
            rollups.Create(batch, orgcode, rollup);
        }
        Assert.True((await batch.CommitAsync(TestContext.Current.CancellationToken)).Succeeded, "the usage was seeded");
    }

    public static async Task<JsonElement> CompletedExportAsync(HttpClient @operator, string orgcode, string exportGuid)
    {
        JsonElement view = default;
        await Waits.UntilAsync(async () =>
        {
            view = await @operator.Post("/accounting/export/get", new { export_guid = exportGuid }, orgcode).Ok();
            return view.GetProperty("export").GetProperty("status").GetString() is "completed" or "failed";
        }, $"export {exportGuid} finished");
        var export = view.GetProperty("export");
        Assert.True(export.GetProperty("status").GetString() == "completed", $"the export completed: {export}");
        Assert.StartsWith("http", view.GetProperty("download_url").GetString());
        return view;
    }

    /// <summary>The file behind a view's signed download URL, as a client gets it (MRS serves it gzip-encoded).</summary>
    public static async Task<byte[]> DownloadAsync(HttpClient client, JsonElement view)
    {
        using var response = await client.GetAsync(view.GetProperty("download_url").GetString());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        if (bytes is [0x1f, 0x8b, ..])
        {
            using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
            using var plain = new MemoryStream();
            await gzip.CopyToAsync(plain);
            return plain.ToArray();
        }
        return bytes;
    }

    public static JsonElement Export(this JsonElement view) => view.GetProperty("export");
}
