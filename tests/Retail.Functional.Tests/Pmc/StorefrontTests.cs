using System.Net;
using System.Text.Json;
using Retail.Functional.Tests.Ics;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Pvm;

namespace Retail.Functional.Tests.Pmc;

/// <summary>
/// UC-PMC-005: the storefront answers what a channel sells right now — online products only, filtered, sorted, paged,
/// searched and counted — from its read model, kept current as pointers move and stock changes.
/// </summary>
public sealed class StorefrontTests(PmcHost host) : IClassFixture<PmcHost>
{
    /// <summary>An org with <c>tee</c> and then <c>chino</c> published and online in <c>web</c>.</summary>
    private async Task<(PmcOrg Org, ChinoStyle Chino)> TwoProductsOnlineAsync()
    {
        var org = await host.NewOrgAsync("sf");
        var chino = await org.AddChinoAsync();
        await org.PublishOnlineAsync(org.StyleGuid);
        await org.PublishOnlineAsync(chino.StyleGuid);
        await org.ListsAsync(new { channel_code = "web" }, "tee", "chino");
        return (org, chino);
    }

    [Fact]
    public async Task UC_PMC_005_the_storefront_lists_online_products_with_each_filter_sort_and_page()
    {
        var (org, _) = await TwoProductsOnlineAsync();

        var all = await org.List(new { channel_code = "web" });
        Assert.Equal(["tee", "chino"], all.Codes());
        Assert.Equal(JsonValueKind.Null, all.GetProperty("next_token").ValueKind);
        var tee = all.GetProperty("items")[0];
        Assert.Equal(org.StyleGuid, tee.Text("style_guid"));
        Assert.Equal("Classic tee", tee.Text("name"));
        Assert.Equal("northwind", tee.GetProperty("brand").Text("code"));
        Assert.Equal("shirts", tee.GetProperty("category").Text("code"));
        Assert.Equal(1000, tee.GetProperty("price").GetProperty("min_minor").GetInt64());
        Assert.Equal(1500, tee.GetProperty("price").GetProperty("max_minor").GetInt64());
        Assert.Equal("EUR", tee.GetProperty("price").Text("currency"));
        Assert.Equal(6, tee.GetProperty("variant_count").GetInt32());
        Assert.Equal(1, tee.GetProperty("revision_no").GetInt32());
        Assert.False(tee.GetProperty("in_stock").GetBoolean());

        // The header names the channel as well as the body does.
        Assert.Equal(["tee", "chino"], (await org.StorefrontCall("list", new { }, ("x-channel-code", "web")).Ok()).Codes());

        var chinoBrand = all.GetProperty("items")[1].GetProperty("brand").Text("guid");
        Assert.Equal(["chino"], (await org.List(new { channel_code = "web", brand_code = "contoso" })).Codes());
        Assert.Equal(["chino"], (await org.List(new { channel_code = "web", brand_guid = chinoBrand })).Codes());
        Assert.Equal(["tee"], (await org.List(new { channel_code = "web", category_code = "shirts" })).Codes());
        Assert.Equal(["chino"], (await org.List(new { channel_code = "web", category_code = "chinos" })).Codes());
        // A parent category matches the products of its descendants.
        var trousers = await org.Post("/pvm/category/get", new { category_code = "trousers" }).Ok();
        Assert.Equal(["chino"], (await org.List(new { channel_code = "web", category_guid = trousers.Text("category_guid") })).Codes());
        Assert.Equal(["chino"], (await org.List(new { channel_code = "web", category_code = "trousers" })).Codes());
        Assert.Empty((await org.List(new { channel_code = "web", category_code = "no-such-category" })).Codes());

        object Option(string group, string code) => new { option_group_code = group, option_code = code };
        Assert.Equal(["tee"], (await org.List(new { channel_code = "web", options = new[] { Option("size", "s") } })).Codes());
        Assert.Equal(["tee", "chino"], (await org.List(new { channel_code = "web", options = new[] { Option("size", "s"), Option("size", "l") } })).Codes());
        Assert.Equal(["tee"], (await org.List(new { channel_code = "web", options = new[] { Option("colour", "red"), Option("size", "l") } })).Codes());
        Assert.Empty((await org.List(new { channel_code = "web", options = new[] { Option("colour", "red"), Option("size", "xl") } })).Codes());

        Assert.Equal(["chino"], (await org.List(new { channel_code = "web", price_min_minor = 4000 })).Codes());
        Assert.Equal(["tee"], (await org.List(new { channel_code = "web", price_max_minor = 1200 })).Codes());
        Assert.Equal(["tee", "chino"], (await org.List(new { channel_code = "web", price_min_minor = 1500, price_max_minor = 5000 })).Codes());
        Assert.Empty((await org.List(new { channel_code = "web", in_stock = true })).Codes());
        Assert.Equal(["tee", "chino"], (await org.List(new { channel_code = "web", in_stock = false })).Codes());

        Assert.Equal(["tee", "chino"], (await org.List(new { channel_code = "web", sort = "price_asc" })).Codes());
        Assert.Equal(["chino", "tee"], (await org.List(new { channel_code = "web", sort = "price_desc" })).Codes());
        Assert.Equal(["chino", "tee"], (await org.List(new { channel_code = "web", sort = "newest" })).Codes());
        Assert.Equal(["tee", "chino"], (await org.List(new { channel_code = "web", sort = "name" })).Codes());

        var first = await org.List(new { channel_code = "web", sort = "price_desc", limit = 1 });
        Assert.Equal(["chino"], first.Codes());
        var token = first.Text("next_token");
        Assert.NotNull(token);
        var second = await org.List(new { channel_code = "web", sort = "price_desc", limit = 1, next_token = token });
        Assert.Equal(["tee"], second.Codes());
        Assert.Equal(JsonValueKind.Null, second.GetProperty("next_token").ValueKind);
        // A token pages only the list that issued it.
        await org.StorefrontCall("list", new { channel_code = "web", sort = "price_asc", limit = 1, next_token = token }).Problem(HttpStatusCode.BadRequest, "invalid_next_token");
        await org.StorefrontCall("list", new { channel_code = "web", sort = "price_desc", limit = 1, next_token = token[..^2] + "xx" })
            .Problem(HttpStatusCode.BadRequest, "invalid_next_token");
    }

