using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Retail.Bench;

/// <summary>
/// `storefront [--variants 100000] [--per-style 10] [--concurrency 32] [--seconds 10] [--settle 60] [--url http://… [--org bench-…]] [--operator-key …]`:
/// PMC (issue 14) over real HTTP. Starts its own Release host on a temporary data folder unless <c>--url</c> names a running
/// one; bootstraps an org with a sales channel <c>web</c>, five brands and ten categories, creates <c>--variants</c> active
/// variants (styles of <c>--per-style</c>, each variant with a GTIN-13 barcode, style names drawn from a small vocabulary
/// so text search has something to find) and prices every variant on <c>web</c>'s EUR list. Then publishes the whole
/// catalog in one run (selector <c>all</c>, <c>go_online</c>) and reports variants/s with the run's progress; then, for
/// <c>--seconds</c> each at <c>--concurrency</c> clients: <c>GET /pmc/stat</c>, <c>/pmc/product/list</c> (20 products with
/// prices; no filter, a brand, a category or a price range, each with a sort) and <c>/pmc/product/search</c> (one or two
/// words, facets). Goals: list ≥ 5,000 req/s with p99 ≤ 20 ms; search with facets p99 ≤ 50 ms.
/// </summary>
internal static class StorefrontBenchmark
{
    private const int PricesPerCall = 1_000;
    private static readonly string[] Brands = ["northwind", "contoso", "fabrikam", "tailspin", "woodgrove"];
    private static readonly string[] Categories = ["c01", "c02", "c03", "c04", "c05", "c06", "c07", "c08", "c09", "c10"];
    private static readonly string[] Adjectives = ["classic", "linen", "merino", "organic", "relaxed", "slim", "vintage", "summer", "winter", "heavy"];
    private static readonly string[] Nouns = ["tee", "shirt", "hoodie", "sweater", "polo", "jacket", "blouse", "tunic", "vest", "cardigan"];
    private static readonly string[] Colours = ["red", "navy", "olive", "sand", "black", "white", "teal", "rust"];
    private static readonly string[] Sorts = ["name", "price_asc", "price_desc", "newest"];

