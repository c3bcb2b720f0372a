using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;
using Retail.Functional.Tests.Pmc;

namespace Retail.Functional.Tests.Ucp;

/// <summary>One host with the catalog (PVM, PPM, ICS, PMC) and UCP: a platform reads the published catalog over UCP REST.</summary>
public sealed class UcpCatalogHost() : ServiceHost([.. PmcHost.Modules, "crm", "ucp"])
{
    /// <summary>An org with <c>tee</c> (six priced variants) published and online in <c>web</c>, and a registered platform.</summary>
    public async Task<(PmcOrg Org, UcpPlatform Platform)> CatalogAsync()
    {
        var org = await PmcHost.NewOrgAsync(Factory, Operator, "ucpc");
        await org.PublishOnlineAsync(org.StyleGuid);
        await org.ListsAsync(new { channel_code = "web" }, "tee");
        var platform = await UcpSteps.RegisterPlatformAsync(org.Owner.Client, org.Orgcode);
        return (org, platform);
    }

    public async Task<(HttpStatusCode Status, JsonElement Body)> CallAsync(UcpPlatform? platform, HttpMethod method, string path, object? body,
        string? channel = "web")
    {
        using var client = Factory.CreateClient();
        using var request = new HttpRequestMessage(method, path);
        if (platform is not null)
        {
            request.Headers.Authorization = platform.Basic;
        }
        if (channel is not null)
        {
            request.Headers.Add("x-channel-code", channel);
        }
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(text.Length > 0, $"{method} {path} answered {(int)response.StatusCode} with no body");
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }
}

/// <summary>UCP REST catalog: search, lookup and product answer the channel's online products in the spec's shapes.</summary>
public sealed class CatalogTests(UcpCatalogHost host) : IClassFixture<UcpCatalogHost>
{
    [Fact]
    public async Task search_lookup_and_product_answer_the_published_products_with_prices_and_availability_in_the_spec_shapes()
    {
        var (org, platform) = await host.CatalogAsync();

        var (status, search) = await host.CallAsync(platform, HttpMethod.Post, "/ucp/catalog/search", new { query = "classic" });
        Assert.Equal(HttpStatusCode.OK, status);
        UcpSchemas.AssertValid(search, UcpSchemas.Search);
        var product = Assert.Single(search.GetProperty("products").EnumerateArray());
        Assert.Equal(org.StyleGuid, product.GetProperty("id").GetString());
        Assert.Equal("Classic tee", product.GetProperty("title").GetString());
        Assert.Equal(6, product.GetProperty("variants").GetArrayLength());
        Assert.Equal(1000, product.GetProperty("price_range").GetProperty("min").GetProperty("amount").GetInt64());
        Assert.Equal(1500, product.GetProperty("price_range").GetProperty("max").GetProperty("amount").GetInt64());
        Assert.Equal("EUR", product.GetProperty("price_range").GetProperty("min").GetProperty("currency").GetString());
        Assert.All(product.GetProperty("variants").EnumerateArray(), v => Assert.False(v.GetProperty("availability").GetProperty("available").GetBoolean()));
        Assert.False(search.GetProperty("pagination").GetProperty("has_next_page").GetBoolean());

        var (_, nothing) = await host.CallAsync(platform, HttpMethod.Post, "/ucp/catalog/search", new { query = "no-such-words-anywhere" });
        UcpSchemas.AssertValid(nothing, UcpSchemas.Search);
        Assert.Empty(nothing.GetProperty("products").EnumerateArray());

        var (lookupStatus, lookup) = await host.CallAsync(platform, HttpMethod.Post, "/ucp/catalog/lookup", new { ids = new[] { org.StyleGuid, "no-such-product" } });
        Assert.Equal(HttpStatusCode.OK, lookupStatus);
        UcpSchemas.AssertValid(lookup, UcpSchemas.Lookup);
        Assert.Equal(org.StyleGuid, Assert.Single(lookup.GetProperty("products").EnumerateArray()).GetProperty("id").GetString());
        Assert.Equal("not_found", Assert.Single(lookup.GetProperty("messages").EnumerateArray()).GetProperty("code").GetString());

        var (productStatus, one) = await host.CallAsync(platform, HttpMethod.Post, "/ucp/catalog/product", new { id = "tee" });
        Assert.Equal(HttpStatusCode.OK, productStatus);
        UcpSchemas.AssertValid(one, UcpSchemas.Product);
        Assert.Equal(org.StyleGuid, one.GetProperty("product").GetProperty("id").GetString());

        var (missingStatus, missing) = await host.CallAsync(platform, HttpMethod.Post, "/ucp/catalog/product", new { id = "no-such-product" });
        Assert.Equal(HttpStatusCode.NotFound, missingStatus);
        UcpSchemas.AssertValid(missing, UcpSchemas.Error);
        Assert.Equal("not_found", missing.GetProperty("messages")[0].GetProperty("code").GetString());

        // Another channel does not sell it.
        var (_, pos) = await host.CallAsync(platform, HttpMethod.Post, "/ucp/catalog/search", new { query = "classic" }, channel: "pos");
        Assert.Empty(pos.GetProperty("products").EnumerateArray());
    }

