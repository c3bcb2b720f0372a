using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Retail.Bench;

/// <summary>
/// `pricing [--variants 100000] [--concurrency 32] [--seconds 10] [--promotions 200] [--settle 0] [--warmup 10] [--url http://…] [--operator-key …]`: PPM's
/// <c>/price/resolve</c> over real HTTP (issue 12). Starts its own Release host on a temporary data folder unless
/// <c>--url</c> names a running one, bootstraps an org with three logical facilities (<c>store-1..3</c>, each in its own
/// price zone <c>z1..z3</c>) and a sales channel <c>web</c> selling at three EUR lists (<c>l1..l3</c>, priorities 1–3), creates
/// <c>--variants</c> active variants in PVM (styles of 100), then loads 9 prices per variant — on each list the base price
/// and overrides in two of the three zones (the zone left out rotates, so a third of zone lookups fall back to the base):
/// 900,000 prices for 100,000 variants — through <c>/ppm/price/set</c> with 1,000 lines a call and <c>--concurrency</c>
/// clients, timing the load; then <c>--promotions</c> promotions (percent off single variants, a few on the category).
/// Measured for <c>--seconds</c> each, <c>--concurrency</c> clients: <c>GET /ppm/stat</c>, a single-line resolve (random
/// variant, random facility) and a 20-line cart (p50/p99), with single-line ÷ stat. Goals: ≥ 0.5× stat; cart p99 ≤ 20 ms.
/// <c>--settle</c> seconds are waited before the measured phases, so the host's delivery of the load's events (CDC, price
/// changes to IPM and RBS) is not measured beside them.
/// <c>--warmup</c> seconds of unmeasured single-line and cart resolves come first (the runtime optimizes the hot path after its first calls).
/// </summary>
internal static class PricingBenchmark
{
    private const int VariantsPerStyle = 100;
    private const int PricesPerCall = 1_000;
    private const int CartLines = 20;
    private static readonly string[] Lists = ["l1", "l2", "l3"];
    private static readonly string[] Zones = ["z1", "z2", "z3"];
    private static readonly string[] Facilities = ["store-1", "store-2", "store-3"];

