using Retail.Bench;

// Each benchmark is a command in its own file; add a line here to register another.
var commands = new Dictionary<string, Func<string[], Task<int>>>(StringComparer.OrdinalIgnoreCase)
{
    ["store"] = StoreBenchmark.RunAsync,
    ["http"] = HttpBenchmark.RunAsync,
    ["bus"] = BusBenchmark.RunAsync,
    ["lists"] = ListBenchmark.RunAsync,
    ["catalog"] = CatalogBenchmark.RunAsync,
    ["reservations"] = ReservationBenchmark.RunAsync,
    ["pricing"] = PricingBenchmark.RunAsync,
    ["storefront"] = StorefrontBenchmark.RunAsync,
    ["orders"] = OrderBenchmark.RunAsync,
    ["usage"] = UsageBenchmark.RunAsync,
    ["import"] = ImportBenchmark.RunAsync,
};

if (args.Length > 0 && string.Equals(args[0], "report", StringComparison.OrdinalIgnoreCase))
{
    return await BenchReport.RunAsync(args[1..]);
}
if (args.Length == 0 || !commands.TryGetValue(args[0], out var command))
{
    Console.Error.WriteLine($"usage: Retail.Bench <{string.Join("|", commands.Keys)}> [options] [--report file]");
    Console.Error.WriteLine("       Retail.Bench report [--in bench/results] [--out file]");
    return 2;
}
var started = DateTimeOffset.UtcNow;
var exitCode = await command(args[1..]);
if (BenchRecorder.Phases is { Count: > 0 } phases)
{
    var run = new BenchRun(args[0].ToLowerInvariant(), started, exitCode, Environment.ProcessorCount, args[1..], phases);
    Console.WriteLine($"report: {Path.GetFullPath(BenchReport.AfterRun(run, BenchReport.DefaultResults(), new BenchArgs(args).Text("report")))}");
}
return exitCode;
