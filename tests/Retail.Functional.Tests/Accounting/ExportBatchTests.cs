using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Retail.Accounting.Exports;
using Retail.Functional.Tests.Ofm;

namespace Retail.Functional.Tests.Accounting;

/// <summary>
/// UC-ACC-002: a day's batch per (day, dataset, format), one part per app; a part that fails leaves the batch failed, and
/// repair re-runs only that part and assembles the very file (SHA-256) a clean run of the same data makes.
/// </summary>
public sealed class ExportBatchTests : IAsyncLifetime
{
    private readonly FailOnce _failures = new();
    private RetailHostFactory _factory = null!;
    private HttpClient _operator = null!;

    public ValueTask InitializeAsync()
    {
        _factory = AccountingHost.Start(s => s.AddSingleton<IExportFailurePoint>(_failures));
        _operator = _factory.CreateOperatorClient();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        _operator.Dispose();
        await _factory.DisposeAsync();
    }

    [Fact]
    public async Task UC_ACC_002_a_repaired_batch_produces_the_same_file_as_a_clean_run()
    {
        var (clean, _) = await ExportSteps.NewOrgAsync(_factory, _operator, "accb");
        var (broken, _) = await ExportSteps.NewOrgAsync(_factory, _operator, "accb");
        var day = ExportSteps.Records("2026-03-09", 5, "ofm", "pvm", "scm").Concat(ExportSteps.Records("2026-03-10", 2, "scm")).ToList();
        await ExportSteps.SeedAsync(_factory, clean, day);
        await ExportSteps.SeedAsync(_factory, broken, day);
        var body = new { day = "2026-03-09", dataset = "usage_records", format = "csv" };

        var cleanBatch = await _operator.Post("/accounting/export/batch/create", body, clean).Ok(HttpStatusCode.Created);
        var cleanDone = await FinishedAsync(clean, cleanBatch.GetProperty("batch_guid").GetString()!);
        Assert.Equal("completed", cleanDone.Batch().GetProperty("status").GetString());
        Assert.Equal(3, cleanDone.GetProperty("parts").GetArrayLength());
        Assert.Equal(15, cleanDone.Batch().GetProperty("record_count").GetInt64());

        // In the other org the scm part fails once: the batch is failed, partial, its other parts completed.
        _failures.Arm(broken, "scm");
        var brokenBatch = await _operator.Post("/accounting/export/batch/create", body, broken).Ok(HttpStatusCode.Created);
        var batchGuid = brokenBatch.GetProperty("batch_guid").GetString()!;
        var failed = await FinishedAsync(broken, batchGuid);
        Assert.Equal(("failed", 1), (failed.Batch().GetProperty("status").GetString(), failed.Batch().GetProperty("parts_failed").GetInt32()));
        Assert.Equal(JsonValueKind.Null, failed.GetProperty("download_url").ValueKind);
        var parts = failed.GetProperty("parts").EnumerateArray().ToDictionary(p => p.GetProperty("app").GetString()!);
        Assert.Equal(("failed", 1), (parts["scm"].GetProperty("status").GetString(), parts["scm"].GetProperty("attempts").GetInt32()));
        Assert.Equal("completed", parts["ofm"].GetProperty("status").GetString());
        var ofmPart = parts["ofm"].GetProperty("mrs_record_guid").GetString();

        var repaired = await _operator.Post("/accounting/export/batch/repair",
            new { batch_guid = batchGuid, expected_revision = failed.Batch().GetProperty("revision").GetInt64() }, broken).Ok();
        Assert.Equal(("running", 2), (repaired.GetProperty("status").GetString(), repaired.GetProperty("run").GetInt32()));
        var done = await FinishedAsync(broken, batchGuid);
        Assert.Equal("completed", done.Batch().GetProperty("status").GetString());
        // Only the failed part ran again.
        var after = done.GetProperty("parts").EnumerateArray().ToDictionary(p => p.GetProperty("app").GetString()!);
        Assert.Equal((2, 1, 1), (after["scm"].GetProperty("attempts").GetInt32(), after["ofm"].GetProperty("attempts").GetInt32(),
            after["pvm"].GetProperty("attempts").GetInt32()));
        Assert.Equal(ofmPart, after["ofm"].GetProperty("mrs_record_guid").GetString());

        // The same file as the clean run: same SHA-256, same bytes downloaded.
        Assert.Equal(cleanDone.Batch().GetProperty("sha256").GetString(), done.Batch().GetProperty("sha256").GetString());
        var cleanFile = await ExportSteps.DownloadAsync(_operator, cleanDone);
        var repairedFile = await ExportSteps.DownloadAsync(_operator, done);
        Assert.Equal(cleanFile, repairedFile);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(repairedFile)), done.Batch().GetProperty("sha256").GetString());
        var statuses = _factory.OutboxEvents("accounting", broken, "export.batch_status_changed").Select(e => e.GetProperty("status").GetString()).ToList();
        Assert.Equal(["queued", "running", "failed", "running", "completed"], statuses);
    }

    [Fact]
    public async Task UC_ACC_002_a_batch_is_one_per_day_dataset_and_format_and_moves_only_as_its_lifecycle_allows()
    {
        var (orgcode, _) = await ExportSteps.NewOrgAsync(_factory, _operator, "accb");
        await ExportSteps.SeedAsync(_factory, orgcode, ExportSteps.Records("2026-03-09", 2, "ofm", "scm").ToList());
        var first = await _operator.Post("/accounting/export/batch/create", new { day = "2026-03-09", dataset = "usage_rollups", format = "ndjson" }, orgcode)
            .Ok(HttpStatusCode.Created);
        var guid = first.GetProperty("batch_guid").GetString()!;
        var again = await _operator.Post("/accounting/export/batch/create", new { day = "2026-03-09", dataset = "usage_rollups", format = "ndjson" }, orgcode).Ok();
        Assert.Equal(guid, again.GetProperty("batch_guid").GetString());
        var csv = await _operator.Post("/accounting/export/batch/create", new { day = "2026-03-09", dataset = "usage_rollups", format = "csv" }, orgcode)
            .Ok(HttpStatusCode.Created);
        Assert.NotEqual(guid, csv.GetProperty("batch_guid").GetString());
        var other = await _operator.Post("/accounting/export/batch/create", new { day = "2026-03-10", dataset = "usage_rollups", format = "ndjson" }, orgcode)
            .Ok(HttpStatusCode.Created);

        var done = (await FinishedAsync(orgcode, guid)).Batch();
        Assert.Equal("completed", done.GetProperty("status").GetString());
        var revision = done.GetProperty("revision").GetInt64();
        // A completed batch is not repaired, nor published without its revision, nor moved to a system status.
        var refused = await _operator.Post("/accounting/export/batch/repair", new { batch_guid = guid, expected_revision = revision }, orgcode)
            .Problem(HttpStatusCode.Conflict, "invalid_transition");
        await _operator.Post("/accounting/export/batch/status/set", new { batch_guid = guid, status = "published" }, orgcode)
            .Problem(HttpStatusCode.BadRequest, "expected_revision_required");
        await _operator.Post("/accounting/export/batch/status/set", new { batch_guid = guid, status = "running", expected_revision = revision }, orgcode)
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await _operator.Post("/accounting/export/batch/status/set", new { batch_guid = guid, status = "published", expected_revision = revision + 5 }, orgcode)
            .Problem(HttpStatusCode.Conflict, "revision_mismatch");
        var published = await _operator.Post("/accounting/export/batch/status/set",
            new { batch_guid = guid, status = "published", expected_revision = revision }, orgcode).Ok();
        Assert.Equal("published", published.GetProperty("status").GetString());
        await _operator.Post("/accounting/export/batch/status/set",
            new { batch_guid = guid, status = "cancelled", expected_revision = published.GetProperty("revision").GetInt64() }, orgcode)
            .Problem(HttpStatusCode.Conflict, "invalid_transition");
        Assert.NotNull(refused.GetProperty("detail").GetString());

        await FinishedAsync(orgcode, csv.GetProperty("batch_guid").GetString()!);
        await FinishedAsync(orgcode, other.GetProperty("batch_guid").GetString()!);
        var ofDay = await _operator.Post("/accounting/export/batch/list", new { day_from = "2026-03-09", day_to = "2026-03-09" }, orgcode).Ok();
        Assert.Equal(2, ofDay.GetProperty("items").GetArrayLength());
        var publishedOnly = await _operator.Post("/accounting/export/batch/list", new { status = "published" }, orgcode).Ok();
        Assert.Equal([guid], publishedOnly.GetProperty("items").EnumerateArray().Select(b => b.GetProperty("batch_guid").GetString()));
        var paged = await _operator.Post("/accounting/export/batch/list", new { day_from = "2026-03-01", day_to = "2026-03-31", limit = 2 }, orgcode).Ok();
        Assert.Equal(2, paged.GetProperty("items").GetArrayLength());
        var rest = await _operator.Post("/accounting/export/batch/list",
            new { day_from = "2026-03-01", day_to = "2026-03-31", limit = 2, next_token = paged.GetProperty("next_token").GetString() }, orgcode).Ok();
        Assert.Equal("2026-03-10", Assert.Single(rest.GetProperty("items").EnumerateArray()).GetProperty("day").GetString());
    }

    [Fact]
    public async Task bad_batch_requests_are_refused_with_stable_codes()
    {
        var (orgcode, owner) = await ExportSteps.NewOrgAsync(_factory, _operator, "accb");
        await _operator.Post("/accounting/export/batch/create", new { day = "2026-03-09", dataset = "usage_records" }, orgcode)
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await _operator.Post("/accounting/export/batch/create", new { day = "yesterday", dataset = "usage_records", format = "csv" }, orgcode)
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await _operator.Post("/accounting/export/batch/repair", new { batch_guid = Guid.NewGuid(), expected_revision = 1 }, orgcode)
            .Problem(HttpStatusCode.NotFound, "not_found");
        await _operator.Post("/accounting/export/batch/get", new { batch_guid = Guid.NewGuid() }, orgcode).Problem(HttpStatusCode.NotFound, "not_found");
        await _operator.Post("/accounting/export/batch/list", new { day_from = "2026-03-09", day_to = "2026-03-01" }, orgcode)
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await owner.Client.Post("/accounting/export/batch/create", new { day = "2026-03-09", dataset = "usage_records", format = "csv" }, orgcode)
            .Problem(HttpStatusCode.Forbidden, "forbidden");
    }

    private async Task<JsonElement> FinishedAsync(string orgcode, string batchGuid)
    {
        JsonElement view = default;
        await Waits.UntilAsync(async () =>
        {
            view = await _operator.Post("/accounting/export/batch/get", new { batch_guid = batchGuid }, orgcode).Ok();
            return view.Batch().GetProperty("status").GetString() is "completed" or "failed";
        }, $"batch {batchGuid} finished its run");
        return view;
    }

    /// <summary>Makes one app's part of one org fail once, then lets it pass.</summary>
    private sealed class FailOnce : IExportFailurePoint
    {
        private string? _armed;

        public void Arm(string orgcode, string app) => Volatile.Write(ref _armed, $"{orgcode}/{app}");

        public Task BeforePartAsync(string orgcode, string batchGuid, string app, CancellationToken ct)
        {
            var armed = Volatile.Read(ref _armed);
            if (armed == $"{orgcode}/{app}" && Interlocked.CompareExchange(ref _armed, null, armed) == armed)
            {
                throw new InvalidOperationException($"the {app} part failed (injected)");
            }
            return Task.CompletedTask;
        }
    }
}

internal static class BatchViews
{
    public static JsonElement Batch(this JsonElement view) => view.GetProperty("batch");
}
