using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Retail.Shared.Hosting;

namespace Retail.Bench;

/// <summary>
/// `usage [--batch 1000] [--concurrency 8] [--seconds 10] [--warmup 2] [--requests 32] [--traces platform|random] [--url http://…] [--operator-key …]`:
/// Accounting's usage ingest (issue 20, goal ≥ 20,000 events/s into the store). Starts its own Release host on a temporary
/// data folder unless <c>--url</c> names a running one. Phases, each beside <c>GET /accounting/stat</c> of the same run:
/// <c>record</c>: <c>--concurrency</c> clients each posting batches of <c>--batch</c> new usage events to
/// <c>/accounting/event/record</c> (5 apps × 3 cost centres, today); one operation is a batch, events/s = batches/s × batch.
/// <c>topic</c>: <c>--requests</c> clients calling <c>POST /ofm/cost-centre/list</c> as the operator in a bench org, every
/// request metered into OFM's outbox, delivered on the <c>usage</c> topic and counted into Accounting's rollup; its rate is
/// the requests the phase made ÷ the time from the phase's start until the rollup counted all of them. Afterwards the
/// reconcile report of both orgs for today must show no mismatch, and the record org's rollups must count every event.
/// </summary>
internal static class UsageBenchmark
{
    private static readonly string[] Apps = ["pvm", "scm", "ics", "crm", "pcm"];
    private static readonly string?[] Centres = ["cc-web", "cc-pos", null];

