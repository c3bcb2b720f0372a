using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Retail.Bench;

/// <summary>
/// `orders [--variants 300] [--stock 100000] [--lines 3] [--concurrency 64] [--seconds 10] [--warmup 3] [--url http://…]
/// [--operator-key …] [--in-process true|false]`: order placement end to end (issue 15) over real HTTP. Starts its own Release host on a temporary
/// data folder unless <c>--url</c> names a running one; bootstraps an org with a store, the EUR channel <c>web</c>,
/// <c>--variants</c> active variants each priced in a list assigned to <c>web</c>, <c>--stock</c> units of each available
/// at the store, and Germany's 19 % tax policy. Then measures, each phase with <c>--concurrency</c> clients:
/// <c>GET /scm/stat</c>, and orders: <c>/scm/order/create</c> of <c>--lines</c> distinct random variants (priced by PPM's
/// resolve and taxed by the policy inside SCM) → <c>/scm/order/place</c> (one all-or-none reservation in ICS) →
/// <c>/scm/tender/capture</c> of the order's total; one operation is the whole order, its latency the three calls.
/// With its own host it reports the host's CPU milliseconds per order and its RSS. Afterwards it checks every order
/// (placed, captured for its total) and every variant's stock (held = units ordered, held + available = stock, where held is
/// reserved, allocated or committed: the order's saga moves a captured order's holds on).
/// </summary>
internal static class OrderBenchmark
{
    private const string Facility = "store-1";
    private const int VariantsPerStyle = 100;