    [Fact]
    public async Task search_finds_words_codes_and_barcodes_and_counts_facets_over_every_match()
    {
        var (org, chino) = await TwoProductsOnlineAsync();

        Assert.Equal(["tee"], (await org.Search(new { channel_code = "web", q = "classic" })).Codes());
        Assert.Equal(["tee"], (await org.Search(new { channel_code = "web", q = "Clas" })).Codes());
        Assert.Equal(["chino"], (await org.Search(new { channel_code = "web", q = "twill trousers" })).Codes());
        Assert.Equal(["chino"], (await org.Search(new { channel_code = "web", q = "contoso" })).Codes());
        Assert.Equal(["chino"], (await org.Search(new { channel_code = "web", q = "chino-l-blue" })).Codes());
        Assert.Equal(["tee"], (await org.Search(new { channel_code = "web", q = PvmSteps.Gtin13(600_000_000_003) })).Codes());
        Assert.Equal(["chino"], (await org.Search(new { channel_code = "web", q = "blue", brand_code = "contoso" })).Codes());
        Assert.Equal(["chino", "tee"], (await org.Search(new { channel_code = "web", q = "blue", sort = "price_desc" })).Codes());
        Assert.Empty((await org.Search(new { channel_code = "web", q = "\"; DROP TABLE products; --" })).Codes());
        Assert.Empty((await org.Search(new { channel_code = "web", q = "NEAR(a b) OR *" })).Codes());
        Assert.Empty((await org.Search(new { channel_code = "web", q = "?!" })).Codes());

        var found = await org.Search(new { channel_code = "web", q = "blue", facets = true });
        Assert.Equal(2, found.GetProperty("items").GetArrayLength());
        var facets = found.GetProperty("facets");
        Assert.Equal(1, facets.GetProperty("brand").Facet(found.GetProperty("items")[0].GetProperty("brand").Text("guid")!).GetProperty("count").GetInt64());
        var categories = facets.GetProperty("category");
        Assert.Equal(1, categories.EnumerateArray().Single(c => c.Text("code") == "shirts").GetProperty("count").GetInt64());
        Assert.Equal(1, categories.EnumerateArray().Single(c => c.Text("code") == "chinos").GetProperty("count").GetInt64());
        var blue = facets.GetProperty("option").Facet("colour:blue");
        Assert.Equal(2, blue.GetProperty("count").GetInt64());
        Assert.Equal("colour", blue.Text("option_group_code"));
        Assert.Equal("blue", blue.Text("code"));
        Assert.Equal(1, facets.GetProperty("option").Facet("colour:red").GetProperty("count").GetInt64());

        // Facets count every match, not only the page.
        var paged = await org.Search(new { channel_code = "web", q = "blue", facets = true, limit = 1 });
        Assert.Single(paged.GetProperty("items").EnumerateArray());
        Assert.Equal(2, paged.GetProperty("facets").GetProperty("option").Facet("colour:blue").GetProperty("count").GetInt64());
        Assert.Equal(JsonValueKind.Null, (await org.Search(new { channel_code = "web", q = "blue" })).GetProperty("facets").ValueKind);
        _ = chino;
    }