    public static async Task<int> RunAsync(string[] args)
    {
        var options = new BenchArgs(args);
        var batchSize = options.Int("batch", 1000);
        var concurrency = options.Int("concurrency", 8);
        var seconds = options.Int("seconds", 10);
        var warmup = options.Int("warmup", 2);
        var requesters = options.Int("requests", 32);
        var url = options.Text("url");
        var operatorKey = options.Text("operator-key") ?? "bench-operator-key";
        var traces = options.Text("traces") ?? "platform";
        if (batchSize is < 1 or > 1000 || concurrency < 1 || seconds < 1 || requesters < 1 || traces is not ("platform" or "random"))
        {
            Console.Error.WriteLine("usage: --batch 1–1000, --concurrency, --seconds and --requests ≥ 1, --traces platform|random");
            return 2;
        }
        await using var target = await BenchHost.OpenAsync(url, "http://127.0.0.1:5097", operatorKey, Math.Max(concurrency, requesters));
        var client = target.Client;
        var recordOrg = "bench-rec-" + Guid.NewGuid().ToString("N")[..8];
        var topicApi = new BenchApi(client, operatorKey, "bench-use-" + Guid.NewGuid().ToString("N")[..8]);
        await topicApi.CreateOrgAsync();
        var recordApi = new BenchApi(client, operatorKey, recordOrg);
        var day = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"usage: {target.Url}, batches of {batchSize} events by {concurrency} clients, {requesters} clients for the topic phase, {seconds} s per phase, " +
            $"{traces} trace ids, {Environment.ProcessorCount} cores"));

        long recorded = 0;
        async Task<bool> RecordBatch()
        {
            var (status, body) = await recordApi.SendJsonAsync("/accounting/event/record", BatchBody(recordOrg, batchSize, traces == "random"));
            if (body is { } answer && (int)status == 200)
            {
                Interlocked.Add(ref recorded, answer.GetProperty("recorded").GetInt32());
                return true;
            }
            return false;
        }
        if (warmup > 0)
        {
            Console.WriteLine("warmup " + await HttpBenchmark.PhaseAsync("record", warmup, concurrency, RecordBatch, warmup: true));
        }

        var stat = await HttpBenchmark.PhaseAsync("stat", seconds, concurrency,
            () => HttpBenchmark.Send(client, HttpMethod.Get, "/accounting/stat", null, operatorKey));
        Console.WriteLine(stat);

        var before = HostSample.Take(target.HostProcessId);
        var recordedBefore = Interlocked.Read(ref recorded);
        var record = await HttpBenchmark.PhaseAsync("record", seconds, concurrency, RecordBatch);
        var after = HostSample.Take(target.HostProcessId);
        var recordEvents = Interlocked.Read(ref recorded) - recordedBefore;
        Console.WriteLine(record);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"record: {recordEvents / (double)seconds:N0} events/s stored ({PhaseReport.Rate(record) * batchSize:N0} by batches/s × {batchSize}); " +
            $"one batch ÷ one stat = {PhaseReport.Rate(record) / PhaseReport.Rate(stat):0.0000}"));
        if (before is not null && after is not null && recordEvents > 0)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"host: {(after.CpuMs - before.CpuMs) / recordEvents * 1000:0.0} CPU ms per 1,000 events, RSS {after.RssMb:N0} MB (peak {after.PeakRssMb:N0} MB)"));
        }

        // Through the topic: every authenticated request to any service is a usage event.
        var listBody = "{}"u8.ToArray();
        var counted0 = await RollupCountAsync(topicApi, day, "ofm");
        var phase = Stopwatch.StartNew();
        long made = 0;
        var requests = await HttpBenchmark.PhaseAsync("topic", seconds, requesters, async () =>
        {
            var ok = (int)await topicApi.SendRawAsync("/ofm/cost-centre/list", listBody) == 200;
            Interlocked.Increment(ref made);
            return ok;
        });
        Console.WriteLine(requests + "   (requests to /ofm/cost-centre/list)");
        var expected = counted0 + Interlocked.Read(ref made);
        var counted = counted0;
        while (phase.Elapsed < TimeSpan.FromSeconds(seconds + 180) && (counted = await RollupCountAsync(topicApi, day, "ofm")) < expected)
        {
            await Task.Delay(100);
        }
        var caughtUp = phase.Elapsed;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"topic: {counted - counted0:N0} of {expected - counted0:N0} requests counted in the rollup {caughtUp.TotalSeconds:N1} s after the phase began: " +
            $"{(counted - counted0) / caughtUp.TotalSeconds:N0} events/s request → outbox → usage topic → rollup"));

        var problems = new List<string>();
        foreach (var api in new[] { recordApi, topicApi })
        {
            var report = await api.PostAsync("/accounting/reconcile/report", new { day_from = day, day_to = day });
            var mismatches = report.GetProperty("mismatches").GetArrayLength();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"reconcile {api.Orgcode}: {report.GetProperty("record_count").GetInt64():N0} records, rollups count {report.GetProperty("rollup_count").GetInt64():N0}, {mismatches} mismatches"));
            if (mismatches > 0)
            {
                problems.Add($"{api.Orgcode}: {mismatches} mismatches");
            }
        }
        long total = 0;
        foreach (var app in Apps)
        {
            total += await RollupCountAsync(recordApi, day, app);
        }
        if (total != Interlocked.Read(ref recorded))
        {
            problems.Add($"the record org's rollups count {total:N0}, {Interlocked.Read(ref recorded):N0} events were recorded");
        }
        if (counted < expected)
        {
            problems.Add($"the topic phase's rollup counted {counted - counted0:N0} of {expected - counted0:N0} requests");
        }
        foreach (var problem in problems)
        {
            Console.WriteLine("  problem: " + problem);
        }
        return problems.Count == 0 && PhaseReport.Errors(record) == 0 ? 0 : 1;
    }

    /// <summary>
    /// A batch of new events: ids unique, spread over apps and cost centres, now. Their trace ids are the platform's own
    /// (time-ordered, as every trace a service starts gets; see TimeOrderedTraceIds) or, with <c>--traces random</c>,
    /// random ones, as a caller that sends its own <c>traceparent</c> brings.
    /// </summary>
    private static byte[] BatchBody(string orgcode, int size, bool randomTraces)
    {
        var at = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        var body = new StringBuilder(size * 330).Append("{\"events\":[");
        for (var i = 0; i < size; i++)
        {
            var centre = Centres[Random.Shared.Next(Centres.Length)];
            body.Append(i == 0 ? "" : ",")
                .Append("{\"id\":\"").Append(Guid.CreateVersion7().ToString())
                .Append("\",\"service\":\"").Append(Apps[Random.Shared.Next(Apps.Length)])
                .Append("\",\"operation\":\"/thing/get\",\"orgcode\":\"").Append(orgcode)
                .Append("\",\"principal_id\":\"bench-user\",\"principal_kind\":\"user\",\"cccode\":")
                .Append(centre is null ? "null" : $"\"{centre}\"")
                .Append(",\"status\":").Append(Random.Shared.Next(20) == 0 ? 500 : 200)
                .Append(",\"duration_ms\":1.25,\"request_bytes\":120,\"response_bytes\":900,\"trace_id\":\"").Append(randomTraces ? Guid.NewGuid().ToString("N") : TimeOrderedTraceIds.Next().ToHexString())
                .Append("\",\"request_id\":null,\"at\":\"").Append(at).Append("\"}");
        }
        return Encoding.UTF8.GetBytes(body.Append("]}").ToString());
    }

    /// <summary>The count of the org's rollups of <paramref name="app"/> on <paramref name="day"/>, every cost centre.</summary>
    private static async Task<long> RollupCountAsync(BenchApi api, string day, string app)
    {
        long count = 0;
        string? token = null;
        do
        {
            var page = await api.PostAsync("/accounting/usage/rollup/list", new { day_from = day, day_to = day, app, limit = 500, next_token = token });
            count += page.GetProperty("items").EnumerateArray().Sum(r => r.GetProperty("count").GetInt64());
            token = page.GetProperty("next_token").GetString();
        }
        while (token is not null);
        return count;
    }
}
