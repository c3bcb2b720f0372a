using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Retail.Bench;

/// <summary>
/// `catalog [--styles 10000] [--variants 10] [--concurrency 16] [--seconds 10] [--settle 0] [--warmup 10] [--rounds 1] [--url http://…] [--operator-key …]`: PVM's
/// catalog load (playbook B) over real HTTP. Starts its own Release host on a temporary data folder unless <c>--url</c>
/// names a running one, bootstraps an org (operator: create, activate), the suppliers, brand, taxonomy and an OGM of one
/// axis with <c>--variants</c> options, then builds <c>--styles</c> styles (create, activate) of <c>--variants</c> active
/// variants each, every variant with a GTIN-13 as its primary barcode inline on <c>/pvm/variant</c>, with
/// <c>--concurrency</c> clients, printing progress (variants/s, ETA) and the final rate. Then measures
/// <c>/pvm/resolve/barcode</c> on random barcodes of that catalog beside <c>GET /pvm/stat</c> in the same run, and their ratio.
/// <c>--settle</c> seconds are waited between the load and the measured phases, so the host's delivery of the load's events
/// (CDC, projections in ICS, PPM and PMC, webhooks) is over and the phases measure a settled host rather than one draining.
/// <c>--warmup</c> seconds of unmeasured resolves come first (the runtime optimizes the hot path after its first calls).
/// <c>--rounds</c> repeats the pair (<c>/stat</c>, then resolves) and reports each round's ratio and their median: on a
/// shared machine whose speed drifts within minutes, one pair's ratio moves by a quarter, the median of several far less.
/// </summary>
internal static class CatalogBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = new BenchArgs(args);
        var styles = options.Int("styles", 10_000);
        var variantsPerStyle = options.Int("variants", 10);
        var concurrency = options.Int("concurrency", 16);
        var seconds = options.Int("seconds", 10);
        var settle = options.Int("settle", 0);
        var warmup = options.Int("warmup", 10);
        var rounds = options.Int("rounds", 1);
        var url = options.Text("url");
        var operatorKey = options.Text("operator-key") ?? "bench-operator-key";
        if (styles < 1 || variantsPerStyle is < 1 or > 100 || concurrency < 1 || settle < 0 || warmup < 0 || rounds is < 1 or > 20)
        {
            Console.Error.WriteLine("catalog: --styles ≥ 1, --variants 1–100, --concurrency ≥ 1, --settle ≥ 0, --warmup ≥ 0, --rounds 1–20");
            return 2;
        }
        await using var target = await BenchHost.OpenAsync(url, "http://127.0.0.1:5093", operatorKey, concurrency);
        var client = target.Client;
        url = target.Url;
        var orgcode = "bench-" + Guid.NewGuid().ToString("N")[..10];
        var api = new BenchApi(client, operatorKey, orgcode);
        await BootstrapAsync(api, variantsPerStyle);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"catalog: {url}, org {orgcode}, {styles:N0} styles × {variantsPerStyle} variants, {concurrency} concurrent clients, {Environment.ProcessorCount} cores"));

        var total = (long)styles * variantsPerStyle;
        var load = await LoadAsync(api, styles, variantsPerStyle, concurrency, total);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"loaded {load.Variants:N0} variants ({styles:N0} styles) in {load.Elapsed.TotalSeconds:N1} s: {load.Variants / load.Elapsed.TotalSeconds:N0} variants/s, " +
            $"{load.Errors} errors"));
        if (load.Variants == 0)
        {
            return 1;
        }

        if (settle > 0)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"settling {settle} s before the measured phases (--settle)"));
            await Task.Delay(TimeSpan.FromSeconds(settle));
        }

        var headers = new Dictionary<string, string> { ["x-orgcode"] = orgcode };
        Task<bool> Stat() => HttpBenchmark.Send(client, HttpMethod.Get, "/pvm/stat", null, null);
        Task<bool> Resolve()
        {
            var n = Random.Shared.NextInt64(total);
            return HttpBenchmark.Send(client, HttpMethod.Post, "/pvm/resolve/barcode",
                Encoding.UTF8.GetBytes($$"""{"barcode":"{{Gtin13(n)}}"}"""), operatorKey, headers);
        }
        if (warmup > 0)
        {
            // Unmeasured: the runtime compiles the resolve path's hot methods again, optimized, after their first calls
            // (tiered compilation); measured from a cold start, that compiling took a sixth of the host's CPU in the phase.
            Console.WriteLine("warmup " + await HttpBenchmark.PhaseAsync("resolve", warmup, concurrency, Resolve, warmup: true));
        }
        var ratios = new List<double>();
        for (var round = 1; round <= rounds; round++)
        {
            var suffix = rounds == 1 ? "" : string.Create(CultureInfo.InvariantCulture, $" (round {round})");
            var stat = await HttpBenchmark.PhaseAsync("stat GET /pvm/stat" + suffix, seconds, concurrency, Stat);
            Console.WriteLine(stat);
            var resolve = await HttpBenchmark.PhaseAsync("resolve POST /pvm/resolve/barcode" + suffix, seconds, concurrency, Resolve);
            Console.WriteLine(resolve);
            ratios.Add(PhaseReport.Rate(resolve) / PhaseReport.Rate(stat));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"resolve/barcode ÷ stat = {ratios[^1]:0.000}{suffix}"));
        }
        if (rounds > 1)
        {
            ratios.Sort();
            var median = ratios.Count % 2 == 1 ? ratios[ratios.Count / 2] : (ratios[(ratios.Count / 2) - 1] + ratios[ratios.Count / 2]) / 2;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"resolve/barcode ÷ stat: median {median:0.000} of {rounds} rounds (lowest {ratios[0]:0.000}, highest {ratios[^1]:0.000})"));
        }
        return load.Errors == 0 ? 0 : 1;
    }

    /// <summary>The variant number <paramref name="n"/>'s GTIN-13: "2" (in-store range) and 11 digits of n, then its check digit.</summary>
    internal static string Gtin13(long n)
    {
        var payload = "2" + n.ToString("D11", CultureInfo.InvariantCulture);
        var sum = 0;
        for (var i = 0; i < payload.Length; i++)
        {
            // From the right of the payload the weights are 3, 1, 3, …
            sum += (payload[payload.Length - 1 - i] - '0') * (i % 2 == 0 ? 3 : 1);
        }
        return payload + ((10 - (sum % 10)) % 10).ToString(CultureInfo.InvariantCulture);
    }


    /// <summary>The org and the catalog setup every style uses.</summary>
    private static async Task BootstrapAsync(BenchApi api, int variantsPerStyle)
    {
        await api.CreateOrgAsync();
        await api.CatalogAsync(variantsPerStyle);
    }

    private sealed record LoadResult(long Variants, long Errors, TimeSpan Elapsed);

    /// <summary>Each client takes the next style, creates and activates it, then creates its variants one by one.</summary>
    private static async Task<LoadResult> LoadAsync(BenchApi api, int styles, int variantsPerStyle, int concurrency, long total)
    {
        long nextStyle = -1;
        long variants = 0;
        long errors = 0;
        var stopwatch = Stopwatch.StartNew();
        using var done = new CancellationTokenSource();
        var progress = Task.Run(async () =>
        {
            var last = (At: TimeSpan.Zero, Count: 0L);
            while (!done.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(2), done.Token).ContinueWith(_ => { }, TaskScheduler.Default);
                var count = Interlocked.Read(ref variants);
                var elapsed = stopwatch.Elapsed;
                var overall = count / elapsed.TotalSeconds;
                var recent = (count - last.Count) / (elapsed - last.At).TotalSeconds;
                var eta = overall > 0 ? TimeSpan.FromSeconds((total - count) / overall) : TimeSpan.Zero;
                var width = 30;
                var filled = (int)(width * count / total);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"[{new string('#', filled)}{new string('.', width - filled)}] {count:N0}/{total:N0} variants  {recent:N0}/s now, {overall:N0}/s overall  ETA {eta:mm\\:ss}  errors {Interlocked.Read(ref errors)}"));
                last = (elapsed, count);
            }
        });
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            long s;
            while ((s = Interlocked.Increment(ref nextStyle)) < styles)
            {
                var styleCode = $"st{s:D6}";
                if (!await api.TryPostAsync("/pvm/style", new
                    {
                        style_code = styleCode,
                        name = $"Style {s}",
                        brand_code = "northwind",
                        primary_vendor_code = "acme",
                        primary_manufacturer_code = "mill",
                        category_code = "shirts",
                        ogm_guid = api.OgmGuid,
                    })
                    || !await api.TryPostAsync("/pvm/style/status", new { style_code = styleCode, status = "active", expected_revision = 1 }))
                {
                    Interlocked.Add(ref errors, 1);
                    continue;
                }
                for (var v = 0; v < variantsPerStyle; v++)
                {
                    var n = (s * variantsPerStyle) + v;
                    var created = await api.TryPostAsync("/pvm/variant", new
                    {
                        style_code = styleCode,
                        variant_code = $"{styleCode}-{BenchApi.SizeCode(v)}",
                        options = new[] { new { option_group_code = "size", option_code = BenchApi.SizeCode(v) } },
                        status = "active",
                        barcodes = new[] { new { barcode = Gtin13(n), primary = true } },
                    });
                    if (created)
                    {
                        Interlocked.Increment(ref variants);
                    }
                    else
                    {
                        Interlocked.Increment(ref errors);
                    }
                }
            }
        }));
        var elapsed = stopwatch.Elapsed;
        await done.CancelAsync();
        await progress;
        return new LoadResult(variants, errors, elapsed);
    }
}
