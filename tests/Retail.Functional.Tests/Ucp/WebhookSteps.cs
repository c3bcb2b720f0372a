using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;
using Retail.Shared.Embedded;
using Retail.Shared.Events;
using Retail.Shared.Records;
using Retail.Shared.Webhooks;
using Retail.Ucp.Webhooks;

namespace Retail.Functional.Tests.Ucp;

/// <summary>Steps of the order webhook tests: a platform's webhook config, SCM events of orders placed through it, signature checks.</summary>
internal static class WebhookSteps
{
    public static Task<JsonElement> SetWebhookAsync(this TestUser admin, string orgcode, string platformGuid, Uri url, string[] types,
        long? expectedRevision = null, string? status = null) =>
        admin.Client.Post("/ucp/webhook/config/set", new
        {
            platform_guid = platformGuid,
            url = url.ToString(),
            event_types = types,
            status,
            expected_revision = expectedRevision,
        }, orgcode).Ok();

    public static Task<JsonElement> WebhookAsync(this TestUser user, string orgcode, string platformGuid) =>
        user.Client.Post("/ucp/webhook/config/get", new { platform_guid = platformGuid }, orgcode).Ok();

    /// <summary>
    /// The order came through the platform: the link a completed checkout writes with its order (the checkout work's step),
    /// written here directly so these tests do not depend on checkout.
    /// </summary>
    public static async Task LinkOrderAsync(this RetailHostFactory factory, string orgcode, string orderGuid, string platformGuid)
    {
        using var scope = factory.Services.CreateScope();
        var links = scope.ServiceProvider.GetRequiredService<RecordStore<UcpOrderLink>>();
        var write = await links.CreateAsync(orgcode, new UcpOrderLink { OrderGuid = orderGuid, PlatformGuid = platformGuid, CheckoutGuid = Guid.NewGuid().ToString() });
        Assert.True(write.Succeeded, write.Outcome.ToString());
    }

    /// <summary>An SCM order event on the bus, as SCM publishes it (its data names the order).</summary>
    public static async Task<string> PublishOrderEventAsync(this RetailHostFactory factory, string orgcode, string type, string orderGuid, string? id = null)
    {
        id ??= Guid.NewGuid().ToString();
        var data = new Dictionary<string, object?>
        {
            ["orgcode"] = orgcode,
            ["order_guid"] = orderGuid,
            ["order_number"] = "UCP-" + orderGuid[..8],
            ["channel_code"] = "web",
            ["status"] = "placed",
            ["revision"] = 2,
        };
        await factory.Services.GetRequiredKeyedService<IEventBus>("ucp").PublishAsync(type, type, data, new EventOptions(Orgcode: orgcode, Id: id));
        return id;
    }

    /// <summary>The statuses of the engine's deliveries to the platform's webhook (its log; the API answers only the health).</summary>
    public static async Task<IReadOnlyList<string>> DeliveriesAsync(RetailHostFactory factory, string orgcode, string platformGuid)
    {
        using var scope = factory.Services.CreateScope();
        var deliveries = scope.ServiceProvider.GetRequiredKeyedService<IWebhookDeliveries>("ucp");
        var page = await deliveries.ListAsync(orgcode, UcpWebhookConfig.Of(platformGuid), limit: 100);
        return [.. page.Items.Select(d => d.Status.ToString().ToLowerInvariant())];
    }

    /// <summary>Every event UCP's bus took has been handled (the fan-out saw it).</summary>
    public static Task DrainedAsync(RetailHostFactory factory)
    {
        var diagnostics = factory.Services.GetRequiredService<EventBusDiagnostics>();
        return Waits.UntilAsync(async () => await diagnostics.PendingCountAsync("ucp") == 0, "UCP's outbox has delivered its events");
    }

    public static string Header(this ReceivedRequest request, string name) =>
        request.Headers.TryGetValue(name.ToLowerInvariant(), out var value) ? value : throw new Xunit.Sdk.XunitException($"no {name} header");

    /// <summary>The HMAC header, the Content-Digest and the detached JWS (with <paramref name="jwks"/>) all verify over the body as received.</summary>
    public static void AssertSigned(ReceivedRequest request, string secret, IReadOnlyList<JsonElement> jwks)
    {
        var expectedHmac = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), request.Body));
        Assert.Equal(expectedHmac, request.Header("X-UCP-Signature"));
        Assert.Equal($"sha-256=:{Convert.ToBase64String(SHA256.HashData(request.Body))}:", request.Header("Content-Digest"));
        Assert.False(string.IsNullOrEmpty(request.Header("Webhook-Id")));
        Assert.True(long.TryParse(request.Header("Webhook-Timestamp"), out _));

        var parts = request.Header("X-UCP-JWS").Split('.');
        Assert.Equal(3, parts.Length);
        Assert.Equal("", parts[1]); // detached: the payload is the body
        using var header = JsonDocument.Parse(FromBase64Url(parts[0]));
        Assert.Equal("ES256", header.RootElement.GetProperty("alg").GetString());
        var kid = header.RootElement.GetProperty("kid").GetString();
        var jwk = Assert.Single(jwks, k => k.GetProperty("kid").GetString() == kid);
        Assert.Equal("EC", jwk.GetProperty("kty").GetString());
        Assert.Equal("P-256", jwk.GetProperty("crv").GetString());
        using var key = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = FromBase64Url(jwk.GetProperty("x").GetString()!), Y = FromBase64Url(jwk.GetProperty("y").GetString()!) },
        });
        var signingInput = Encoding.ASCII.GetBytes(parts[0] + "." + ToBase64Url(request.Body));
        Assert.True(key.VerifyData(signingInput, FromBase64Url(parts[2]), HashAlgorithmName.SHA256), "the detached JWS verifies with the published key");
        var tampered = Encoding.ASCII.GetBytes(parts[0] + "." + ToBase64Url([.. request.Body, (byte)' ']));
        Assert.False(key.VerifyData(tampered, FromBase64Url(parts[2]), HashAlgorithmName.SHA256), "a changed body does not verify");
    }

    public static byte[] FromBase64Url(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + (4 - s.Length % 4) % 4, '='));
    }

    public static string ToBase64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
