using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Retail.Bench;

/// <summary>
/// `reservations [--variants 500] [--stock 1000] [--hot-stock 1000000] [--concurrency 64] [--seconds 10] [--url http://…] [--operator-key …]`: ICS
/// reservations per second (UC-ICS-002) over real HTTP. Starts its own Release host on a temporary data folder unless
/// <c>--url</c> names a running one, bootstraps an org with a logical facility and <c>--variants</c> active variants (PVM,
/// created with <c>--concurrency</c> clients), receives <c>--stock</c> units of each (<c>--hot-stock</c> of the first, the hot
/// one, so that its phase measures reservations rather than refusals), then measures
/// <c>/ics/reservation/create</c> of one unit on ONE hot variant, <c>GET /ics/stat</c>, and reservations spread over all the
/// variants, each phase with <c>--concurrency</c> clients, printing p50/p99 and each rate ÷ stat. A refused reservation
/// (409 <c>insufficient_stock</c>: the variant ran out) is counted apart from errors. At the end every position is
/// reconciled with its ledger (<c>/ics/stock/reconcile</c>) and nothing may be oversold: reserved + available equals what
/// was received and the positions' reserved sum to the reservations that succeeded. Use <c>--variants 10000</c> for the
/// issue's spread figure.
/// </summary>
internal static class ReservationBenchmark
{
    private const int VariantsPerStyle = 100;
    private const string Facility = "store-1";

