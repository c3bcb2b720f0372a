using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Retail.Bench;

/// <summary>
/// `import [--count 100000] [--prices 3] [--jobs 2] [--slice 1000] [--seconds 5] [--entity vendor] [--url http://…] [--operator-key …]`: IPM's bulk import
/// (issue 19, goal ≥ 10,000 records/s). Starts its own Release host (larger request and MRS limits) on a temporary data folder
/// unless <c>--url</c> names a running one. Sets up PVM's catalogue prerequisites, imports <c>--count</c>/10 styles through IPM,
/// then, measured: <c>--count</c> variants with a barcode each and <c>--prices</c> prices per variant, NDJSON files in MRS split
/// over <c>--jobs</c> concurrent import jobs of the same entity, each continued slice by slice until done, then committed with its
/// reconciliation. Records/s is printed beside <c>GET /ipm/stat</c> of the same run. <c>--entity vendor</c> imports <c>--count</c>
/// vendors instead (no catalogue setup).
/// </summary>
internal static class ImportBenchmark
{
    private const int VariantsPerStyle = 10;

    public static async Task<int> RunAsync(string[] args)
    {
        var options = new BenchArgs(args);
        var count = options.Int("count", 100_000);
        var pricesPerVariant = options.Int("prices", 3);
        var jobs = options.Int("jobs", 2);
        var slice = options.Int("slice", 1000);
        var seconds = options.Int("seconds", 5);
        var url = options.Text("url");
        var operatorKey = options.Text("operator-key") ?? "bench-operator-key";
        var vendorsOnly = options.Text("entity") == "vendor";
        if (count < VariantsPerStyle || pricesPerVariant is < 0 or > 3 || jobs < 1 || slice is < 1 or > 1000 || seconds < 1)
        {
            Console.Error.WriteLine($"usage: --count ≥ {VariantsPerStyle}, --prices 0–3, --jobs ≥ 1, --slice 1–1000, --seconds ≥ 1");
            return 2;
        }
        await using var target = await BenchHost.OpenAsync(url, "http://127.0.0.1:5098", operatorKey, 16,
            "--Retail:MaxRequestBodyBytes", "134217728", "--Mrs:MaxUploadBytes", "134217728", "--Mrs:MaxDecompressedBytes", "536870912");
        var api = new BenchApi(target.Client, operatorKey, "bench-imp-" + Guid.NewGuid().ToString("N")[..8]);
        await api.CreateOrgAsync();
        await api.CatalogAsync(VariantsPerStyle);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"import: {target.Url}, {count:N0} variants with barcodes and {count * pricesPerVariant:N0} prices, {jobs} jobs per entity, slices of {slice}, {Environment.ProcessorCount} cores"));

        var problems = new List<string>();
        if (!vendorsOnly)
        {
            await StylesAsync(api, (count + VariantsPerStyle - 1) / VariantsPerStyle);
        }
        foreach (var list in PriceLists.Take(pricesPerVariant))
        {
            await api.PostAsync("/ppm/price-list/set", new { price_list_code = list, name = list, currency = "EUR" });
        }

        var stat = await HttpBenchmark.PhaseAsync("stat", seconds, 8, () => HttpBenchmark.Send(target.Client, HttpMethod.Get, "/ipm/stat", null, operatorKey));
        Console.WriteLine(stat);

        var before = HostSample.Take(target.HostProcessId);
        if (vendorsOnly)
        {
            // Where the port loads no variants or prices yet: the same path with --count vendors.
            var vendors = await ImportAsync(api, target, "pvm.vendor", Vendors(count), jobs, slice, problems);
            Console.WriteLine(vendors.Report("vendors"));
            var sample = HostSample.Take(target.HostProcessId);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"import: {vendors.Records:N0} records = {vendors.Records / vendors.Elapsed.TotalSeconds:N0} records/s (goal 10,000); one record ÷ one stat = {vendors.Records / vendors.Elapsed.TotalSeconds / PhaseReport.Rate(stat):0.0000}"));
            if (before is not null && sample is not null)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"host: {(sample.CpuMs - before.CpuMs) / vendors.Records * 1000:0.0} CPU ms per 1,000 records, RSS {sample.RssMb:N0} MB (peak {sample.PeakRssMb:N0} MB)"));
            }
            problems.ForEach(p => Console.WriteLine("  problem: " + p));
            return problems.Count == 0 ? 0 : 1;
        }
        var variants = await ImportAsync(api, target, "pvm.variant", Variants(count), jobs, slice, problems);
        Console.WriteLine(variants.Report("variants"));
        // Prices name their variant by guid: read them (not measured) between the two imports.
        var guids = await VariantGuidsAsync(api, (count + VariantsPerStyle - 1) / VariantsPerStyle);
        var prices = pricesPerVariant == 0 ? ImportRun.None : await ImportAsync(api, target, "ppm.price", Prices(count, pricesPerVariant, guids), jobs, slice, problems);
        Console.WriteLine(prices.Report("prices"));
        var after = HostSample.Take(target.HostProcessId);

        var records = variants.Records + prices.Records;
        var elapsed = variants.Elapsed + prices.Elapsed;
        var rate = records / elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"import: {records:N0} records in {elapsed.TotalSeconds:N1} s = {rate:N0} records/s (goal 10,000); one record ÷ one stat = {rate / PhaseReport.Rate(stat):0.0000}"));
        if (before is not null && after is not null && records > 0)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"host: {(after.CpuMs - before.CpuMs) / records * 1000:0.0} CPU ms per 1,000 records, RSS {after.RssMb:N0} MB (peak {after.PeakRssMb:N0} MB)"));
        }
        foreach (var problem in problems.Take(20))
        {
            Console.WriteLine("  problem: " + problem);
        }
        return problems.Count == 0 ? 0 : 1;
    }

    /// <summary>What the import of one entity took: records, the time from the first upload to the last commit, and the slices' latency.</summary>
    private sealed record ImportRun(long Records, TimeSpan Elapsed, long Created, long Rejected, PhaseResult Slices)
    {
        public static readonly ImportRun None = new(0, TimeSpan.Zero, 0, 0, new PhaseResult("slice"));

        public string Report(string what) => string.Create(CultureInfo.InvariantCulture,
            $"{what}: {Records:N0} records ({Created:N0} created, {Rejected:N0} rejected) in {Elapsed.TotalSeconds:N1} s = {(Elapsed > TimeSpan.Zero ? Records / Elapsed.TotalSeconds : 0):N0} records/s; slices: {Slices.Report(Elapsed, record: !ReferenceEquals(this, None))}");
    }

    /// <summary>Splits the lines over <paramref name="jobs"/> files, uploads them, and runs one import job per file concurrently to its commit.</summary>
    private static async Task<ImportRun> ImportAsync(BenchApi api, BenchHost target, string entity, IReadOnlyList<string> lines, int jobs, int slice,
        List<string> problems)
    {
        var files = Enumerable.Range(0, jobs).Select(j => string.Join('\n', lines.Where((_, i) => i % jobs == j))).Where(f => f.Length > 0).ToList();
        var slices = new PhaseResult(entity + " slices");
        long created = 0, rejected = 0, retries = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(files.Select(async text =>
        {
            var content = Encoding.UTF8.GetBytes(text + "\n");
            var (recordGuid, sha256) = await UploadAsync(api, target, content);
            var job = await api.PostAsync("/ipm/bulk/import/create",
                new { entity, schema_version = 1, file_record_guid = recordGuid, sha256, format = "ndjson", slice_size = slice, dry_run = false });
            var jobGuid = job.GetProperty("job_guid").GetString();
            var token = job.GetProperty("continuation_token").GetString();
            var ticks = new List<long>();
            while (token is not null)
            {
                var started = Stopwatch.GetTimestamp();
                var body = JsonSerializer.SerializeToUtf8Bytes(new { job_guid = jobGuid, continuation_token = token });
                var (status, answer) = await api.SendJsonAsync("/ipm/bulk/import/continue", body);
                // A 503 says nothing was committed and the same token may be sent again (the target's calls carry
                // idempotency keys): a client retries, and so does the benchmark, a few times, counting each retry.
                for (var attempt = 1; status == HttpStatusCode.ServiceUnavailable && attempt <= 5; attempt++)
                {
                    Interlocked.Increment(ref retries);
                    await Task.Delay(TimeSpan.FromSeconds(attempt));
                    (status, answer) = await api.SendJsonAsync("/ipm/bulk/import/continue", body);
                }
                if (status != HttpStatusCode.OK || answer is not { } next)
                {
                    lock (problems)
                    {
                        problems.Add($"{entity}: continue answered {(int)status}");
                    }
                    return;
                }
                ticks.Add(Stopwatch.GetTimestamp() - started);
                token = next.GetProperty("continuation_token").GetString();
                job = next.GetProperty("job");
            }
            slices.Merge(ticks, 0);
            var counts = job.GetProperty("counts");
            Interlocked.Add(ref created, counts.GetProperty("created").GetInt64());
            Interlocked.Add(ref rejected, counts.GetProperty("rejected").GetInt64());
            if (counts.GetProperty("rejected").GetInt64() > 0)
            {
                var quarantine = await api.PostAsync("/ipm/bulk/job/get", new { job_guid = jobGuid, include_quarantine = true, limit = 3 });
                lock (problems)
                {
                    problems.Add($"{entity}: {counts.GetProperty("rejected").GetInt64():N0} rejected, e.g. {quarantine.GetProperty("quarantine").GetProperty("items")}");
                }
            }
            var committed = await api.PostAsync("/ipm/bulk/import/commit",
                new { job_guid = jobGuid, accept_quarantine = true, expected_revision = job.GetProperty("revision").GetInt64() });
            if (!committed.GetProperty("report").GetProperty("matched").GetBoolean())
            {
                lock (problems)
                {
                    problems.Add($"{entity}: reconciliation did not match: {committed.GetProperty("report")}");
                }
            }
        }));
        if (retries > 0)
        {
            Console.WriteLine($"{entity}: {retries} continue calls answered 503 and were retried");
        }
        return new ImportRun(lines.Count, clock.Elapsed, created, rejected, slices);
    }

    /// <summary>A file into MRS as a client uploads it: gzip, presigned PUT, complete.</summary>
    private static async Task<(string RecordGuid, string Sha256)> UploadAsync(BenchApi api, BenchHost target, byte[] content)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(content);
        }
        var body = buffer.ToArray();
        var created = await api.PostAsync("/mrs/record",
            new { content_type = "application/x-ndjson", size_bytes = body.Length, md5 = Convert.ToHexStringLower(MD5.HashData(body)), name = "bench-import" });
        var record = created.GetProperty("record");
        using (var put = new HttpRequestMessage(HttpMethod.Put, new Uri(created.GetProperty("upload").GetProperty("url").GetString()!).PathAndQuery)
        {
            Content = new ByteArrayContent(body),
        })
        using (var uploaded = await target.Client.SendAsync(put))
        {
            uploaded.EnsureSuccessStatusCode();
        }
        await api.PostAsync("/mrs/record/complete", new { record_guid = record.GetProperty("record_guid").GetString(), expected_revision = record.GetProperty("revision").GetInt64() });
        return (record.GetProperty("record_guid").GetString()!, Convert.ToHexStringLower(SHA256.HashData(content)));
    }

    private static readonly string[] PriceLists = ["retail-eur", "outlet-eur", "staff-eur"];

    private static IReadOnlyList<string> Vendors(int count) =>
        [.. Enumerable.Range(0, count).Select(v => JsonSerializer.Serialize(new { vendor_code = $"v{v:D7}", name = $"Vendor {v}", country = "DE" }))];

    private static string StyleCode(long s) => $"st{s:D6}";

    private static string VariantCode(long v) => $"{StyleCode(v / VariantsPerStyle)}-{BenchApi.SizeCode((int)(v % VariantsPerStyle))}";

    /// <summary>The styles the variants belong to, active, through PVM's API (setup, not measured).</summary>
    private static Task StylesAsync(BenchApi api, int count) => BenchApi.ForEachAsync(count, 8, async s =>
    {
        await api.PostAsync("/pvm/style", new
        {
            style_code = StyleCode(s),
            name = $"Style {s}",
            brand_code = "northwind",
            primary_vendor_code = "acme",
            primary_manufacturer_code = "mill",
            category_code = "shirts",
            ogm_guid = api.OgmGuid,
        });
        await api.PostAsync("/pvm/style/status", new { style_code = StyleCode(s), status = "active", expected_revision = 1 });
    });

    /// <summary>Every variant's guid by its code, read a style at a time (PVM lists variants of one style).</summary>
    private static async Task<IReadOnlyDictionary<string, string>> VariantGuidsAsync(BenchApi api, int styles)
    {
        var guids = new System.Collections.Concurrent.ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        await BenchApi.ForEachAsync(styles, 8, async s =>
        {
            var page = await api.PostAsync("/pvm/variant/list", new { style_code = StyleCode(s), limit = 50 });
            foreach (var variant in page.GetProperty("items").EnumerateArray())
            {
                guids[variant.GetProperty("variant_code").GetString()!] = variant.GetProperty("variant_guid").GetString()!;
            }
        });
        return guids;
    }

    /// <summary>GTIN-13 with its check digit, unique per variant.</summary>
    private static string Gtin13(long n)
    {
        var digits = (400_000_000_000 + n).ToString("D12", CultureInfo.InvariantCulture);
        var sum = digits.Select((c, i) => (c - '0') * (i % 2 == 0 ? 1 : 3)).Sum();
        return digits + ((10 - sum % 10) % 10).ToString(CultureInfo.InvariantCulture);
    }

    private static IReadOnlyList<string> Variants(int count) =>
        [.. Enumerable.Range(0, count).Select(v => JsonSerializer.Serialize(new
        {
            style_code = StyleCode(v / VariantsPerStyle),
            variant_code = VariantCode(v),
            options = new[] { new { option_group_code = "size", option_code = BenchApi.SizeCode(v % VariantsPerStyle) } },
            status = "active",
            barcodes = new[] { new { barcode = Gtin13(v), symbology = "gtin13", primary = true } },
        }))];

    private static IReadOnlyList<string> Prices(int count, int perVariant, IReadOnlyDictionary<string, string> guids) =>
        [.. Enumerable.Range(0, count).SelectMany(v => PriceLists.Take(perVariant).Select((list, p) => JsonSerializer.Serialize(new
        {
            variant_guid = guids.GetValueOrDefault(VariantCode(v), "missing"),
            price_list_code = list,
            amount_minor = 1999 - p * 200,
            currency = "EUR",
            effective_from = "2026-01-01T00:00:00Z",
        })))];
}