    [Fact]
    public async Task a_platform_that_names_no_channel_shops_in_the_orgs_ucp_channel()
    {
        var (org, platform) = await host.CatalogAsync();
        var (status, refused) = await host.CallAsync(platform, HttpMethod.Post, "/ucp/catalog/search", new { query = "classic" }, channel: null);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        UcpSchemas.AssertValid(refused, UcpSchemas.Error);
        Assert.Equal("channel_required", refused.GetProperty("messages")[0].GetProperty("code").GetString());

        await org.Owner.Client.Post("/ucp/config/set", new { capabilities = new { checkout = true }, channel_code = "web" }, org.Orgcode).Ok();
        var (found, search) = await host.CallAsync(platform, HttpMethod.Post, "/ucp/catalog/search", new { query = "classic" }, channel: null);
        Assert.Equal(HttpStatusCode.OK, found);
        Assert.Equal(org.StyleGuid, Assert.Single(search.GetProperty("products").EnumerateArray()).GetProperty("id").GetString());
        // A caller that names a channel still gets that channel's catalog.
        var (_, pos) = await host.CallAsync(platform, HttpMethod.Post, "/ucp/catalog/search", new { query = "classic" }, channel: "pos");
        Assert.Empty(pos.GetProperty("products").EnumerateArray());
    }

    [Fact]
    public async Task an_unauthenticated_call_is_401_in_the_spec_error_shape()
    {
        var (_, platform) = await host.CatalogAsync();
        var (status, body) = await host.CallAsync(null, HttpMethod.Post, "/ucp/catalog/search", new { query = "classic" });
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        UcpSchemas.AssertValid(body, UcpSchemas.Error);
        var wrong = platform with { ClientSecret = "not-the-secret" };
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.CallAsync(wrong, HttpMethod.Post, "/ucp/catalog/lookup", new { ids = new[] { "tee" } })).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.CallAsync(null, HttpMethod.Get, "/ucp/orders/" + Guid.NewGuid(), null)).Status);
    }

    [Fact]
    public async Task an_order_of_another_platform_or_no_order_is_404_in_the_spec_error_shape()
    {
        var (org, platform) = await host.CatalogAsync();
        var other = await UcpSteps.RegisterPlatformAsync(org.Owner.Client, org.Orgcode, "Other platform");
        var orderGuid = Guid.NewGuid().ToString();
        await host.Factory.LinkOrderAsync(org.Orgcode, orderGuid, other.PlatformGuid);

        var (status, body) = await host.CallAsync(platform, HttpMethod.Get, "/ucp/orders/" + orderGuid, null);
        Assert.Equal(HttpStatusCode.NotFound, status);
        UcpSchemas.AssertValid(body, UcpSchemas.Error);
        Assert.Equal("not_found", body.GetProperty("messages")[0].GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await host.CallAsync(platform, HttpMethod.Get, "/ucp/orders/" + Guid.NewGuid(), null)).Status);
    }
}
