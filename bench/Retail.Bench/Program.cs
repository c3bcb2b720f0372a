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

if (args.Length == 0 || !commands.TryGetValue(args[0], out var command))
{
    Console.Error.WriteLine($"usage: Retail.Bench <{string.Join("|", commands.Keys)}> [options]");
    return 2;
}
return await command(args[1..]);