    public static async Task<int> RunAsync(string[] args)
    {
        var options = new BenchArgs(args);
        var variantCount = options.Int("variants", 100_000);
        var concurrency = options.Int("concurrency", 32);
        var seconds = options.Int("seconds", 10);
        var promotions = options.Int("promotions", 200);
        var url = options.Text("url");
        var operatorKey = options.Text("operator-key") ?? "bench-operator-key";
        if (variantCount < CartLines || concurrency < 1 || seconds < 1 || promotions < 0)
        {
            Console.Error.WriteLine($"pricing: --variants ≥ {CartLines}, --concurrency and --seconds ≥ 1, --promotions ≥ 0");
            return 2;
        }
        await using var target = await BenchHost.OpenAsync(url, "http://127.0.0.1:5099", operatorKey, concurrency);
        var client = target.Client;
        url = target.Url;
        var api = new BenchApi(client, operatorKey, "bench-" + Guid.NewGuid().ToString("N")[..10]);
        var setup = Stopwatch.StartNew();
        await BootstrapAsync(api);
        var variants = await VariantsAsync(api, variantCount, concurrency);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"pricing: {url}, org {api.Orgcode}, {variants.Count:N0} variants, {Lists.Length} lists × base + {Zones.Length} zones, {concurrency} concurrent clients, " +
            $"{seconds} s per phase, {Environment.ProcessorCount} cores (catalog setup {setup.Elapsed.TotalSeconds:N0} s)"));

        var load = await LoadPricesAsync(api, variants, concurrency);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"loaded {load.Prices:N0} prices in {load.Elapsed.TotalSeconds:N1} s: {load.Prices / load.Elapsed.TotalSeconds:N0} prices/s, {load.Errors} failed calls"));
        var created = await PromotionsAsync(api, variants, promotions, concurrency);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"promotions: {created} of {promotions} created"));
        var settle = options.Int("settle", 0);
        if (settle > 0)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"settling {settle} s before the measured phases (--settle)"));
            await Task.Delay(TimeSpan.FromSeconds(settle));
        }

        var headers = new Dictionary<string, string> { ["x-orgcode"] = api.Orgcode };
        // One call first, so the snapshot is loaded before anything is timed.
        await api.PostAsync("/ppm/price/resolve", new { channel_code = "web", lines = new[] { new { variant_guid = variants[0], quantity = 1 } } });

        var warmup = options.Int("warmup", 10);
        if (warmup > 0)
        {
            // Unmeasured: the runtime compiles the resolve path's hot methods again, optimized, after their first calls.
            Console.WriteLine("warmup " + await HttpBenchmark.PhaseAsync("single", warmup / 2, concurrency, () =>
                HttpBenchmark.Send(client, HttpMethod.Post, "/ppm/price/resolve", ResolveBody(variants, 1), operatorKey, headers), warmup: true));
            Console.WriteLine("warmup " + await HttpBenchmark.PhaseAsync("cart20", warmup - warmup / 2, concurrency, () =>
                HttpBenchmark.Send(client, HttpMethod.Post, "/ppm/price/resolve", ResolveBody(variants, CartLines), operatorKey, headers), warmup: true));
        }
        var stat = await HttpBenchmark.PhaseAsync("stat", seconds, concurrency, () => HttpBenchmark.Send(client, HttpMethod.Get, "/ppm/stat", null, null));
        Console.WriteLine(stat);
        var single = await HttpBenchmark.PhaseAsync("single", seconds, concurrency, () =>
            HttpBenchmark.Send(client, HttpMethod.Post, "/ppm/price/resolve", ResolveBody(variants, 1), operatorKey, headers));
        Console.WriteLine(single);
        var cart = await HttpBenchmark.PhaseAsync("cart20", seconds, concurrency, () =>
            HttpBenchmark.Send(client, HttpMethod.Post, "/ppm/price/resolve", ResolveBody(variants, CartLines), operatorKey, headers));
        Console.WriteLine(cart);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"single-line resolve ÷ stat = {PhaseReport.Rate(single) / PhaseReport.Rate(stat):0.000} (goal ≥ 0.5)   20-line cart p99 {PhaseReport.P99(cart):N3} ms (goal ≤ 20 ms)"));
        return load.Errors == 0 && PhaseReport.Errors(single) == 0 && PhaseReport.Errors(cart) == 0 ? 0 : 1;
    }




    /// <summary>A resolve of <paramref name="lines"/> random variants (quantity 1–3) on <c>web</c>, at a random facility or none.</summary>
    private static byte[] ResolveBody(List<string> variants, int lines)
    {
        var facility = Random.Shared.Next(Facilities.Length + 1);
        var body = new StringBuilder(64 + (lines * 80));
        body.Append("{\"channel_code\":\"web\",");
        if (facility < Facilities.Length)
        {
            body.Append("\"facility_code\":\"").Append(Facilities[facility]).Append("\",");
        }
        body.Append("\"lines\":[");
        for (var i = 0; i < lines; i++)
        {
            body.Append(i == 0 ? "" : ",").Append("{\"variant_guid\":\"").Append(variants[Random.Shared.Next(variants.Count)])
                .Append("\",\"quantity\":").Append(1 + Random.Shared.Next(3)).Append('}');
        }
        return Encoding.UTF8.GetBytes(body.Append("]}").ToString());
    }

    /// <summary>The org, three stores on one site, the channel <c>web</c>, PVM's catalog setup, the lists and the zones.</summary>
    private static async Task BootstrapAsync(BenchApi api)
    {
        await api.StoresAsync(Facilities);
        await api.WebChannelAsync(Facilities[0]);
        await api.CatalogAsync(VariantsPerStyle);
        for (var i = 0; i < Lists.Length; i++)
        {
            await api.PostAsync("/ppm/price-list/set", new { price_list_code = Lists[i], name = $"List {Lists[i]}", currency = "EUR" });
            await api.PostAsync("/ppm/price-list/assign", new { channel_code = "web", price_list_code = Lists[i], priority = i + 1 });
        }
        for (var i = 0; i < Zones.Length; i++)
        {
            await api.PostAsync("/ppm/price-zone/set", new { price_zone_code = Zones[i], name = $"Zone {Zones[i]}" });
            await api.PostAsync("/ppm/price-zone/assign", new { facility_code = Facilities[i], price_zone_code = Zones[i] });
        }
    }

    /// <summary>Styles of up to 100 active variants, created by <paramref name="concurrency"/> clients a style at a time; answers the variant guids.</summary>
    private static async Task<List<string>> VariantsAsync(BenchApi api, int count, int concurrency)
    {
        var styles = (count + VariantsPerStyle - 1) / VariantsPerStyle;
        var guids = new string?[count];
        long next = -1;
        long made = 0;
        var stopwatch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Math.Min(concurrency, styles)).Select(async _ =>
        {
            long s;
            while ((s = Interlocked.Increment(ref next)) < styles)
            {
                var styleCode = $"st{s:D6}";
                await api.PostAsync("/pvm/style", new
                {
                    style_code = styleCode,
                    name = $"Style {s}",
                    brand_code = "northwind",
                    primary_vendor_code = "acme",
                    primary_manufacturer_code = "mill",
                    category_code = "shirts",
                    ogm_guid = api.OgmGuid,
                });
                await api.PostAsync("/pvm/style/status", new { style_code = styleCode, status = "active", expected_revision = 1 });
                for (var v = 0; v < VariantsPerStyle && (s * VariantsPerStyle) + v < count; v++)
                {
                    var variant = await api.PostAsync("/pvm/variant", new
                    {
                        style_code = styleCode,
                        variant_code = $"{styleCode}-{BenchApi.SizeCode(v)}",
                        options = new[] { new { option_group_code = "size", option_code = BenchApi.SizeCode(v) } },
                        status = "active",
                    });
                    guids[(s * VariantsPerStyle) + v] = variant.GetProperty("variant_guid").GetString();
                    if (Interlocked.Increment(ref made) % 10_000 == 0)
                    {
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"  {made:N0}/{count:N0} variants, {made / stopwatch.Elapsed.TotalSeconds:N0}/s"));
                    }
                }
            }
        }));
        return [.. guids.Select(g => g!)];
    }

    private sealed record LoadResult(long Prices, long Errors, TimeSpan Elapsed);

    /// <summary>Variant <paramref name="v"/>'s prices: on each list the base price and overrides in two zones (the one left out rotates).</summary>
    private static IEnumerable<object> PricesOf(string variant, int v)
    {
        for (var l = 0; l < Lists.Length; l++)
        {
            var basePrice = 1_000 + (v % 9_000) + (l * 100);
            yield return new { variant_guid = variant, price_list_code = Lists[l], amount_minor = basePrice, currency = "EUR" };
            for (var z = 0; z < Zones.Length; z++)
            {
                if (z != (v + l) % Zones.Length)
                {
                    yield return new { variant_guid = variant, price_list_code = Lists[l], price_zone_code = Zones[z], amount_minor = basePrice + 50 + (z * 10),
                        currency = "EUR" };
                }
            }
        }
    }

    /// <summary><see cref="PricesPerCall"/> prices a call through <c>/ppm/price/set</c>, <paramref name="concurrency"/> calls at a time, with progress.</summary>
    private static async Task<LoadResult> LoadPricesAsync(BenchApi api, List<string> variants, int concurrency)
    {
        var calls = variants.SelectMany(PricesOf).Chunk(PricesPerCall).ToList();
        var total = calls.Sum(c => (long)c.Length);
        long next = -1;
        long loaded = 0;
        long errors = 0;
        var stopwatch = Stopwatch.StartNew();
        using var done = new CancellationTokenSource();
        var progress = Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(5), done.Token).ContinueWith(_ => { }, TaskScheduler.Default);
                var count = Interlocked.Read(ref loaded);
                var rate = count / stopwatch.Elapsed.TotalSeconds;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {count:N0}/{total:N0} prices, {rate:N0}/s, ETA {TimeSpan.FromSeconds(rate > 0 ? (total - count) / rate : 0):mm\\:ss}, {Interlocked.Read(ref errors)} failed calls"));
            }
        });
        await Task.WhenAll(Enumerable.Range(0, Math.Min(concurrency, calls.Count)).Select(async _ =>
        {
            long c;
            while ((c = Interlocked.Increment(ref next)) < calls.Count)
            {
                if (await api.TryPostAsync("/ppm/price/set", new { prices = calls[(int)c] }))
                {
                    Interlocked.Add(ref loaded, calls[(int)c].Length);
                }
                else
                {
                    Interlocked.Increment(ref errors);
                }
            }
        }));
        var elapsed = stopwatch.Elapsed;
        await done.CancelAsync();
        await progress;
        return new LoadResult(loaded, errors, elapsed);
    }

    /// <summary>Percent-off promotions on web: most on one variant each, every twentieth on the whole category (so stacking is exercised).</summary>
    private static async Task<int> PromotionsAsync(BenchApi api, List<string> variants, int count, int concurrency)
    {
        var category = (await api.PostAsync("/pvm/category/get", new { category_code = "shirts" })).GetProperty("category_guid").GetString()!;
        var startsAt = DateTimeOffset.UtcNow.AddSeconds(1);
        var created = new ConcurrentBag<int>();
        long next = -1;
        await Task.WhenAll(Enumerable.Range(0, Math.Min(concurrency, Math.Max(1, count))).Select(async _ =>
        {
            long p;
            while ((p = Interlocked.Increment(ref next)) < count)
            {
                var target = p % 20 == 0
                    ? new { kind = "category", value = category }
                    : new { kind = "variant", value = variants[(int)(p * 7919 % variants.Count)] };
                if (await api.TryPostAsync("/ppm/promotion/create", new
                    {
                        promotion_code = $"promo-{p:D4}", name = $"Promotion {p}", kind = "percent_off", percent = 5 + (p % 20), targets = new[] { target },
                        channels = new[] { "web" }, starts_at = startsAt, priority = (int)(p % 10),
                    }))
                {
                    created.Add((int)p);
                }
            }
        }));
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        return created.Count;
    }
}
