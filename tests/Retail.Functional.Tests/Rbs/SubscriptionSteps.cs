using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Retail.Functional.Tests.Infrastructure;
using Retail.Shared.Webhooks;
using StandardWebhooks;

namespace Retail.Functional.Tests.Rbs;

/// <summary>Steps of the subscription tests: register, verify, change, read, and what the partner's endpoint received.</summary>
public static class SubscriptionSteps
{
    public static string Str(this JsonElement json, string name) => json.GetProperty(name).GetString()!;

    public static long Long(this JsonElement json, string name) => json.GetProperty(name).GetInt64();

    public static Task<HttpResponseMessage> Register(this RbsOrg org, Uri url, string[] topics, object[]? filters = null) =>
        org.Post("/rbs/subscription/register", new { url = url.ToString(), topics, filters = filters ?? [], description = "partner" });

    public static Task<HttpResponseMessage> Verify(this RbsOrg org, JsonElement subscription) =>
        org.Post("/rbs/subscription/verify", new { subscription_guid = subscription.Str("subscription_guid"), expected_revision = subscription.Long("revision") });

    public static Task<HttpResponseMessage> SetStatus(this RbsOrg org, JsonElement subscription, string status) =>
        org.Post("/rbs/subscription/status/set", new { subscription_guid = subscription.Str("subscription_guid"), expected_revision = subscription.Long("revision"), status });

    public static Task<JsonElement> Get(this RbsOrg org, JsonElement subscription) =>
        org.Post(org.Viewer, "/rbs/subscription/get", new { subscription_guid = subscription.Str("subscription_guid") }).Ok();

    /// <summary>Registers and verifies a subscription (the receiver echoes challenges); answers (the active subscription, its secret).</summary>
    public static async Task<(JsonElement Subscription, string Secret)> Active(this RbsOrg org, Uri url, string[] topics, object[]? filters = null)
    {
        var registered = await org.Register(url, topics, filters).Ok(HttpStatusCode.Created);
        var active = await org.Verify(registered.GetProperty("subscription")).Ok();
        Assert.Equal("active", active.Str("status"));
        return (active, registered.Str("secret"));
    }

    /// <summary>Answers each verification challenge with <c>{"challenge": "…"}</c> and every other request with 200.</summary>
    public static void EchoChallenges(this WebhookReceiver receiver) => receiver.Respond(r =>
        Type(r) == "rbs.subscription.verification" ? (HttpStatusCode.OK, JsonSerializer.Serialize(new { challenge = Challenge(r) }), TimeSpan.Zero)
        : (HttpStatusCode.OK, null, TimeSpan.Zero));

    public static string? Type(ReceivedRequest request) => Json(request).GetProperty("type").GetString();

    public static string Challenge(ReceivedRequest request) => Json(request).GetProperty("data").GetProperty("challenge").GetString()!;

    public static JsonElement Json(ReceivedRequest request)
    {
        using var json = JsonDocument.Parse(request.Body);
        return json.RootElement.Clone();
    }

    /// <summary>Checks the Standard Webhooks signature with the library, as a partner would (throws when it does not verify).</summary>
    public static void VerifySignature(ReceivedRequest request, string secret)
    {
        var headers = new HeaderDictionary();
        foreach (var name in new[] { "webhook-id", "webhook-timestamp", "webhook-signature" })
        {
            headers[name] = request.Headers[name];
        }
        new StandardWebhook(secret).Verify(request.Text, headers);
    }

    /// <summary>The engine's deliveries to a subscription (what /ipm-style delivery logs would show), newest first.</summary>
    public static async Task<IReadOnlyList<WebhookDeliveryRecord>> DeliveriesAsync(this RbsHost host, string orgcode, JsonElement subscription)
    {
        await using var scope = host.Factory.Services.CreateAsyncScope();
        var deliveries = scope.ServiceProvider.GetRequiredKeyedService<IWebhookDeliveries>("rbs");
        return (await deliveries.ListAsync(orgcode, new DestinationRef("subscription", subscription.Str("subscription_guid")), limit: 500)).Items;
    }

    /// <summary>Waits until the engine holds a delivery of <paramref name="eventType"/> to the subscription.</summary>
    public static async Task<WebhookDeliveryRecord> StagedAsync(this RbsHost host, string orgcode, JsonElement subscription, string eventType,
        Func<WebhookDeliveryRecord, bool>? match = null)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var found = (await host.DeliveriesAsync(orgcode, subscription)).FirstOrDefault(d => d.EventType == eventType && (match?.Invoke(d) ?? true));
            if (found is not null)
            {
                return found;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"no {eventType} delivery was staged");
            }
            await Task.Delay(100);
        }
    }
}