    public static async Task<int> RunAsync(string[] args)
    {
        var options = new BenchArgs(args);
        var variantCount = options.Int("variants", 100_000);
        var perStyle = options.Int("per-style", 10);
        var concurrency = options.Int("concurrency", 32);
        var seconds = options.Int("seconds", 10);
        var url = options.Text("url");
        var operatorKey = options.Text("operator-key") ?? "bench-operator-key";
        if (variantCount < perStyle || perStyle is < 1 or > 99 || concurrency < 1 || seconds < 1)
        {
            Console.Error.WriteLine("storefront: --variants ≥ --per-style, --per-style 1–99, --concurrency and --seconds ≥ 1");
            return 2;
        }
        await using var target = await BenchHost.OpenAsync(url, "http://127.0.0.1:5098", operatorKey, concurrency);
        var client = target.Client;
        // --org names an org a previous run loaded and published (on a host kept running): only the phases run.
        var reuse = options.Text("org");
        var api = new BenchApi(client, operatorKey, reuse ?? "bench-" + Guid.NewGuid().ToString("N")[..10]);
        if (reuse is null && !await LoadAndPublishAsync(api, variantCount, perStyle, concurrency, seconds, target.Url))
        {
            return 1;
        }

        var headers = new Dictionary<string, string> { ["x-orgcode"] = api.Orgcode };
        if (reuse is not null)
        {
            // A misspelt or foreign --org answers every request with a problem: say so once, rather than measure how fast
            // the host refuses (a phase of nothing but errors is not a figure).
            try
            {
                var stats = await api.PostAsync("/pmc/build/stats", new { });
                var web = stats.GetProperty("items").EnumerateArray().FirstOrDefault(i => i.GetProperty("channel_code").GetString() == "web");
                var online = web.ValueKind == JsonValueKind.Object ? web.GetProperty("online_products").GetInt64() : 0;
                if (online == 0)
                {
                    Console.Error.WriteLine($"storefront: org {api.Orgcode} has no online products in channel web; load it first (a run without --org)");
                    return 2;
                }
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"storefront: {target.Url}, org {api.Orgcode}, {online:N0} online products in web, {concurrency} concurrent clients, {seconds} s per phase"));
            }
            catch (InvalidOperationException ex)
            {
                Console.Error.WriteLine($"storefront: org {api.Orgcode} cannot be read: {ex.Message}");
                return 2;
            }
        }
        // The run leaves a backlog of CDC and business events (every run item, revision and product record) for the dispatcher;
        // let it drain before measuring, or the phases measure it too.
        var settle = options.Int("settle", reuse is null ? 60 : 0);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"settling {settle} s before the measured phases (--settle)"));
        await Task.Delay(TimeSpan.FromSeconds(settle));
        // Unmeasured warm-up of each request kind, so the measured phases see steady-state code (tiered JIT), not the host's first seconds.
        await HttpBenchmark.PhaseAsync("warm", 3, concurrency, () => HttpBenchmark.Send(client, HttpMethod.Get, "/pmc/stat", null, null), warmup: true);
        await HttpBenchmark.PhaseAsync("warm", 3, concurrency, () => HttpBenchmark.Send(client, HttpMethod.Post, "/pmc/product/list", ListBody(), operatorKey, headers), warmup: true);
        await HttpBenchmark.PhaseAsync("warm", 3, concurrency, () => HttpBenchmark.Send(client, HttpMethod.Post, "/pmc/product/search", SearchBody(), operatorKey, headers), warmup: true);
        var stat = await HttpBenchmark.PhaseAsync("stat", seconds, concurrency, () => HttpBenchmark.Send(client, HttpMethod.Get, "/pmc/stat", null, null));
        Console.WriteLine(stat);
        var list = await HttpBenchmark.PhaseAsync("list", seconds, concurrency, () =>
            HttpBenchmark.Send(client, HttpMethod.Post, "/pmc/product/list", ListBody(), operatorKey, headers));
        Console.WriteLine(list);
        var search = await HttpBenchmark.PhaseAsync("search", seconds, concurrency, () =>
            HttpBenchmark.Send(client, HttpMethod.Post, "/pmc/product/search", SearchBody(), operatorKey, headers));
        Console.WriteLine(search);
        var errors = PhaseReport.Errors(list) + PhaseReport.Errors(search);
        if (errors > 0)
        {
            Console.WriteLine($"NOT A RESULT: {errors:N0} requests failed in the measured phases");
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"list {PhaseReport.Rate(list):N0} req/s = {PhaseReport.Rate(list) / PhaseReport.Rate(stat):0.000} × stat, p99 {PhaseReport.P99(list):N3} ms " +
            $"(goal ≥ 5,000 req/s, p99 ≤ 20 ms)   search+facets p99 {PhaseReport.P99(search):N3} ms (goal ≤ 50 ms)"));
        return errors == 0 ? 0 : 1;
    }

    /// <summary>The org, its catalog and prices, and one publish run of all of it; false when the run did not complete.</summary>
    private static async Task<bool> LoadAndPublishAsync(BenchApi api, int variantCount, int perStyle, int concurrency, int seconds, string url)
    {
        var setup = Stopwatch.StartNew();
        await BootstrapAsync(api, perStyle);
        var variants = await VariantsAsync(api, variantCount, perStyle, concurrency);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"storefront: {url}, org {api.Orgcode}, {variants.Count:N0} variants in styles of {perStyle}, {concurrency} concurrent clients, " +
            $"{seconds} s per phase, {Environment.ProcessorCount} cores (catalog {setup.Elapsed.TotalSeconds:N0} s)"));
        var priced = Stopwatch.StartNew();
        await PricesAsync(api, variants, concurrency);
        await PricedAsync(api, variants[^1]);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"priced {variants.Count:N0} variants in {priced.Elapsed.TotalSeconds:N0} s"));

        return await PublishAsync(api, variants.Count);
    }

    /// <summary>A first page of 20: no filter, a brand, a category or a price range (a quarter each), in one of the sorts.</summary>
    private static byte[] ListBody()
    {
        var filter = Random.Shared.Next(4) switch
        {
            0 => "",
            1 => $",\"brand_code\":\"{Brands[Random.Shared.Next(Brands.Length)]}\"",
            2 => $",\"category_code\":\"{Categories[Random.Shared.Next(Categories.Length)]}\"",
            _ => $",\"price_min_minor\":{1_000 + Random.Shared.Next(4_000)},\"price_max_minor\":{6_000 + Random.Shared.Next(4_000)}",
        };
        return Encoding.UTF8.GetBytes($"{{\"channel_code\":\"web\",\"limit\":20,\"sort\":\"{Sorts[Random.Shared.Next(Sorts.Length)]}\"{filter}}}");
    }

    /// <summary>One or two words of the names' vocabulary, with facet counts over all matches.</summary>
    private static byte[] SearchBody()
    {
        var q = Random.Shared.Next(2) == 0
            ? Nouns[Random.Shared.Next(Nouns.Length)]
            : $"{Adjectives[Random.Shared.Next(Adjectives.Length)]} {Nouns[Random.Shared.Next(Nouns.Length)]}";
        return Encoding.UTF8.GetBytes($"{{\"channel_code\":\"web\",\"q\":\"{q}\",\"facets\":true,\"limit\":20}}");
    }

    /// <summary>The org, one store, the channel <c>web</c> with an EUR list, PVM's setup, and the extra brands and categories.</summary>
    private static async Task BootstrapAsync(BenchApi api, int perStyle)
    {
        await api.StoresAsync("store-1");
        await api.WebChannelAsync("store-1");
        await api.CatalogAsync(perStyle);
        foreach (var brand in Brands.Skip(1))
        {
            await api.PostAsync("/pvm/brand", new { brand_code = brand, name = char.ToUpperInvariant(brand[0]) + brand[1..] });
            await api.PostAsync("/pvm/brand/link/add", new { brand_code = brand, supplier_kind = "vendor", supplier_code = "acme", primary = true });
            await api.PostAsync("/pvm/brand/link/add", new { brand_code = brand, supplier_kind = "manufacturer", supplier_code = "mill", primary = true });
        }
        foreach (var category in Categories)
        {
            await api.PostAsync("/pvm/category", new { category_code = category, department_code = "tops", name = $"Category {category}" });
        }
        await api.PostAsync("/ppm/price-list/set", new { price_list_code = "eur", name = "Euro list", currency = "EUR" });
        await api.PostAsync("/ppm/price-list/assign", new { channel_code = "web", price_list_code = "eur", priority = 1 });
    }

    /// <summary>Styles of <paramref name="perStyle"/> active variants with barcodes, by <paramref name="concurrency"/> clients a style at a time.</summary>
    private static async Task<List<string>> VariantsAsync(BenchApi api, int count, int perStyle, int concurrency)
    {
        var styles = (count + perStyle - 1) / perStyle;
        var guids = new string?[count];
        long made = 0;
        var stopwatch = Stopwatch.StartNew();
        await BenchApi.ForEachAsync(styles, concurrency, async s =>
        {
            var styleCode = $"st{s:D6}";
            var name = $"{Adjectives[s % Adjectives.Length]} {Nouns[s / Adjectives.Length % Nouns.Length]} {Colours[s % Colours.Length]} {s}";
            await api.PostAsync("/pvm/style", new
            {
                style_code = styleCode,
                name,
                description = $"A {name} for every day, made to last.",
                brand_code = Brands[s % Brands.Length],
                primary_vendor_code = "acme",
                primary_manufacturer_code = "mill",
                category_code = Categories[s % Categories.Length],
                ogm_guid = api.OgmGuid,
            });
            await api.PostAsync("/pvm/style/status", new { style_code = styleCode, status = "active", expected_revision = 1 });
            for (var v = 0; v < perStyle && (s * perStyle) + v < count; v++)
            {
                var index = (s * perStyle) + v;
                var variant = await api.PostAsync("/pvm/variant", new
                {
                    style_code = styleCode,
                    variant_code = $"{styleCode}-{BenchApi.SizeCode(v)}",
                    options = new[] { new { option_group_code = "size", option_code = BenchApi.SizeCode(v) } },
                    status = "active",
                    barcodes = new[] { new { barcode = Gtin13(400_000_000_000 + index), primary = true } },
                });
                guids[index] = variant.GetProperty("variant_guid").GetString();
                if (Interlocked.Increment(ref made) % 10_000 == 0)
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {made:N0}/{count:N0} variants, {made / stopwatch.Elapsed.TotalSeconds:N0}/s"));
                }
            }
        });
        return [.. guids.Select(g => g!)];
    }

    /// <summary>A valid GTIN-13 from a 12-digit payload.</summary>
    private static string Gtin13(long payload)
    {
        var digits = payload.ToString("D12", CultureInfo.InvariantCulture);
        var sum = 0;
        for (var i = 0; i < 12; i++)
        {
            sum += (digits[i] - '0') * (i % 2 == 0 ? 1 : 3);
        }
        return digits + ((10 - (sum % 10)) % 10).ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>One EUR price per variant on <c>eur</c>, 1,000 a call.</summary>
    private static async Task PricesAsync(BenchApi api, List<string> variants, int concurrency)
    {
        var calls = variants.Select((v, i) => (object)new { variant_guid = v, price_list_code = "eur", amount_minor = 1_000 + (i * 37 % 9_000), currency = "EUR" })
            .Chunk(PricesPerCall).ToList();
        long failed = 0;
        await BenchApi.ForEachAsync(calls.Count, concurrency, async c =>
        {
            if (!await api.TryPostAsync("/ppm/price/set", new { prices = calls[(int)c] }))
            {
                Interlocked.Increment(ref failed);
            }
        });
        if (failed > 0)
        {
            throw new InvalidOperationException($"{failed} price calls failed");
        }
    }

    /// <summary>Until PPM's projection of PVM's variants has caught up with the last variant made.</summary>
    private static async Task PricedAsync(BenchApi api, string variant)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromMinutes(10))
        {
            var answer = await api.PostAsync("/ppm/price/resolve", new { channel_code = "web", lines = new[] { new { variant_guid = variant, quantity = 1 } } });
            if (answer.GetProperty("lines")[0].GetProperty("priced").GetBoolean())
            {
                return;
            }
            await Task.Delay(1_000);
        }
        throw new TimeoutException("PPM did not learn of the variants within 10 minutes");
    }

    /// <summary>One run over everything, taken online when done; progress every 5 s; answers whether it completed with every variant published.</summary>
    private static async Task<bool> PublishAsync(BenchApi api, int variantCount)
    {
        var stopwatch = Stopwatch.StartNew();
        var run = await api.PostAsync("/pmc/publish/run/start", new
        {
            channel_code = "web", selector = new { kind = "all" }, reason = "Benchmark: publish the whole catalog", mode = "auto", go_online = true,
        });
        var runGuid = run.GetProperty("run_guid").GetString()!;
        while (true)
        {
            await Task.Delay(5_000);
            run = await api.PostAsync("/pmc/publish/run/get", new { run_guid = runGuid });
            var status = run.GetProperty("status").GetString();
            var counts = run.GetProperty("counts");
            var published = counts.GetProperty("variants_published").GetInt32();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  publish: {status}, stage {run.GetProperty("stage").GetString()}, styles {counts.GetProperty("styles_selected").GetInt32():N0} selected / " +
                $"{counts.GetProperty("styles_evaluated").GetInt32():N0} evaluated, variants {published:N0} published / {counts.GetProperty("variants_excluded").GetInt32():N0} excluded, " +
                $"{counts.GetProperty("revisions_written").GetInt32():N0} revisions, {stopwatch.Elapsed.TotalSeconds:N0} s"));
            if (status is "completed" or "failed" or "cancelled")
            {
                var elapsed = stopwatch.Elapsed.TotalSeconds;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"published {published:N0} of {variantCount:N0} variants in {elapsed:N1} s: {published / elapsed:N0} variants/s ({status})"));
                return status == "completed" && published == variantCount;
            }
        }
    }
}