    [Fact]
    public async Task group_counts_online_products_per_brand_category_with_its_ancestors_and_option_value()
    {
        var (org, _) = await TwoProductsOnlineAsync();

        var brands = await org.Group(new { channel_code = "web", by = "brand" });
        Assert.Equal("brand", brands.Text("by"));
        Assert.Equal(["contoso", "northwind"], brands.GetProperty("items").EnumerateArray().Select(b => b.Text("code")).Order().ToList());
        Assert.All(brands.GetProperty("items").EnumerateArray(), b => Assert.Equal(1, b.GetProperty("count").GetInt64()));

        var categories = (await org.Group(new { channel_code = "web", by = "category" })).GetProperty("items");
        var trousers = await org.Post("/pvm/category/get", new { category_code = "trousers" }).Ok();
        Assert.Equal(1, categories.Facet(trousers.Text("category_guid")!).GetProperty("count").GetInt64());
        Assert.Equal(1, categories.EnumerateArray().Single(c => c.Text("code") == "shirts").GetProperty("count").GetInt64());

        var sizes = (await org.Group(new { channel_code = "web", by = "option" })).GetProperty("items");
        Assert.Equal(1, sizes.Facet("size:s").GetProperty("count").GetInt64());
        Assert.Equal(2, sizes.Facet("size:m").GetProperty("count").GetInt64());
        Assert.Equal(2, sizes.Facet("colour:blue").GetProperty("count").GetInt64());

        var cheap = (await org.Group(new { channel_code = "web", by = "option", price_max_minor = 2000 })).GetProperty("items");
        Assert.Equal(1, cheap.Facet("colour:blue").GetProperty("count").GetInt64());
    }