    public static async Task<int> RunAsync(string[] args)
    {
        var options = new BenchArgs(args);
        var variantCount = options.Int("variants", 500);
        var stock = options.Int("stock", 1000);
        var hotStock = options.Int("hot-stock", 1_000_000);
        var concurrency = options.Int("concurrency", 64);
        var seconds = options.Int("seconds", 10);
        var url = options.Text("url");
        var operatorKey = options.Text("operator-key") ?? "bench-operator-key";
        if (variantCount < 1 || stock < 1 || hotStock < 1 || concurrency < 1 || seconds < 1)
        {
            Console.Error.WriteLine("reservations: --variants, --stock, --concurrency and --seconds ≥ 1");
            return 2;
        }
        await using var target = await BenchHost.OpenAsync(url, "http://127.0.0.1:5097", operatorKey, concurrency);
        var client = target.Client;
        url = target.Url;
        var api = new BenchApi(client, operatorKey, "bench-" + Guid.NewGuid().ToString("N")[..10]);
        var setup = Stopwatch.StartNew();
        await BootstrapAsync(api);
        var variants = await api.VariantsAsync(variantCount, VariantsPerStyle, concurrency);
        long StockOf(int index) => index == 0 ? hotStock : stock;
        await ReceiveAsync(api, variants, StockOf, concurrency);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"reservations: {url}, org {api.Orgcode}, {variants.Count:N0} variants × {stock:N0} units at {Facility}, {concurrency} concurrent clients, " +
            $"{seconds} s per phase, {Environment.ProcessorCount} cores (setup {setup.Elapsed.TotalSeconds:N0} s)"));

        var hot = variants[0];
        var placed = new long[variants.Count];
        var hotPhase = await ReservePhaseAsync(api, "hot", seconds, concurrency, variants, placed, () => 0);
        Console.WriteLine(hotPhase.Report);
        var stat = await HttpBenchmark.PhaseAsync("stat", seconds, concurrency, () => HttpBenchmark.Send(client, HttpMethod.Get, "/ics/stat", null, null));
        Console.WriteLine(stat);
        var spreadPhase = await ReservePhaseAsync(api, "spread", seconds, concurrency, variants, placed, () => Random.Shared.Next(variants.Count));
        Console.WriteLine(spreadPhase.Report);
        var statRate = PhaseReport.Rate(stat);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"hot reservations ÷ stat = {PhaseReport.Rate(hotPhase.Report) / statRate:0.000}   spread reservations ÷ stat = {PhaseReport.Rate(spreadPhase.Report) / statRate:0.000}"));

        var (checkedPositions, problems) = await CheckAsync(api, variants, placed, StockOf, concurrency);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"check: {checkedPositions:N0} positions reconciled with their ledger (hot variant {hot}: {placed[0]:N0} reserved of {hotStock:N0}), " +
            $"{problems.Count} problems, oversold {(problems.Any(p => p.Contains("oversold", StringComparison.Ordinal)) ? "YES" : "0")}"));
        foreach (var problem in problems.Take(10))
        {
            Console.WriteLine("  " + problem);
        }
        return problems.Count == 0 && hotPhase.Errors == 0 && spreadPhase.Errors == 0 ? 0 : 1;
    }


    /// <summary>The org, its facility spine, and PVM's suppliers, brand, taxonomy and an OGM of one axis of 100 sizes.</summary>
    private static async Task BootstrapAsync(BenchApi api)
    {
        await api.StoresAsync(Facility);
        await api.CatalogAsync(VariantsPerStyle);
    }

    /// <summary>Receipts of up to 100 lines, each variant's stock straight into available.</summary>
    private static async Task ReceiveAsync(BenchApi api, List<string> variants, Func<int, long> stockOf, int concurrency)
    {
        var batches = variants.Select((v, i) => (Variant: v, Quantity: stockOf(i))).Chunk(100).ToList();
        long next = -1;
        await Task.WhenAll(Enumerable.Range(0, Math.Min(concurrency, batches.Count)).Select(async _ =>
        {
            long b;
            while ((b = Interlocked.Increment(ref next)) < batches.Count)
            {
                await api.PostAsync("/ics/receive/record", new
                {
                    facility_code = Facility,
                    reference = new { kind = "po", id = $"po-{b}" },
                    lines = batches[(int)b].Select(l => new { variant_guid = l.Variant, quantity = l.Quantity, state = "available" }).ToArray(),
                });
            }
        }));
    }

    private sealed record ReservePhase(string Report, long Errors);

    /// <summary>
    /// Reservations of one unit for <paramref name="seconds"/>, the variant chosen by <paramref name="pick"/>; a 201 counts
    /// into <paramref name="placed"/>, a 409 <c>insufficient_stock</c> is a refusal (stock ran out), anything else an error.
    /// </summary>
    private static async Task<ReservePhase> ReservePhaseAsync(BenchApi api, string name, int seconds, int concurrency, List<string> variants, long[] placed,
        Func<int> pick)
    {
        long refused = 0;
        long errors = 0;
        var counter = 0L;
        var report = await HttpBenchmark.PhaseAsync(name, seconds, concurrency, async () =>
        {
            var index = pick();
            var n = Interlocked.Increment(ref counter);
            var body = Encoding.UTF8.GetBytes(
                $$"""{"facility_code":"{{Facility}}","variant_guid":"{{variants[index]}}","quantity":1,"reference":{"kind":"order","id":"{{name}}-{{n}}"},"ttl_seconds":3600}""");
            var status = await api.SendRawAsync("/ics/reservation/create", body);
            switch (status)
            {
                case HttpStatusCode.Created:
                    Interlocked.Increment(ref placed[index]);
                    return true;
                case HttpStatusCode.Conflict:
                    Interlocked.Increment(ref refused);
                    return true;
                default:
                    Interlocked.Increment(ref errors);
                    return false;
            }
        });
        return new ReservePhase($"{report}   refused (sold out) {refused}", errors);
    }

    /// <summary>Every position against its ledger, and against what was received and reserved: nothing oversold, nothing lost.</summary>
    private static async Task<(int Checked, List<string> Problems)> CheckAsync(BenchApi api, List<string> variants, long[] placed, Func<int, long> stockOf,
        int concurrency)
    {
        var problems = new List<string>();
        long next = -1;
        var done = 0;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            long i;
            while ((i = Interlocked.Increment(ref next)) < variants.Count)
            {
                var view = await api.PostAsync("/ics/stock/reconcile", new { facility_code = Facility, variant_guid = variants[(int)i] });
                var stored = view.GetProperty("stored");
                var (available, reserved) = (stored.GetProperty("available").GetInt64(), stored.GetProperty("reserved").GetInt64());
                var found = new List<string>();
                var stock = stockOf((int)i);
                if (!view.GetProperty("agrees").GetBoolean())
                {
                    found.Add($"{variants[(int)i]}: the position does not equal its ledger");
                }
                if (reserved > stock || available < 0)
                {
                    found.Add($"{variants[(int)i]}: oversold: {reserved} reserved, {available} available of {stock} received");
                }
                if (available + reserved != stock || reserved != Interlocked.Read(ref placed[i]))
                {
                    found.Add($"{variants[(int)i]}: {available} available + {reserved} reserved, {placed[i]} reservations succeeded, {stock} received");
                }
                lock (problems)
                {
                    problems.AddRange(found);
                    done++;
                }
            }
        }));
        return (done, problems);
    }

    /// <summary>JSON calls as the operator acting in the bench org.</summary>
}
