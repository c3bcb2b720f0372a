using System.Text.Json;
using Retail.Pmc.Products;
using Retail.Pmc.Storefront;

namespace Retail.Pmc.Tests;

/// <summary>Builders of products and revisions as the records hold them.</summary>
internal static class Catalog
{
    public static readonly DateTimeOffset At = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    public static readonly NamedRef Northwind = new("00000000-0000-7000-8000-0000000000b1", "northwind", "Northwind");
    public static readonly NamedRef Contoso = new("00000000-0000-7000-8000-0000000000b2", "contoso", "Contoso");
    public static readonly NamedRef Shirts = new("00000000-0000-7000-8000-0000000000c1", "shirts", "Shirts");
    public static readonly NamedRef Trousers = new("00000000-0000-7000-8000-0000000000c2", "trousers", "Trousers");
    public const string Apparel = "00000000-0000-7000-8000-0000000000c0";

    public static string StyleGuid(int n) => $"00000000-0000-7000-8000-{n:D12}";

    public static string VariantGuid(int style, int n) => $"00000000-0000-7000-9000-{style * 100 + n:D12}";

    /// <summary>A style with one variant per (size, colour), priced <paramref name="price"/> + 100 × index.</summary>
    public static ProductRevision Revision(int style, int revisionNo, string name, string channel = "web", NamedRef? brand = null, NamedRef? category = null,
        long price = 1000, string[]? sizes = null, string[]? colours = null, string? description = null, DateTimeOffset? createdAt = null)
    {
        var variants = new List<ProductVariant>();
        var n = 0;
        foreach (var size in sizes ?? ["s", "m"])
        {
            foreach (var colour in colours ?? ["red"])
            {
                variants.Add(new ProductVariant(VariantGuid(style, n), $"st{style}-{size}-{colour}", $"{name} {size} {colour}",
                    [new OptionValue("size", size), new OptionValue("colour", colour)], [$"40000{style:D4}{n:D4}"], $"40000{style:D4}{n:D4}", [],
                    new VariantPrice("EUR", price + (100 * n), null, "eur")));
                n++;
            }
        }
        var cat = category ?? Shirts;
        var snapshot = new ProductSnapshot(StyleGuid(style), $"st{style}", name, description ?? $"{name} description", brand ?? Northwind, cat,
            [cat.Guid, Apparel], null, null, [new MediaRef("00000000-0000-7000-a000-000000000001", "front", "image/jpeg", ["primary"])], variants,
            new PriceSummary("EUR", price, price + (100 * (n - 1))));
        return new ProductRevision
        {
            ChannelCode = channel,
            StyleGuid = StyleGuid(style),
            RevisionNo = revisionNo,
            ContentHash = $"hash-{style}-{revisionNo}",
            Product = snapshot,
            Revision = 1,
            CreatedAt = createdAt ?? At.AddMinutes(style),
        };
    }

    public static ChannelProduct Product(int style, long recordRevision, int? pointer, bool online, string channel = "web") => new()
    {
        ChannelCode = channel,
        StyleGuid = StyleGuid(style),
        StyleCode = $"st{style}",
        LatestRevisionNo = pointer ?? 1,
        PointerRevisionNo = pointer,
        Online = online,
        Revision = recordRevision,
    };

    public static StorefrontEntry Online(string org, ProductRevision revision, long recordRevision) =>
        new(org, Product(0, recordRevision, revision.RevisionNo, true, revision.ChannelCode) with
        {
            StyleGuid = revision.StyleGuid,
            StyleCode = revision.Product.StyleCode,
        }, revision);

    public static StorefrontEntry Offline(string org, int style, long recordRevision, int? pointer = 1, string channel = "web") =>
        new(org, Product(style, recordRevision, pointer, false, channel), null);
}

