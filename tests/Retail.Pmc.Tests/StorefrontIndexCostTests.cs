using System.Diagnostics;
using Retail.Pmc.Storefront;

namespace Retail.Pmc.Tests;

public sealed class StorefrontIndexCostTests
{
    [Fact(Explicit = true)]
    public async Task measure()
    {
        var dir = Path.Combine(Path.GetTempPath(), "pmc-storefront-cost");
        if (Directory.Exists(dir)) Directory.Delete(dir, true);
        using var index = new StorefrontIndex(Path.Combine(dir, StorefrontIndex.FileName));
        string[] colours = ["red", "blue", "green", "black", "white"];
        for (var b = 0; b < 20; b++)
        {
            var w = Stopwatch.StartNew();
            await index.ApplyAsync([.. Enumerable.Range(b * 1000, 1000).Select(i => Catalog.Online(i % 3 == 0 ? "other" : "acme",
                Catalog.Revision(i, 1, $"Product {i} {colours[i % 5]} tee", brand: i % 2 == 0 ? Catalog.Northwind : Catalog.Contoso,
                    category: i % 4 == 0 ? Catalog.Trousers : Catalog.Shirts, price: 1000 + (i % 50) * 100, sizes: ["s", "m", "l"], colours: [colours[i % 5], colours[(i + 1) % 5]]), 2))], default);
            File.AppendAllText("/tmp/pmc-cost.txt", $"apply 1000: {w.ElapsedMilliseconds} ms\n");
        }
        void Time(string name, StorefrontQuery q, Func<StorefrontQuery, object> run)
        {
            run(q);
            var sw = Stopwatch.StartNew();
            for (var i = 0; i < 200; i++) run(q);
            File.AppendAllText("/tmp/pmc-cost.txt", $"{name}: {sw.Elapsed.TotalMicroseconds / 200:F1} us\n");
        }
        var web = new StorefrontQuery("acme", "web");
        Time("list name", web, q => index.Query(q, null));
        Time("list price_asc", web with { Sort = StorefrontSort.PriceAsc }, q => index.Query(q, null));
        Time("list newest", web with { Sort = StorefrontSort.Newest }, q => index.Query(q, null));
        Time("list brand+cat", web with { BrandCode = "northwind", CategoryGuid = Catalog.Shirts.Guid }, q => index.Query(q, null));
        Time("list option", web with { Options = [["colour:green"], ["size:m"]] }, q => index.Query(q, null));
        Time("list price range", web with { PriceMinMinor = 3000, PriceMaxMinor = 3500, Sort = StorefrontSort.PriceAsc }, q => index.Query(q, null));
        Time("list in_stock", web with { InStock = true }, q => index.Query(q, null));
        Time("search green", web with { Text = StorefrontText.Match("green"), Sort = StorefrontSort.Relevance }, q => index.Query(q, null));
        Time("search facets green", web with { Text = StorefrontText.Match("green") }, q => index.Facets(q, [FacetKinds.Brand, FacetKinds.Category, FacetKinds.Option], 200));
        Time("search prod 12", web with { Text = StorefrontText.Match("product 12"), Sort = StorefrontSort.Relevance }, q => index.Query(q, null));
        Time("group option all", web, q => index.Facets(q, [FacetKinds.Option], 200));
    }
}
