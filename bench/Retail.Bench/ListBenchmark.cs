using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Retail.Ofm.CostCentres;
using Retail.Ofm.Orgs;
using Retail.Shared.Contract;
using Retail.Shared.Embedded;
using Retail.Shared.Hosting;
using Retail.Shared.MasterData;
using Retail.Shared.Records;

namespace Retail.Bench;

/// <summary>
/// `lists --seconds 5 --concurrency 16 [--big 100000] [--small 100]`: whether a list stays as fast when an org is large.
/// Seeds OFM's store with two active orgs, one of <c>--big</c> cost centres and one of <c>--small</c> (every 100th
/// inactive), starts the Release host on it, and measures over loopback HTTP, in each org: the first page of
/// <c>/ofm/cost-centre/list</c>, a later page (by its token), the inactive ones (the status index), and
/// <c>/ofm/cost-centre/get</c> by code (the unique index); beside <c>GET /ofm/stat</c> in the same run.
/// </summary>
internal static class ListBenchmark
{
    private const string OperatorKey = "bench-operator-key";

    public static async Task<int> RunAsync(string[] args)
    {
        var options = new BenchArgs(args);
        var seconds = options.Int("seconds", 5);
        var concurrency = options.Int("concurrency", 16);
        var sizes = new Dictionary<string, int> { ["bench-big"] = options.Int("big", 100_000), ["bench-small"] = options.Int("small", 100) };
        var dataDir = options.Text("keep") ?? Path.Combine(Path.GetTempPath(), "retail-bench-" + Guid.NewGuid().ToString("N"));
        try
        {
            foreach (var (orgcode, count) in sizes)
            {
                var started = System.Diagnostics.Stopwatch.StartNew();
                await SeedAsync(dataDir, orgcode, count);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"seeded {orgcode}: {count} cost centres in {started.Elapsed.TotalSeconds:0.0} s"));
            }
            const string url = "http://127.0.0.1:5091";
            using var host = HttpBenchmark.StartHost(url, dataDir, OperatorKey);
            using var client = HttpBenchmark.NewClient(url, concurrency);
            await HttpBenchmark.WaitUntilAliveAsync(client, "/healthz");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"lists: {url}, {concurrency} concurrent clients, {seconds} s per phase, {Environment.ProcessorCount} cores"));
            Console.WriteLine(await HttpBenchmark.PhaseAsync("stat /ofm/stat", seconds, concurrency,
                () => HttpBenchmark.Send(client, HttpMethod.Get, "/ofm/stat", null, null)));
            foreach (var (orgcode, count) in sizes)
            {
                var headers = new Dictionary<string, string> { ["x-orgcode"] = orgcode };
                var token = await FirstTokenAsync(client, orgcode);
                var n = 0L;
                Console.WriteLine(await Phase($"{orgcode} ({count}) list first page", """{"limit":50}"""));
                Console.WriteLine(await Phase($"{orgcode} ({count}) list next page", $$"""{"limit":50,"next_token":"{{token}}"}"""));
                Console.WriteLine(await Phase($"{orgcode} ({count}) list inactive (index)", """{"limit":50,"status":"inactive"}"""));
                Console.WriteLine(await HttpBenchmark.PhaseAsync($"{orgcode} ({count}) get by code (unique)", seconds, concurrency, () =>
                {
                    var i = Interlocked.Increment(ref n) * 7919 % count;
                    return HttpBenchmark.Send(client, HttpMethod.Post, "/ofm/cost-centre/get",
                        Encoding.UTF8.GetBytes($$"""{"cccode":"{{Code(i)}}"}"""), OperatorKey, headers);
                }));

                Task<string> Phase(string name, string body) => HttpBenchmark.PhaseAsync(name, seconds, concurrency,
                    () => HttpBenchmark.Send(client, HttpMethod.Post, "/ofm/cost-centre/list", Encoding.UTF8.GetBytes(body), OperatorKey, headers));
            }
            host.Kill(entireProcessTree: true);
            await host.WaitForExitAsync();
            return 0;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (options.Text("keep") is null && Directory.Exists(dataDir))
            {
                Directory.Delete(dataDir, recursive: true);
            }
        }
    }

    private static string Code(long i) => $"cc-{i:D7}";

    /// <summary>Writes straight into OFM's store with the record layer, 500 records a transaction, as the host would keep them.</summary>
    private static async Task SeedAsync(string dataDir, string orgcode, int count)
    {
        var retail = new RetailOptions { DataDir = dataDir, OperatorKey = OperatorKey };
        using var state = new SqliteStateStore("ofm", retail);
        var tokens = new PageTokens(new ConfigurationBuilder().Build(), new ConfiguredOperatorKeyProvider(Microsoft.Extensions.Options.Options.Create(retail)));
        var orgs = new RecordStore<Org>(state, Org.Type, TimeProvider.System, new RequestContext(), tokens);
        var centres = new RecordStore<CostCentre>(state, CostCentre.Type.IndexBy("status"), TimeProvider.System, new RequestContext(), tokens);
        await orgs.CreateAsync(null, new Org
        {
            OrgGuid = Guid.CreateVersion7().ToString(), Orgcode = orgcode, LegalName = orgcode, PrimaryOwnerGuid = Guid.CreateVersion7().ToString(),
            Status = OrgStatus.Active,
        });
        foreach (var chunk in Enumerable.Range(0, count).Chunk(500))
        {
            var batch = new RecordBatch();
            foreach (var i in chunk)
            {
                centres.Create(batch, orgcode, new CostCentre
                {
                    CostCentreGuid = Guid.CreateVersion7().ToString(), Cccode = Code(i), Name = $"Cost centre {i}",
                    Status = i % 100 == 0 ? MasterStatus.Inactive : MasterStatus.Active,
                });
            }
            var write = await batch.CommitAsync();
            if (!write.Succeeded)
            {
                throw new InvalidOperationException($"seeding {orgcode} failed: {write.Outcome}");
            }
        }
    }

    private static async Task<string> FirstTokenAsync(HttpClient client, string orgcode)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/ofm/cost-centre/list") { Content = new StringContent("""{"limit":50}""", Encoding.UTF8, "application/json") };
        request.Headers.Add("x-api-key", OperatorKey);
        request.Headers.Add("x-orgcode", orgcode);
        using var response = await client.SendAsync(request);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("next_token").GetString() ?? throw new InvalidOperationException($"{orgcode} has one page only");
    }
}