public sealed class StorefrontIndexTests : IDisposable
{
    private const string Org = "acme";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "pmc-storefront-tests", Guid.NewGuid().ToString("N"));
    private readonly StorefrontIndex _index;
    private static readonly CancellationToken Ct = CancellationToken.None;

    public StorefrontIndexTests()
    {
        _index = new StorefrontIndex(Path.Combine(_dir, StorefrontIndex.FileName));
    }

    public void Dispose()
    {
        _index.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private static StorefrontQuery Web(string org = Org, string channel = "web") => new(org, channel);

    private List<JsonElement> Items(StorefrontQuery query, string? cursor = null) =>
        [.. _index.Query(query, cursor).Items.Select(i => JsonDocument.Parse(i).RootElement.Clone())];

    private List<string> Names(StorefrontQuery query) => [.. Items(query).Select(i => i.GetProperty("name").GetString()!)];

    private Task Seed() => _index.ApplyAsync(
    [
        Catalog.Online(Org, Catalog.Revision(1, 1, "Alpha Tee", price: 1000), 2),
        Catalog.Online(Org, Catalog.Revision(2, 1, "Bravo Tee", price: 3000, colours: ["blue"]), 2),
        Catalog.Online(Org, Catalog.Revision(3, 1, "Charlie Chino", brand: Catalog.Contoso, category: Catalog.Trousers, price: 5000, sizes: ["l"],
            colours: ["red", "blue"]), 2),
    ], Ct);

    [Fact]
    public async Task an_online_product_is_listed_as_its_summary_and_got_with_its_content()
    {
        await Seed();
        var items = Items(Web());
        Assert.Equal(["Alpha Tee", "Bravo Tee", "Charlie Chino"], items.Select(i => i.GetProperty("name").GetString()));
        var alpha = items[0];
        Assert.Equal(Catalog.StyleGuid(1), alpha.GetProperty("style_guid").GetString());
        Assert.Equal("st1", alpha.GetProperty("style_code").GetString());
        Assert.Equal("northwind", alpha.GetProperty("brand").GetProperty("code").GetString());
        Assert.Equal("shirts", alpha.GetProperty("category").GetProperty("code").GetString());
        Assert.Equal(1000, alpha.GetProperty("price").GetProperty("min_minor").GetInt64());
        Assert.Equal(1100, alpha.GetProperty("price").GetProperty("max_minor").GetInt64());
        Assert.Equal("front", alpha.GetProperty("primary_media").GetProperty("name").GetString());
        Assert.Equal(2, alpha.GetProperty("variant_count").GetInt32());
        Assert.Equal(1, alpha.GetProperty("revision_no").GetInt32());
        Assert.False(alpha.GetProperty("in_stock").GetBoolean());
        var options = alpha.GetProperty("options").EnumerateArray().ToDictionary(o => o.GetProperty("option_group_code").GetString()!,
            o => o.GetProperty("option_codes").EnumerateArray().Select(c => c.GetString()).ToList());
        Assert.Equal(["s", "m"], options["size"]);
        Assert.Equal(["red"], options["colour"]);

        var got = _index.GetProduct(Org, "web", null, "st2");
        Assert.NotNull(got);
        Assert.Equal(Catalog.StyleGuid(2), got.StyleGuid);
        var product = JsonDocument.Parse(got.Product).RootElement;
        Assert.Equal("Bravo Tee", product.GetProperty("name").GetString());
        Assert.Equal(2, product.GetProperty("variants").GetArrayLength());
        Assert.Equal(3L, await _index.CountOnlineAsync(Org, "web", Ct));
    }

    [Fact]
    public async Task a_newer_record_revision_wins_and_an_older_or_repeated_delivery_changes_nothing()
    {
        await _index.ApplyAsync([Catalog.Online(Org, Catalog.Revision(1, 2, "Second"), 5)], Ct);
        await _index.ApplyAsync([Catalog.Online(Org, Catalog.Revision(1, 1, "First"), 4)], Ct);
        await _index.ApplyAsync([Catalog.Online(Org, Catalog.Revision(1, 1, "First again"), 5)], Ct);
        Assert.Equal(["Second"], Names(Web()));
        // Rollback: a newer record revision pointing at an older revision serves its content.
        await _index.ApplyAsync([Catalog.Online(Org, Catalog.Revision(1, 1, "First"), 6)], Ct);
        Assert.Equal(["First"], Names(Web()));
        Assert.Equal(1, _index.GetProduct(Org, "web", Catalog.StyleGuid(1), null)!.RevisionNo);
    }

    [Fact]
    public async Task going_offline_leaves_a_tombstone_so_a_late_online_delivery_cannot_bring_it_back()
    {
        await Seed();
        await _index.ApplyAsync([Catalog.Offline(Org, 1, 3)], Ct);
        Assert.Equal(["Bravo Tee", "Charlie Chino"], Names(Web()));
        Assert.Null(_index.GetProduct(Org, "web", Catalog.StyleGuid(1), null));
        Assert.Empty(Items(Web() with { Text = StorefrontText.Match("alpha") }));
        Assert.DoesNotContain(_index.Facets(Web(), [FacetKinds.Brand], 10), f => f.Count == 3);

        await _index.ApplyAsync([Catalog.Online(Org, Catalog.Revision(1, 1, "Alpha Tee"), 2)], Ct);
        Assert.Null(_index.GetProduct(Org, "web", Catalog.StyleGuid(1), null));
        Assert.Equal(2L, await _index.CountOnlineAsync(Org, "web", Ct));

        await _index.ApplyAsync([Catalog.Online(Org, Catalog.Revision(1, 1, "Alpha Back"), 4)], Ct);
        Assert.Equal(["Alpha Back", "Bravo Tee", "Charlie Chino"], Names(Web()));
    }

    [Fact]
    public async Task entries_of_one_apply_become_visible_together_and_a_bad_entry_applies_none()
    {
        var good = Catalog.Online(Org, Catalog.Revision(1, 1, "Alpha Tee"), 2);
        var wrongPointer = Catalog.Online(Org, Catalog.Revision(2, 1, "Bravo Tee"), 2);
        wrongPointer = wrongPointer with { Product = wrongPointer.Product with { PointerRevisionNo = 7 } };
        await Assert.ThrowsAsync<ArgumentException>(() => _index.ApplyAsync([good, wrongPointer], Ct));
        Assert.Empty(Names(Web()));
    }

    [Fact]
    public async Task filters_match_brand_category_with_its_ancestors_options_price_overlap_and_stock()
    {
        await Seed();
        Assert.Equal(["Charlie Chino"], Names(Web() with { BrandGuid = Catalog.Contoso.Guid }));
        Assert.Equal(["Alpha Tee", "Bravo Tee"], Names(Web() with { BrandCode = "northwind" }));
        Assert.Equal(["Alpha Tee", "Bravo Tee"], Names(Web() with { CategoryGuid = Catalog.Shirts.Guid }));
        Assert.Equal(3, Names(Web() with { CategoryGuid = Catalog.Apparel }).Count);
        Assert.Equal(Catalog.Trousers.Guid, _index.FindRefGuid(Org, FacetKinds.Category, "trousers"));

        // OR within a group, AND across groups.
        Assert.Equal(["Bravo Tee", "Charlie Chino"], Names(Web() with { Options = [["colour:blue"]] }));
        Assert.Equal(["Charlie Chino"], Names(Web() with { Options = [["size:l"]] }));
        Assert.Equal(3, Names(Web() with { Options = [["colour:red", "colour:blue"]] }).Count);
        Assert.Equal(["Alpha Tee", "Charlie Chino"], Names(Web() with { Options = [["colour:red"], ["size:l", "size:s"]] }));
        Assert.Equal(["Bravo Tee", "Charlie Chino"], Names(Web() with { Options = [["colour:blue"], ["size:l", "size:m"]] }));
        Assert.Empty(Names(Web() with { Options = [["colour:green"]] }));

        // Ranges overlap: Alpha 1000–1100, Bravo 3000–3100, Charlie 5000–5100.
        Assert.Equal(["Alpha Tee", "Bravo Tee"], Names(Web() with { PriceMinMinor = 1100, PriceMaxMinor = 3000 }));
        Assert.Equal(["Charlie Chino"], Names(Web() with { PriceMinMinor = 5100 }));
        Assert.Equal(["Alpha Tee"], Names(Web() with { PriceMaxMinor = 1050 }));

        Assert.Empty(Names(Web() with { InStock = true }));
        Assert.True(await _index.ApplyStockAsync(Org, "store-1", Catalog.VariantGuid(2, 0), 3, 1, Ct));
        Assert.Equal(["Bravo Tee"], Names(Web() with { InStock = true }));
        Assert.Equal(["Alpha Tee", "Charlie Chino"], Names(Web() with { InStock = false }));
        Assert.True(Items(Web() with { BrandCode = "northwind" })[1].GetProperty("in_stock").GetBoolean());
        Assert.Equal([Catalog.VariantGuid(2, 0)], _index.GetProduct(Org, "web", Catalog.StyleGuid(2), null)!.VariantsInStock);
    }

    [Fact]
    public async Task stock_keeps_the_newest_revision_per_facility_and_any_facility_with_stock_counts()
    {
        await Seed();
        var variant = Catalog.VariantGuid(1, 1);
        await _index.ApplyStockAsync(Org, "store-1", variant, 5, 2, Ct);
        Assert.False(await _index.ApplyStockAsync(Org, "store-1", variant, 0, 1, Ct));
        Assert.Equal(["Alpha Tee"], Names(Web() with { InStock = true }));
        await _index.ApplyStockAsync(Org, "store-2", variant, 2, 1, Ct);
        await _index.ApplyStockAsync(Org, "store-1", variant, 0, 3, Ct);
        Assert.Equal(["Alpha Tee"], Names(Web() with { InStock = true }));
        await _index.ApplyStockAsync(Org, "store-2", variant, 0, 2, Ct);
        Assert.Empty(Names(Web() with { InStock = true }));
        // Stock of another org's variant with the same guid changes nothing here.
        await _index.ApplyStockAsync("other", "store-1", variant, 9, 1, Ct);
        Assert.Empty(Names(Web() with { InStock = true }));
        // Stock that arrived before the product went online counts when it is applied.
        await _index.ApplyStockAsync(Org, "store-1", Catalog.VariantGuid(4, 0), 1, 1, Ct);
        await _index.ApplyAsync([Catalog.Online(Org, Catalog.Revision(4, 1, "Delta Tee"), 2)], Ct);
        Assert.Equal(["Delta Tee"], Names(Web() with { InStock = true }));
    }

    [Fact]
    public async Task every_sort_pages_without_repeating_or_skipping()
    {
        var entries = Enumerable.Range(1, 23).Select(i =>
            Catalog.Online(Org, Catalog.Revision(i, 1, $"Tee {(i * 7) % 23:D2}", price: 1000 + ((i * 5) % 4 * 100), createdAt: Catalog.At.AddMinutes(i % 5)), 2)).ToList();
        await _index.ApplyAsync(entries, Ct);
        foreach (var sort in new[] { StorefrontSort.Name, StorefrontSort.PriceAsc, StorefrontSort.PriceDesc, StorefrontSort.Newest })
        {
            var seen = new List<JsonElement>();
            string? cursor = null;
            var pages = 0;
            do
            {
                var page = _index.Query(Web() with { Sort = sort, Limit = 5 }, cursor);
                seen.AddRange(page.Items.Select(i => JsonDocument.Parse(i).RootElement.Clone()));
                cursor = page.Cursor;
                pages++;
            }
            while (cursor is not null);
            Assert.Equal(5, pages);
            Assert.Equal(23, seen.Select(s => s.GetProperty("style_guid").GetString()).Distinct().Count());
            var prices = seen.Select(s => s.GetProperty("price").GetProperty("min_minor").GetInt64()).ToList();
            switch (sort)
            {
                case StorefrontSort.Name:
                    Assert.Equal(seen.Select(s => s.GetProperty("name").GetString()).Order(StringComparer.Ordinal), seen.Select(s => s.GetProperty("name").GetString()));
                    break;
                case StorefrontSort.PriceAsc:
                    Assert.Equal(prices.Order(), prices);
                    break;
                case StorefrontSort.PriceDesc:
                    Assert.Equal(prices.OrderDescending(), prices);
                    break;
            }
        }
        Assert.Throws<Retail.Shared.Records.InvalidPageTokenException>(() => _index.Query(Web() with { Sort = StorefrontSort.PriceAsc }, "k|snope|1"));
        Assert.Throws<Retail.Shared.Records.InvalidPageTokenException>(() => _index.Query(Web(), "garbage"));
    }

    [Fact]
    public async Task search_matches_names_descriptions_codes_barcodes_and_brands_with_a_prefix_on_the_last_word()
    {
        await Seed();
        await _index.ApplyAsync([Catalog.Online(Org, Catalog.Revision(4, 1, "Delta Polo", description: "Breathable piqué cotton"), 2)], Ct);
        List<string> Search(string q, StorefrontSort sort = StorefrontSort.Name) =>
            [.. Items(Web() with { Text = StorefrontText.Match(q), Sort = sort }).Select(i => i.GetProperty("name").GetString()!)];

        Assert.Equal(["Alpha Tee", "Bravo Tee"], Search("tee"));
        Assert.Equal(["Alpha Tee", "Bravo Tee"], Search("te"));
        Assert.Equal(["Delta Polo"], Search("pique"));
        Assert.Equal(["Delta Polo"], Search("breathable cot"));
        Assert.Equal(["Charlie Chino"], Search("contoso"));
        Assert.Equal(["Bravo Tee"], Search("st2-m-blue"));
        Assert.Equal(["Bravo Tee"], Search("4000000020001"));
        Assert.Equal(["Alpha Tee"], Search("ALPHA tee", StorefrontSort.Relevance));
        Assert.Empty(Search("tee chino"));
    }

    [Theory]
    [InlineData("\"")]
    [InlineData("tee\" OR \"")]
    [InlineData("NEAR(a b)")]
    [InlineData("*")]
    [InlineData("a AND")]
    [InlineData("name:tee")]
    [InlineData("-tee")]
    [InlineData("^tee")]
    [InlineData("tee)")]
    [InlineData("(((")]
    [InlineData("scope : s123")]
    [InlineData("🙂 tee")]
    [InlineData("'; DROP TABLE products; --")]
    public async Task search_text_never_reaches_fts5_as_syntax(string q)
    {
        await Seed();
        var match = StorefrontText.Match(q);
        if (match is not null)
        {
            var page = _index.Query(Web() with { Text = match, Sort = StorefrontSort.Relevance }, null);
            Assert.NotNull(page);
            _index.Facets(Web() with { Text = match }, [FacetKinds.Brand, FacetKinds.Category, FacetKinds.Option], 10);
        }
        Assert.Equal(3L, await _index.CountOnlineAsync(Org, "web", Ct));
    }

    [Fact]
    public async Task relevance_pages_by_offset_through_every_match()
    {
        await _index.ApplyAsync([.. Enumerable.Range(1, 7).Select(i => Catalog.Online(Org, Catalog.Revision(i, 1, $"Tee {i}"), 2))], Ct);
        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = _index.Query(Web() with { Text = StorefrontText.Match("tee"), Sort = StorefrontSort.Relevance, Limit = 3 }, cursor);
            seen.AddRange(page.Items.Select(i => JsonDocument.Parse(i).RootElement.GetProperty("style_code").GetString()!));
            cursor = page.Cursor;
        }
        while (cursor is not null);
        Assert.Equal(7, seen.Distinct().Count());
        Assert.Equal(7, seen.Count);
    }

    [Fact]
    public async Task facets_count_every_match_with_category_ancestors_and_option_values()
    {
        await Seed();
        var facets = _index.Facets(Web(), [FacetKinds.Brand, FacetKinds.Category, FacetKinds.Option], 100);
        long Count(string kind, string value) => facets.Single(f => f.Kind == kind && f.Value == value).Count;
        Assert.Equal(2, Count(FacetKinds.Brand, Catalog.Northwind.Guid));
        Assert.Equal(1, Count(FacetKinds.Brand, Catalog.Contoso.Guid));
        Assert.Equal("northwind", facets.Single(f => f.Value == Catalog.Northwind.Guid).Code);
        Assert.Equal("Northwind", facets.Single(f => f.Value == Catalog.Northwind.Guid).Name);
        Assert.Equal(2, Count(FacetKinds.Category, Catalog.Shirts.Guid));
        Assert.Equal(3, Count(FacetKinds.Category, Catalog.Apparel));
        Assert.Equal(2, Count(FacetKinds.Option, "colour:red"));
        Assert.Equal(2, Count(FacetKinds.Option, "colour:blue"));
        var blue = facets.Single(f => f.Value == "colour:blue");
        Assert.Equal(("colour", "blue"), (blue.OptionGroupCode, blue.Code));

        var tees = _index.Facets(Web() with { Text = StorefrontText.Match("tee") }, [FacetKinds.Brand], 100);
        Assert.Equal([(Catalog.Northwind.Guid, 2L)], tees.Select(f => (f.Value, f.Count)));
        var cheap = _index.Facets(Web() with { PriceMaxMinor = 3000 }, [FacetKinds.Option], 100);
        Assert.Equal(1, cheap.Single(f => f.Value == "colour:blue").Count);
    }

    [Fact]
    public async Task facet_counts_asked_again_after_a_change_count_the_change()
    {
        await Seed();
        var before = _index.Facets(Web(), [FacetKinds.Brand], 100);
        Assert.Same(before, _index.Facets(Web(), [FacetKinds.Brand], 100));
        Assert.Equal(2, before.Single(f => f.Value == Catalog.Northwind.Guid).Count);

        await _index.ApplyAsync([Catalog.Offline(Org, 1, 3)], Ct);
        var after = _index.Facets(Web(), [FacetKinds.Brand], 100);
        Assert.Equal(before.Single(f => f.Value == Catalog.Northwind.Guid).Count - 1,
            after.SingleOrDefault(f => f.Value == Catalog.Northwind.Guid)?.Count ?? 0);
    }

    [Fact]
    public async Task another_org_or_channel_never_sees_the_product()
    {
        await Seed();
        Assert.Empty(Names(Web("other")));
        Assert.Empty(Names(Web(channel: "pos")));
        Assert.Empty(Items(Web("other") with { Text = StorefrontText.Match("tee") }));
        Assert.Empty(_index.Facets(Web("other"), [FacetKinds.Brand], 10));
        Assert.Null(_index.GetProduct("other", "web", Catalog.StyleGuid(1), null));
        Assert.Null(_index.GetProduct(Org, "pos", Catalog.StyleGuid(1), null));
        Assert.Equal(0L, await _index.CountOnlineAsync("other", "web", Ct));

        // The same style online in pos is its own product there.
        await _index.ApplyAsync([Catalog.Online(Org, Catalog.Revision(1, 1, "Alpha at the till", channel: "pos"), 2)], Ct);
        Assert.Equal(["Alpha at the till"], Names(Web(channel: "pos")));
        Assert.Equal("Alpha Tee", Names(Web())[0]);
    }

    [Fact]
    public async Task the_index_survives_a_reopen()
    {
        await Seed();
        var path = _index.FilePath;
        using (var reopened = new StorefrontIndex(Path.Combine(_dir, "copy.db")))
        {
            Assert.Equal(0L, await reopened.CountOnlineAsync(Org, "web", Ct));
        }
        _index.Dispose();
        using var again = new StorefrontIndex(path);
        Assert.Equal(3L, await again.CountOnlineAsync(Org, "web", Ct));
        await again.ApplyAsync([Catalog.Online(Org, Catalog.Revision(1, 1, "Stale"), 1)], Ct);
        Assert.Equal("Alpha Tee", JsonDocument.Parse(again.Query(Web(), null).Items[0]).RootElement.GetProperty("name").GetString());
    }

    [Fact]
    public async Task a_new_file_has_no_rebuilt_mark_and_the_mark_survives_a_reopen()
    {
        Assert.Null(await _index.GetMetaAsync(StorefrontRebuild.RebuiltAtKey, Ct));
        await _index.SetMetaAsync(StorefrontRebuild.RebuiltAtKey, "2026-06-01T12:00:00.0000000+00:00", Ct);
        var path = _index.FilePath;
        _index.Dispose();
        using (var again = new StorefrontIndex(path))
        {
            Assert.Equal("2026-06-01T12:00:00.0000000+00:00", await again.GetMetaAsync(StorefrontRebuild.RebuiltAtKey, Ct));
        }
        using var lost = new StorefrontIndex(Path.Combine(_dir, "lost.db"));
        Assert.Null(await lost.GetMetaAsync(StorefrontRebuild.RebuiltAtKey, Ct));
    }
}
