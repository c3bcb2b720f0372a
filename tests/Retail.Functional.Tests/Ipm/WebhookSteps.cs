using System.Net;
using System.Text.Json;
using Retail.Functional.Tests.Infrastructure;

namespace Retail.Functional.Tests.Ipm;

/// <summary>Webhook calls as an org's admin makes them, and a CRM customer to raise <c>customer.created</c>.</summary>
public static class WebhookSteps
{
    /// <summary>Creates a webhook (201) and answers the whole answer: <c>secret</c> and <c>webhook</c>.</summary>
    public static Task<JsonElement> CreateWebhookAsync(this IpmOrg org, Uri url, params string[] eventTypes) =>
        org.Post("/ipm/webhook/create", new { url = url.ToString(), event_types = eventTypes, description = "test endpoint" }).Ok(HttpStatusCode.Created);

    public static Task<JsonElement> WebhookAsync(this IpmOrg org, string webhookGuid, bool deliveries = false) =>
        org.Post("/ipm/webhook/get", new { webhook_guid = webhookGuid, include_deliveries = deliveries }).Ok();

    public static async Task<JsonElement> SetStatusAsync(this IpmOrg org, string webhookGuid, string status)
    {
        var current = await org.WebhookAsync(webhookGuid);
        return await org.Post("/ipm/webhook/status/set",
            new { webhook_guid = webhookGuid, status, expected_revision = current.GetProperty("revision").GetInt64() }).Ok();
    }

    /// <summary>Creates a CRM customer as the org's member; answers its guid (the subject of <c>customer.created</c>).</summary>
    public static async Task<string> CustomerAsync(this IpmOrg org, string? email = null)
    {
        var customer = await org.Post(org.Clerk, "/crm/customer/create", new
        {
            email = email ?? $"c{Guid.NewGuid():N}@example.com",
            given_name = "Ada",
            family_name = "Lovelace",
        }).Ok(HttpStatusCode.Created);
        return customer.GetProperty("customer_guid").GetString()!;
    }

    /// <summary>The webhook's deliveries (newest first), waiting until <paramref name="until"/> holds for them.</summary>
    public static async Task<JsonElement[]> DeliveriesAsync(this IpmOrg org, string webhookGuid, Func<JsonElement[], bool> until, string what)
    {
        JsonElement[] items = [];
        await Waits.UntilAsync(async () =>
        {
            var webhook = await org.WebhookAsync(webhookGuid, deliveries: true);
            items = [.. webhook.GetProperty("deliveries").GetProperty("items").EnumerateArray()];
            return until(items);
        }, what);
        return items;
    }

    /// <summary>The CloudEvent a webhook request carried.</summary>
    public static JsonElement Event(this ReceivedRequest request) => JsonDocument.Parse(request.Body).RootElement.Clone();

    public static bool IsFor(this ReceivedRequest request, string subjectGuid) => request.Text.Contains(subjectGuid, StringComparison.Ordinal);

    public static string Status(this JsonElement json) => json.GetProperty("status").GetString()!;
}

/// <summary>IPM's business events in its outbox (its CDC events, whose type for a webhook can read the same, left out).</summary>
public static class IpmOutbox
{
    public static IReadOnlyList<JsonElement> BusinessEvents(this RetailHostFactory factory, string orgcode, string type) =>
        [.. factory.OutboxEvents("ipm", orgcode, type).Where(e => !e.TryGetProperty("entity", out _))];
}
