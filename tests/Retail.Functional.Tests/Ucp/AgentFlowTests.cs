using System.Net;
using System.Text.Json;
using Retail.Functional.Tests.Ics;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Scm;

namespace Retail.Functional.Tests.Ucp;

/// <summary>
/// UC-UCP-001..006 end to end, as an agent platform behaves: discover the merchant, search its catalog, check out, receive
/// the signed <c>order.placed</c> webhook and verify it with the key the profile publishes, then follow the order through
/// SCM's fulfilment to delivered.
/// </summary>
public sealed class AgentFlowTests : IAsyncLifetime
{
    private RetailHostFactory _factory = null!;
    private HttpClient _operator = null!;
    private WebhookReceiver _receiver = null!;

    public async ValueTask InitializeAsync()
    {
        _factory = ServiceHost.Start(UcpShopHost.Modules);
        _operator = _factory.CreateOperatorClient();
        _receiver = await WebhookReceiver.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _receiver.DisposeAsync();
        _operator.Dispose();
        await _factory.DisposeAsync();
    }

    [Fact]
    public async Task UC_UCP_003_an_agent_discovers_searches_checks_out_gets_the_signed_webhook_and_follows_its_order_to_delivered()
    {
        // The merchant: tee published online in web, 10 of each variant at store-1, tax, UCP checkout and order webhooks.
        var pmc = await Pmc.PmcHost.NewOrgAsync(_factory, _operator, "ucpa");
        await Pmc.StorefrontSteps.PublishOnlineAsync(pmc, pmc.StyleGuid);
        await Pmc.StorefrontSteps.ListsAsync(pmc, new { channel_code = "web" }, "tee");
        var org = new ScmOrg(pmc.Orgcode, pmc.Owner, pmc.Owner, pmc.Owner, pmc.Variants, []);
        foreach (var variant in pmc.Variants)
        {
            await org.Inventory.Receive("store-1", variant, 10);
        }
        await org.TaxPolicy();
        await org.Post("/ucp/config/set", new { capabilities = new { checkout = true, order = true }, channel_code = "web" }).Ok();
        var platform = await UcpSteps.RegisterPlatformAsync(org.Owner.Client, org.Orgcode);
        var secret = (await org.Owner.SetWebhookAsync(org.Orgcode, platform.PlatformGuid, _receiver.Url("/agent/orders"),
            ["order.created", "order.placed", "fulfillment.delivered"])).GetProperty("secret").GetString()!;
        var shop = new Shop(org, platform, _factory);

        // Discover: the profile names the REST endpoint and the keys webhooks are signed with.
        using var anonymous = _factory.CreateClient();
        using var discovery = new HttpRequestMessage(HttpMethod.Get, "/.well-known/ucp");
        discovery.Headers.Add("x-orgcode", org.Orgcode);
        using var profileAnswer = await anonymous.SendAsync(discovery);
        Assert.Equal(HttpStatusCode.OK, profileAnswer.StatusCode);
        var profile = await profileAnswer.JsonAsync();
        var service = Assert.Single(profile.GetProperty("ucp").GetProperty("services").GetProperty("dev.ucp.shopping").EnumerateArray());
        Assert.Equal("http://localhost/ucp", service.Text("endpoint"));
        IReadOnlyList<JsonElement> jwks = [.. profile.GetProperty("signing_keys").EnumerateArray().Select(k => k.Clone())];
        Assert.NotEmpty(jwks);

        // Search: the catalog shows tee with an available variant (the storefront follows ICS's stock).
        string variantId = "";
        await Waits.UntilAsync(async () =>
        {
            var (_, search) = await shop.Rest(HttpMethod.Post, "/ucp/catalog/search", new { query = "classic" }, channel: "web");
            var product = search.GetProperty("products").EnumerateArray().FirstOrDefault();
            var available = product.ValueKind == JsonValueKind.Object
                ? product.GetProperty("variants").EnumerateArray().FirstOrDefault(v => v.GetProperty("availability").GetProperty("available").GetBoolean())
                : default;
            variantId = available.ValueKind == JsonValueKind.Object ? available.Text("id")! : "";
            return variantId.Length > 0;
        }, "the catalog shows an available variant");
        Assert.Contains(variantId, pmc.Variants);

        // Check out: create with the item, update with buyer, destination and payment, complete.
        var (createdStatus, created) = await shop.Rest(HttpMethod.Post, "/ucp/checkout-sessions", CheckoutSteps.RestBody(variantId, 2, complete: false), "agent-create");
        Assert.Equal(HttpStatusCode.Created, createdStatus);
        Assert.Equal("incomplete", created.Text("status"));
        var id = created.Text("id")!;
        var (_, ready) = await shop.Rest(HttpMethod.Put, $"/ucp/checkout-sessions/{id}", CheckoutSteps.RestBody(variantId, 2, complete: true), "agent-update");
        Assert.Equal("ready_for_complete", ready.Text("status"));
        var (completeStatus, completed) = await shop.Rest(HttpMethod.Post, $"/ucp/checkout-sessions/{id}/complete", new { }, "agent-complete");
        Assert.Equal(HttpStatusCode.OK, completeStatus);
        Assert.Equal("completed", completed.Text("status"));
        var orderId = completed.GetProperty("order").Text("id")!;

        // The signed order.placed webhook arrives for the platform's order and verifies with the published key.
        var placed = Assert.Single(await _receiver.WaitForAsync(r => r.PathAndQuery == "/agent/orders" && r.Text.Contains("\"order.placed\"")));
        using (var body = JsonDocument.Parse(placed.Body))
        {
            Assert.Equal("order.placed", body.RootElement.Text("type"));
            Assert.Equal(orderId, body.RootElement.GetProperty("data").Text("order_guid"));
        }
        WebhookSteps.AssertSigned(placed, secret, jwks);
        // order.created too: SCM publishes it before checkout has linked the order, so the fan-out finds the platform by the session.
        var createdHook = Assert.Single(await _receiver.WaitForAsync(r => r.PathAndQuery == "/agent/orders" && r.Text.Contains("\"order.created\"")));
        using (var body = JsonDocument.Parse(createdHook.Body))
        {
            Assert.Equal(orderId, body.RootElement.GetProperty("data").Text("order_guid"));
        }
        WebhookSteps.AssertSigned(createdHook, secret, jwks);

        // The order as the platform reads it: processing, nothing fulfilled yet.
        var order = await OrderAsync(shop, orderId);
        Assert.Equal(id, order.Text("checkout_id"));
        var line = Assert.Single(order.GetProperty("line_items").EnumerateArray());
        Assert.Equal(("processing", 0L), (line.Text("status"), line.GetProperty("quantity").GetProperty("fulfilled").GetInt64()));

        // SCM fulfils: the saga commits the captured order, a shipment is picked, packed, shipped and delivered.
        await org.CommittedBySagaAsync(orderId);
        await org.ShipAndDeliverAsync(orderId);
        var delivered = Assert.Single(await _receiver.WaitForAsync(r => r.PathAndQuery == "/agent/orders" && r.Text.Contains("\"fulfillment.delivered\"")));
        WebhookSteps.AssertSigned(delivered, secret, jwks);

        order = await OrderAsync(shop, orderId);
        line = Assert.Single(order.GetProperty("line_items").EnumerateArray());
        Assert.Equal(("fulfilled", 2L), (line.Text("status"), line.GetProperty("quantity").GetProperty("fulfilled").GetInt64()));
        Assert.Equal("fulfilled", (await org.OrderAsync(orderId)).Text("status"));
    }

    private static async Task<JsonElement> OrderAsync(Shop shop, string orderId)
    {
        var (status, order) = await shop.Rest(HttpMethod.Get, "/ucp/orders/" + orderId);
        Assert.True(status == HttpStatusCode.OK, $"{(int)status}: {order}");
        UcpSchemas.AssertValid(order, UcpSchemas.Order);
        return order;
    }
}
