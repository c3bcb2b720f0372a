using System.Diagnostics;
using System.Globalization;
using Retail.Pmc.Storefront;

namespace Retail.Pmc.Tests;

/// <summary>
/// Cost of each query shape on one index, per call, on this machine (explicit: run with <c>-- xUnit.Explicit=on</c>);
/// the figures go to the test output and to <c>{temp}/pmc-storefront-cost.txt</c>.
/// </summary>
public sealed class StorefrontIndexCostTests
{
    [Theory(Explicit = true)]
    [InlineData(200)]
    [InlineData(10_000)]
    public async Task what_each_query_shape_costs(int products)
    {
        var dir = Path.Combine(Path.GetTempPath(), "pmc-storefront-cost", products.ToString(CultureInfo.InvariantCulture));
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, true);
        }
        using var index = new StorefrontIndex(Path.Combine(dir, StorefrontIndex.FileName));
        string[] colours = ["red", "blue", "green", "black", "white"];
        var apply = Stopwatch.StartNew();
        foreach (var chunk in Enumerable.Range(0, products).Chunk(500))
        {
            await index.ApplyAsync([.. chunk.Select(i => Catalog.Online("acme", Catalog.Revision(i, 1, $"Product {i} {colours[i % 5]} tee",
                brand: i % 2 == 0 ? Catalog.Northwind : Catalog.Contoso, category: i % 4 == 0 ? Catalog.Trousers : Catalog.Shirts,
                price: 1000 + (i % 50 * 100), sizes: ["s", "m", "l"], colours: [colours[i % 5], colours[(i + 1) % 5]]), 2))], default);
        }
        var lines = new List<string> { $"{products} products: apply {apply.Elapsed.TotalMilliseconds / products:F2} ms per product" };
        void Time(string name, Func<object> run)
        {
            run();
            const int n = 300;
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < n; i++)
            {
                run();
            }
            lines.Add($"{products} products: {name}: {watch.Elapsed.TotalMicroseconds / n:F0} µs");
        }
        var web = new StorefrontQuery("acme", "web");
        var all = new[] { FacetKinds.Brand, FacetKinds.Category, FacetKinds.Option };
        Time("list name", () => index.Query(web, null));
        Time("list price_asc", () => index.Query(web with { Sort = StorefrontSort.PriceAsc }, null));
        Time("list newest", () => index.Query(web with { Sort = StorefrontSort.Newest }, null));
        Time("list brand + category", () => index.Query(web with { BrandCode = "northwind", CategoryGuid = Catalog.Shirts.Guid }, null));
        Time("list two option groups", () => index.Query(web with { Options = [["colour:green"], ["size:m"]] }, null));
        Time("list price range", () => index.Query(web with { PriceMinMinor = 3000, PriceMaxMinor = 3500, Sort = StorefrontSort.PriceAsc }, null));
        Time("list in_stock (none)", () => index.Query(web with { InStock = true }, null));
        Time("search one word (40% match)", () => index.Query(web with { Text = StorefrontText.Match("green"), Sort = StorefrontSort.Relevance }, null));
        Time("search one word + facets", () =>
        {
            var q = web with { Text = StorefrontText.Match("green") };
            return (index.Query(q with { Sort = StorefrontSort.Relevance }, null), index.Facets(q, all, 200));
        });
        Time("search two words, prefix", () => index.Query(web with { Text = StorefrontText.Match("product 12"), Sort = StorefrontSort.Relevance }, null));
        Time("group option, whole channel", () => index.Facets(web, [FacetKinds.Option], 200));
        Time("group brand, filtered", () => index.Facets(web with { PriceMaxMinor = 2000 }, [FacetKinds.Brand], 200));
        Time("get", () => index.GetProduct("acme", "web", null, "st7")!);
        foreach (var line in lines)
        {
            TestContext.Current.TestOutputHelper?.WriteLine(line);
        }
        await File.AppendAllLinesAsync(Path.Combine(Path.GetTempPath(), "pmc-storefront-cost.txt"), lines);
    }
}