    [Fact]
    public async Task get_answers_the_served_revision_and_404_when_the_product_is_not_online_in_the_channel()
    {
        var (org, chino) = await TwoProductsOnlineAsync();

        var got = await org.Get(new { channel_code = "web", style_code = "tee" });
        Assert.Equal(org.StyleGuid, got.Text("style_guid"));
        Assert.Equal("web", got.Text("channel_code"));
        Assert.Equal(1, got.GetProperty("revision_no").GetInt32());
        Assert.False(got.GetProperty("in_stock").GetBoolean());
        Assert.Empty(got.GetProperty("variants_in_stock").EnumerateArray());
        var product = got.GetProperty("product");
        Assert.Equal("Classic tee", product.Text("name"));
        Assert.Equal(6, product.GetProperty("variants").GetArrayLength());
        Assert.Equal(chino.StyleGuid, (await org.Get(new { channel_code = "web", style_guid = chino.StyleGuid })).Text("style_guid"));

        await org.StorefrontCall("get", new { channel_code = "pos", style_code = "tee" }).Problem(HttpStatusCode.NotFound, "not_found");
        await org.StorefrontCall("get", new { channel_code = "web", style_code = "no-such-style" }).Problem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task a_product_taken_offline_or_cleared_disappears_and_a_rollback_serves_the_older_content()
    {
        var (org, chino) = await TwoProductsOnlineAsync();

        // A second revision of tee with a new name, then roll back to the first.
        var style = await org.Post("/pvm/style/get", new { style_code = "tee" }).Ok();
        await org.Post("/pvm/style/update", new { style_code = "tee", name = "Classic tee v2", expected_revision = style.Revision() }).Ok();
        await org.PublishOnlineAsync(org.StyleGuid);
        await Waits.UntilAsync(async () => (await org.Get(new { channel_code = "web", style_code = "tee" })).GetProperty("product").Text("name") == "Classic tee v2",
            "the storefront serves revision 2");
        Assert.Equal(2, (await org.Get(new { channel_code = "web", style_code = "tee" })).GetProperty("revision_no").GetInt32());
        Assert.Single((await org.Search(new { channel_code = "web", q = "v2" })).Codes());

        var pointer = await org.Post("/pmc/product/pointer/get", new { channel_code = "web", style_guid = org.StyleGuid }).Ok();
        await org.Post("/pmc/product/pointer/set",
            new { channel_code = "web", style_guid = org.StyleGuid, revision_no = 1, reason = "rollback", expected_revision = pointer.Revision() }).Ok();
        var rolledBack = await org.Get(new { channel_code = "web", style_code = "tee" });
        Assert.Equal(1, rolledBack.GetProperty("revision_no").GetInt32());
        Assert.Equal("Classic tee", rolledBack.GetProperty("product").Text("name"));
        Assert.Empty((await org.Search(new { channel_code = "web", q = "v2" })).Codes());
        Assert.Equal("Classic tee", (await org.List(new { channel_code = "web" })).GetProperty("items")[0].Text("name"));

        // Offline: gone from every answer at once (the switch applies the index before it answers).
        pointer = await org.Post("/pmc/product/pointer/get", new { channel_code = "web", style_guid = org.StyleGuid }).Ok();
        await org.Post("/pmc/product/online/clear",
            new { channel_code = "web", style_guid = org.StyleGuid, reason = "recall", expected_revision = pointer.Revision() }).Ok();
        Assert.Equal(["chino"], (await org.List(new { channel_code = "web" })).Codes());
        Assert.Empty((await org.Search(new { channel_code = "web", q = "classic" })).Codes());
        await org.StorefrontCall("get", new { channel_code = "web", style_code = "tee" }).Problem(HttpStatusCode.NotFound, "not_found");
        Assert.DoesNotContain((await org.Group(new { channel_code = "web", by = "brand" })).GetProperty("items").EnumerateArray(), b => b.Text("code") == "northwind");

        // Back online at the pointer it kept.
        pointer = await org.Post("/pmc/product/pointer/get", new { channel_code = "web", style_guid = org.StyleGuid }).Ok();
        await org.Post("/pmc/product/online/set",
            new { channel_code = "web", style_guid = org.StyleGuid, reason = "cleared", expected_revision = pointer.Revision() }).Ok();
        Assert.Equal(["tee", "chino"], (await org.List(new { channel_code = "web" })).Codes());
        Assert.Equal(1, (await org.Get(new { channel_code = "web", style_code = "tee" })).GetProperty("revision_no").GetInt32());

        // A cleared pointer takes the product off the storefront too.
        pointer = await org.Post("/pmc/product/pointer/get", new { channel_code = "web", style_guid = chino.StyleGuid }).Ok();
        await org.Post("/pmc/product/pointer/clear",
            new { channel_code = "web", style_guid = chino.StyleGuid, reason = "withdrawn", expected_revision = pointer.Revision() }).Ok();
        Assert.Equal(["tee"], (await org.List(new { channel_code = "web" })).Codes());
    }

    [Fact]
    public async Task received_stock_puts_a_product_in_stock_through_ics_events()
    {
        var (org, chino) = await TwoProductsOnlineAsync();
        var ics = new IcsOrg(org.Orgcode, org.Owner, chino.Variants);

        await ics.Receive("store-2", chino.Variants[1], 3);
        await Waits.UntilAsync(async () => (await org.List(new { channel_code = "web", in_stock = true })).Codes().SequenceEqual(["chino"]),
            "chino is in stock in the storefront");
        Assert.Equal(["tee"], (await org.List(new { channel_code = "web", in_stock = false })).Codes());
        var got = await org.Get(new { channel_code = "web", style_guid = chino.StyleGuid });
        Assert.True(got.GetProperty("in_stock").GetBoolean());
        Assert.Equal([chino.Variants[1]], got.GetProperty("variants_in_stock").EnumerateArray().Select(v => v.GetString()).ToList());
        Assert.True((await org.List(new { channel_code = "web", brand_code = "contoso" })).GetProperty("items")[0].GetProperty("in_stock").GetBoolean());
    }

    [Fact]
    public async Task another_org_or_channel_never_sees_the_products()
    {
        var (org, _) = await TwoProductsOnlineAsync();
        var other = await host.NewOrgAsync("sf-other");

        Assert.Empty((await org.List(new { channel_code = "pos" })).Codes());
        Assert.Empty((await other.List(new { channel_code = "web" })).Codes());
        Assert.Empty((await other.Search(new { channel_code = "web", q = "classic", facets = true })).Codes());
        Assert.Empty((await other.Group(new { channel_code = "web", by = "brand" })).GetProperty("items").EnumerateArray());
        await other.StorefrontCall("get", new { channel_code = "web", style_guid = org.StyleGuid }).Problem(HttpStatusCode.NotFound, "not_found");
        // The other org's own tee is a different product, offline until published there.
        await other.StorefrontCall("get", new { channel_code = "web", style_code = "tee" }).Problem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task bad_input_is_refused_with_a_stable_code_and_odd_search_text_is_no_error()
    {
        var org = await host.NewOrgAsync("sf-bad");

        await org.StorefrontCall("list", new { }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.StorefrontCall("get", new { style_code = "tee" }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.StorefrontCall("list", new { channel_code = "nowhere" }).Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        await org.StorefrontCall("list", new { channel_code = "Not A Code!" }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.StorefrontCall("list", new { channel_code = "web", limit = 101 }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.StorefrontCall("list", new { channel_code = "web", limit = 0 }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.StorefrontCall("list", new { channel_code = "web", sort = "relevance" }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.StorefrontCall("list", new { channel_code = "web", sort = "cheapest" }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.StorefrontCall("list", new { channel_code = "web", price_min_minor = 500, price_max_minor = 100 }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.StorefrontCall("list", new { channel_code = "web", price_min_minor = -1 }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.StorefrontCall("list", new { channel_code = "web", brand_guid = "not-a-guid" }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.StorefrontCall("list", new { channel_code = "web", options = new[] { new { option_group_code = "size" } } })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.StorefrontCall("list", new { channel_code = "web", colour = "red" }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.StorefrontCall("list", new { channel_code = "web", next_token = "bm9wZQ" }).Problem(HttpStatusCode.BadRequest, "invalid_next_token");
        await org.StorefrontCall("list", new { channel_code = "web", price_max_minor = "9999999999999999999999" }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.StorefrontCall("get", new { channel_code = "web", style_code = "tee", style_guid = org.StyleGuid }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.StorefrontCall("search", new { channel_code = "web" }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.StorefrontCall("search", new { channel_code = "web", q = new string('a', 201) }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.StorefrontCall("group", new { channel_code = "web" }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.StorefrontCall("group", new { channel_code = "web", by = "season" }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.StorefrontCall("list", new { }, ("x-channel-code", "nowhere")).Problem(HttpStatusCode.BadRequest, "validation_failed");

        foreach (var q in new[] { "\"", "tee\" OR \"", "*", "a AND", "scope : s1", "(((", "🙂", "tee)", "^tee", "-tee", "name:tee", "'; --" })
        {
            var answer = await org.Search(new { channel_code = "web", q, facets = true });
            Assert.Empty(answer.GetProperty("items").EnumerateArray());
        }
    }
}
