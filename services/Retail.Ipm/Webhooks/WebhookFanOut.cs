using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Retail.Shared.Events;
using Retail.Shared.Hosting;
using Retail.Shared.Webhooks;

namespace Retail.Ipm.Webhooks;

/// <summary>
/// Every business event of the catalog, turned into deliveries: one route per topic (so the Dapr sidecar lists a
/// subscription per topic, and the topic names the type when the bus passes no CloudEvent attributes), and for each event
/// one delivery per receiving webhook of the event's org whose filters take it, staged in one batch. A redelivered event
/// stages nothing twice: each delivery holds the unique (webhook, event id).
/// </summary>
public static class WebhookFanOut
{
    public const string RoutePrefix = "/events/webhooks/";

    public static IEndpointRouteBuilder MapWebhookFanOut(this IEndpointRouteBuilder routes)
    {
        var pubSub = routes.ServiceProvider.GetRequiredService<IOptions<RetailOptions>>().Value.PubSubName;
        foreach (var entry in EventTypeFilters.Catalog.Entries)
        {
            var type = entry.Type;
            routes.MapPost(RoutePrefix + type, (HttpContext http, RecordStore<Webhook> webhooks, [FromKeyedServices(IpmModule.Id)] IWebhookDeliveries deliveries,
                    RequestContext context, TimeProvider clock, ILogger<Webhook> logger, CancellationToken ct) =>
                    OnEvent(type, http, webhooks, deliveries, context, clock, logger, ct))
                .WithTopic(pubSub, type).RequireInternal().ExcludeFromDescription();
        }
        return routes;
    }

    public static async Task<Results<Ok, BadRequest>> OnEvent(string topic, HttpContext http, RecordStore<Webhook> webhooks, IWebhookDeliveries deliveries,
        RequestContext context, TimeProvider clock, ILogger logger, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        byte[] data;
        using (var buffer = new MemoryStream())
        {
            await http.Request.Body.CopyToAsync(buffer, ct);
            data = buffer.ToArray();
        }
        JsonElement body;
        try
        {
            using var document = JsonDocument.Parse(data);
            body = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return TypedResults.BadRequest();
        }
        var headers = http.Request.Headers;
        var orgcode = Header(http, "ce-orgcode") ?? context.Orgcode ?? Header(http, "x-orgcode")
            ?? (body.ValueKind == JsonValueKind.Object && body.TryGetProperty("orgcode", out var org) && org.ValueKind == JsonValueKind.String ? org.GetString() : null);
        if (orgcode is null)
        {
            return TypedResults.Ok(); // not an org's event: no org has webhooks for it
        }
        var type = Header(http, "ce-type") ?? topic;
        // Without the CloudEvent's id (a bus that passes only the data) the id is derived from the event itself, so a
        // redelivery still maps to the same deliveries.
        var id = Header(http, "ce-id") ?? "sha256:" + Convert.ToHexStringLower(SHA256.HashData([.. Encoding.UTF8.GetBytes(type + "\n"), .. data]));
        var time = DateTimeOffset.TryParse(Header(http, "ce-time"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : clock.GetUtcNow();
        var source = Header(http, "ce-source") ?? "retail";
        var subject = Header(http, "ce-subject");

        var targets = new Dictionary<string, Webhook>(StringComparer.Ordinal);
        foreach (var filter in EventTypeFilters.MatchingFilters(type))
        {
            string? token = null;
            do
            {
                var page = await webhooks.ListByValueAsync(orgcode, "event_type", filter, 100, token, ct: ct);
                foreach (var webhook in page.Items.Where(w => w.Receives))
                {
                    targets.TryAdd(webhook.WebhookGuid, webhook);
                }
                token = page.NextToken;
            }
            while (token is not null);
        }
        if (targets.Count == 0)
        {
            return TypedResults.Ok();
        }
        var payload = CloudEvent(id, source, type, time, subject, orgcode, data);
        var message = new WebhookMessage(id, type, payload, time);
        var batch = new RecordBatch();
        foreach (var webhook in targets.Values.OrderBy(w => w.WebhookGuid, StringComparer.Ordinal))
        {
            deliveries.Enqueue(batch, orgcode, webhook.Destination, message);
        }
        var write = await batch.CommitAsync(ct);
        if (write.Outcome == RecordWriteOutcome.Duplicate)
        {
            logger.LogDebug("Event {EventId} ({Type}) of {Orgcode} was already staged for its webhooks", id, type, orgcode);
            return TypedResults.Ok();
        }
        if (!write.Succeeded)
        {
            throw new InvalidOperationException($"staging the deliveries of {id} failed: {write.Outcome}; the event comes again");
        }
        return TypedResults.Ok();
    }

    /// <summary>The CloudEvent (structured JSON) a webhook receives: the business event's attributes and its data as published.</summary>
    public static byte[] CloudEvent(string id, string source, string type, DateTimeOffset time, string? subject, string orgcode, byte[] data)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("specversion", "1.0");
            json.WriteString("id", id);
            json.WriteString("source", source);
            json.WriteString("type", type);
            json.WriteString("time", time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture));
            if (subject is not null)
            {
                json.WriteString("subject", subject);
            }
            json.WriteString("orgcode", orgcode);
            json.WriteString("datacontenttype", "application/json");
            json.WritePropertyName("data");
            json.WriteRawValue(data);
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static string? Header(HttpContext http, string name) => http.Request.Headers[name].ToString() is { Length: > 0 } value ? value : null;
}