    public static async Task<int> RunAsync(string[] args)
    {
        var options = new BenchArgs(args);
        var variantCount = options.Int("variants", 300);
        var stock = options.Int("stock", 100_000);
        var lineCount = options.Int("lines", 3);
        var concurrency = options.Int("concurrency", 64);
        var seconds = options.Int("seconds", 10);
        var warmup = options.Int("warmup", 3);
        var url = options.Text("url");
        var operatorKey = options.Text("operator-key") ?? "bench-operator-key";
        var inProcess = options.Text("in-process") ?? "true";
        if (variantCount < lineCount || stock < 1 || lineCount < 1 || concurrency < 1 || seconds < 1)
        {
            Console.Error.WriteLine("orders: --variants ≥ --lines ≥ 1, --stock, --concurrency and --seconds ≥ 1");
            return 2;
        }
        var ownHost = url is null;
        await using var target = await BenchHost.OpenAsync(url, "http://127.0.0.1:5098", operatorKey, concurrency,
            "--Retail:InProcessInvocation", inProcess);
        var client = target.Client;
        var api = new BenchApi(client, operatorKey, "bench-" + Guid.NewGuid().ToString("N")[..10]);
        var setup = Stopwatch.StartNew();
        var variants = await BootstrapAsync(api, variantCount, stock, concurrency);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"orders: {target.Url}, org {api.Orgcode}, {variants.Count:N0} variants × {stock:N0} units at {Facility}, {lineCount} lines an order, " +
            $"{concurrency} concurrent clients, {seconds} s per phase, calls between services {(inProcess == "false" ? "over loopback HTTP" : "in memory")}, {Environment.ProcessorCount} cores (setup {setup.Elapsed.TotalSeconds:N0} s)"));

        var ordered = new long[variants.Count];
        var placed = new ConcurrentBag<(string OrderGuid, long Total)>();
        var failures = new ConcurrentDictionary<string, int>();
        var buyer = new Buyer(api, variants, lineCount, ordered, placed, failures);
        if (warmup > 0)
        {
            Console.WriteLine("warmup " + await HttpBenchmark.PhaseAsync("orders", warmup, concurrency, buyer.OrderAsync, warmup: true));
        }
        var idleFrom = HostSample.Take(target.HostProcessId);
        await Task.Delay(TimeSpan.FromSeconds(5));
        var idleTo = HostSample.Take(target.HostProcessId);
        var idleCores = idleFrom is null || idleTo is null ? 0 : (idleTo.CpuMs - idleFrom.CpuMs) / 5000.0;
        var stat = await HttpBenchmark.PhaseAsync("stat", seconds, concurrency, () => HttpBenchmark.Send(client, HttpMethod.Get, "/scm/stat", null, null));
        Console.WriteLine(stat);
        var before = HostSample.Take(target.HostProcessId);
        var countBefore = placed.Count;
        var orders = await HttpBenchmark.PhaseAsync("orders", seconds, concurrency, buyer.OrderAsync);
        var after = HostSample.Take(target.HostProcessId);
        var measured = placed.Count - countBefore;
        Console.WriteLine(orders);
        var statRate = PhaseReport.Rate(stat);
        var rate = PhaseReport.Rate(orders);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"orders ÷ stat = {rate / statRate:0.000}   ({rate:N0} orders/s, each 3 calls: {rate * 3:N0} requests/s; the peer: 0.6–0.9 orders/s)"));
        if (before is not null && after is not null && measured > 0)
        {
            var cpu = after.CpuMs - before.CpuMs;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"host: {cpu / measured:0.00} CPU ms an order ({cpu / 1000.0 / seconds:0.00} cores busy; idle it uses {idleCores:0.00} cores, so " +
                $"{(cpu - (idleCores * seconds * 1000)) / measured:0.00} ms an order above idle), RSS {after.RssMb:N0} MB (peak {after.PeakRssMb:N0} MB)"));
        }
        else if (!ownHost)
        {
            Console.WriteLine("host: CPU and RSS are measured only for a host the benchmark starts (no --url)");
        }
        foreach (var (why, count) in failures.OrderByDescending(f => f.Value).Take(10))
        {
            Console.WriteLine($"  failed: {count} × {why}");
        }

        var problems = await CheckAsync(api, variants, ordered, placed, stock, concurrency);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"check: {placed.Count:N0} orders placed and captured, {variants.Count:N0} variants' stock reconciled; {problems.Count} problems"));
        foreach (var problem in problems.Take(10))
        {
            Console.WriteLine("  " + problem);
        }
        return problems.Count == 0 && PhaseReport.Errors(orders) == 0 ? 0 : 1;
    }

    /// <summary>One buyer's order: create, place, capture. A failed step is counted by its path and status.</summary>
    private sealed class Buyer(BenchApi api, List<string> variants, int lineCount, long[] ordered, ConcurrentBag<(string, long)> placed,
        ConcurrentDictionary<string, int> failures)
    {
        private const string Rest = """
            "customer":{"email":"buyer@example.com","name":"Buyer"},"delivery":{"method":"ship","address":{"name":"Buyer","line1":"Hauptstr. 1","city":"Berlin","postal_code":"10115","country":"DE"}}}
            """;

        public async Task<bool> OrderAsync()
        {
            var picks = new HashSet<int>();
            while (picks.Count < lineCount)
            {
                picks.Add(Random.Shared.Next(variants.Count));
            }
            var lines = string.Join(",", picks.Select(i => $$"""{"variant_guid":"{{variants[i]}}","quantity":1}"""));
            var create = Encoding.UTF8.GetBytes($$"""{"channel_code":"web","lines":[{{lines}}],{{Rest}}""");
            var (status, order) = await api.SendJsonAsync("/scm/order/create", create);
            if (status != HttpStatusCode.Created || order is not { } created)
            {
                return Failed("create", status);
            }
            var guid = created.GetProperty("order_guid").GetString()!;
            var revision = created.GetProperty("revision").GetInt64();
            var total = created.GetProperty("totals").GetProperty("total_minor").GetInt64();
            (status, _) = await api.SendJsonAsync("/scm/order/place",
                Encoding.UTF8.GetBytes($$"""{"order_guid":"{{guid}}","expected_revision":{{revision}}}"""), readBody: false);
            if (status != HttpStatusCode.OK)
            {
                return Failed("place", status);
            }
            foreach (var i in picks)
            {
                Interlocked.Increment(ref ordered[i]);
            }
            (status, _) = await api.SendJsonAsync("/scm/tender/capture",
                Encoding.UTF8.GetBytes($$"""{"order_guid":"{{guid}}","amount_minor":{{total}},"payment_method_token":"tok_approve"}"""), readBody: false);
            if (status is not (HttpStatusCode.OK or HttpStatusCode.Created))
            {
                return Failed("capture", status);
            }
            placed.Add((guid, total));
            return true;
        }

        private bool Failed(string step, HttpStatusCode status)
        {
            failures.AddOrUpdate($"{step} {(int)status}", 1, (_, n) => n + 1);
            return false;
        }
    }

    /// <summary>The org, a store and <c>web</c>, the catalog, the variants priced in list <c>eur</c> with stock, and DE's tax policy.</summary>
    private static async Task<List<string>> BootstrapAsync(BenchApi api, int count, long stock, int concurrency)
    {
        await api.StoresAsync(Facility);
        await api.WebChannelAsync(Facility);
        await api.CatalogAsync(VariantsPerStyle);
        await api.PostAsync("/ppm/price-list/set", new { price_list_code = "eur", name = "EUR list", currency = "EUR" });
        await api.PostAsync("/ppm/price-list/assign", new { channel_code = "web", price_list_code = "eur", priority = 1 });
        await api.PostAsync("/scm/tax/policy/set",
            new { jurisdiction = "DE", rates = new[] { new { tax_category = "standard", rate_percent = 19m } }, inclusive = false });
        var variants = await api.VariantsAsync(count, VariantsPerStyle, concurrency);
        foreach (var chunk in variants.Select((v, i) => new { variant_guid = v, price_list_code = "eur", amount_minor = 1_000 + (i % 9_000), currency = "EUR" })
                     .Chunk(1_000))
        {
            await api.PostAsync("/ppm/price/set", new { prices = chunk });
        }
        await BenchApi.ForEachAsync((variants.Count + 99) / 100, concurrency, async b => await api.PostAsync("/ics/receive/record", new
        {
            facility_code = Facility,
            reference = new { kind = "po", id = $"po-{b}" },
            lines = variants.Skip((int)b * 100).Take(100).Select(v => new { variant_guid = v, quantity = stock, state = "available" }).ToArray(),
        }));
        // PPM prices (and ICS holds) variants its projection of PVM knows: wait until it knows the last one created.
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var answer = await api.PostAsync("/ppm/price/resolve", new { channel_code = "web", lines = variants.TakeLast(50).Select(v => new { variant_guid = v, quantity = 1 }) });
            if (answer.GetProperty("lines").EnumerateArray().All(l => l.TryGetProperty("amount_minor", out _) || l.TryGetProperty("unit_minor", out _)
                    || !l.TryGetProperty("reason", out var reason) || reason.GetString() != "unknown_variant"))
            {
                break;
            }
            if (deadline.Elapsed > TimeSpan.FromMinutes(2))
            {
                throw new InvalidOperationException("PPM did not learn the bench variants within 2 minutes");
            }
            await Task.Delay(200);
        }
        return variants;
    }

    /// <summary>Every order placed and captured for its total; every variant's stock: reserved = units ordered, available + reserved = stock.</summary>
    private static async Task<List<string>> CheckAsync(BenchApi api, List<string> variants, long[] ordered, ConcurrentBag<(string OrderGuid, long Total)> placed,
        long stock, int concurrency)
    {
        var problems = new ConcurrentBag<string>();
        var orders = placed.ToList();
        await BenchApi.ForEachAsync(orders.Count, concurrency, async i =>
        {
            var (guid, total) = orders[(int)i];
            var order = await api.PostAsync("/scm/order/get", new { order_guid = guid });
            var status = order.GetProperty("status").GetString();
            var captured = order.GetProperty("captured_minor").GetInt64();
            if (status is not ("placed" or "partially_fulfilled") || captured != total)
            {
                problems.Add($"order {guid}: {status}, captured {captured} of {total}");
            }
        });
        await BenchApi.ForEachAsync(variants.Count, concurrency, async i =>
        {
            var view = await api.PostAsync("/ics/stock/reconcile", new { facility_code = Facility, variant_guid = variants[(int)i] });
            // The sagas still move holds on while the check runs; a position read mid-move is read again once they settle.
            for (var again = 0; again < 20 && !view.GetProperty("agrees").GetBoolean(); again++)
            {
                await Task.Delay(500);
                view = await api.PostAsync("/ics/stock/reconcile", new { facility_code = Facility, variant_guid = variants[(int)i] });
            }
            var stored = view.GetProperty("stored");
            long Of(string state) => stored.TryGetProperty(state, out var v) ? v.GetInt64() : 0;
            // The saga moves a captured order's holds on (reserved → allocated → committed) while the check runs.
            var (available, held) = (Of("available"), Of("reserved") + Of("allocated") + Of("committed"));
            if (!view.GetProperty("agrees").GetBoolean() || held != Interlocked.Read(ref ordered[i]) || available + held != stock)
            {
                problems.Add($"{variants[(int)i]}: {available} available + {held} reserved, allocated or committed of {stock}, {ordered[i]} units ordered, " +
                             $"ledger agrees {view.GetProperty("agrees").GetBoolean()}");
            }
        });
        return [.. problems];
    }
}

/// <summary>The host's CPU time and memory from /proc (Linux), for a host the benchmark started.</summary>
internal sealed record HostSample(double CpuMs, double RssMb, double PeakRssMb)
{
    public static HostSample? Take(int? pid)
    {
        if (pid is null || !File.Exists($"/proc/{pid}/stat"))
        {
            return null;
        }
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // utime and stime are fields 14 and 15 of /proc/PID/stat (1-based), i.e. 11 and 12 after "pid (comm) ".
        var ticks = double.Parse(fields[11], CultureInfo.InvariantCulture) + double.Parse(fields[12], CultureInfo.InvariantCulture);
        var status = File.ReadAllLines($"/proc/{pid}/status");
        double Kb(string name) => double.Parse(status.First(l => l.StartsWith(name, StringComparison.Ordinal)).Split(':')[1].Trim().Split(' ')[0],
            CultureInfo.InvariantCulture);
        return new HostSample(ticks * 1000.0 / 100.0, Kb("VmRSS") / 1024.0, Kb("VmHWM") / 1024.0);
    }
}
