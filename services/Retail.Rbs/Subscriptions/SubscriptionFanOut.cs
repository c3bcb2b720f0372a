using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Retail.Shared.Hosting;
using Retail.Shared.Json;
using Retail.Shared.State;
using Retail.Shared.Webhooks;

namespace Retail.Rbs.Subscriptions;

/// <summary>
/// The bus side of RBS: a subscriber on every topic of <see cref="BusTopics.Catalog"/>. Per event, one delivery (its
/// CloudEvent) is staged for each verified, active or paused subscription of the event's org whose topics cover the event and whose
/// filters match its data, in one batch with a marker of the event, so a redelivered event stages nothing again.
/// </summary>
public sealed class SubscriptionFanOut(RecordStore<Subscription> subscriptions, [FromKeyedServices(RbsModule.Id)] IWebhookDeliveries deliveries,
    [FromKeyedServices(RbsModule.Id)] IStateStore store)
{
    private const int PageSize = 500;

    /// <summary>Stages the event's deliveries; answers how many (0 when none match or it was fanned out before).</summary>
    public async Task<int> FanOutAsync(BusCloudEvent busEvent, CancellationToken ct)
    {
        var orgcode = busEvent.Orgcode;
        var marker = MarkerKey(orgcode, busEvent.Id);
        if (await store.GetAsync(marker, ct) is not null)
        {
            return 0;
        }
        var matching = await MatchingAsync(orgcode, busEvent.Type, busEvent.Data, ct);
        if (matching.Count == 0)
        {
            return 0;
        }
        var message = busEvent.Message();
        var batch = new RecordBatch();
        foreach (var subscription in matching)
        {
            deliveries.Enqueue(batch, orgcode, SubscriptionDestinations.Of(subscription.SubscriptionGuid), message);
        }
        var atomic = batch.CommitsTo(store);
        if (atomic)
        {
            batch.Insert(store, marker, Marker);
        }
        var write = await batch.CommitAsync(ct);
        if (!write.Succeeded)
        {
            if (await store.GetAsync(marker, ct) is not null)
            {
                return 0; // a concurrent delivery of the same event staged them
            }
            throw new InvalidOperationException($"the deliveries of event {busEvent.Id} in {orgcode} could not be staged; the event comes again");
        }
        if (!atomic)
        {
            // Written after the deliveries: a crash between stages them again on redelivery (at least once), never none.
            await store.TransactAsync(new StateTransaction().Upsert(marker, Marker, etag: null), ct);
        }
        return matching.Count;
    }

    /// <summary>The subscriptions that deliver this event: one indexed seek per topic pattern, then the filters on its data.</summary>
    public async Task<IReadOnlyList<Subscription>> MatchingAsync(string orgcode, string eventType, JsonElement data, CancellationToken ct)
    {
        var found = new Dictionary<string, Subscription>(StringComparer.Ordinal);
        foreach (var pattern in SubscriptionRules.PatternsOf(eventType))
        {
            string? token = null;
            do
            {
                var page = await subscriptions.ListByValueAsync(orgcode, Subscription.DeliversSet, pattern, PageSize, token, ct: ct);
                foreach (var subscription in page.Items.Where(s => s.Receives && SubscriptionRules.Matches(s.Filters, data)))
                {
                    found.TryAdd(subscription.SubscriptionGuid, subscription);
                }
                token = page.NextToken;
            }
            while (token is not null);
        }
        return [.. found.Values.OrderBy(s => s.SubscriptionGuid, StringComparer.Ordinal)];
    }

    /// <summary>
    /// The event as the bus delivered it: the attributes from the <c>ce-*</c> headers (the embedded bus sets them), the data
    /// from the body, the org from the data's <c>orgcode</c> or the header. Without a <c>ce-id</c> the id is a hash of type
    /// and body, so a redelivery still has the same one. Null when the body is not a JSON object or no org is named.
    /// </summary>
    internal static async Task<BusCloudEvent?> ReadAsync(string topic, HttpContext http, CancellationToken ct)
    {
        using var body = new MemoryStream();
        await http.Request.Body.CopyToAsync(body, ct);
        var bytes = body.ToArray();
        JsonElement data;
        try
        {
            using var document = JsonDocument.Parse(bytes);
            data = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
        if (data.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        var headers = http.Request.Headers;
        var orgcode = data.TryGetProperty("orgcode", out var org) && org.ValueKind == JsonValueKind.String ? org.GetString() : Header(headers, "x-orgcode");
        if (string.IsNullOrEmpty(orgcode))
        {
            return null;
        }
        var id = Header(headers, "ce-id") ?? Convert.ToHexStringLower(SHA256.HashData([.. Encoding.UTF8.GetBytes(topic + "\n"), .. bytes]));
        var time = DateTimeOffset.TryParse(Header(headers, "ce-time"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at : DateTimeOffset.UtcNow;
        return new BusCloudEvent(id, Header(headers, "ce-type") ?? topic, Header(headers, "ce-source") ?? "retail", Header(headers, "ce-subject"), time,
            orgcode, data);
    }

    private static string? Header(IHeaderDictionary headers, string name) => headers[name].ToString() is { Length: > 0 } value ? value : null;

    private static string MarkerKey(string orgcode, string eventId) => $"rbs-fanout|{orgcode}|{eventId}";

    private static readonly byte[] Marker = RetailJson.ToBytes(new { staged = true });
}

/// <summary>The fan-out's subscriber endpoints: one per topic of the bus catalog.</summary>
public static class SubscriptionFanOutEndpoints
{
    public static IEndpointRouteBuilder MapSubscriptionFanOut(this IEndpointRouteBuilder routes)
    {
        var pubSub = routes.ServiceProvider.GetRequiredService<IOptions<RetailOptions>>().Value.PubSubName;
        foreach (var topic in BusTopics.Catalog.Entries.Select(e => e.Type))
        {
            routes.MapPost($"/events/rbs-{topic.Replace('.', '-')}", (HttpContext http, SubscriptionFanOut fanOut, CancellationToken ct) => OnEvent(topic, http, fanOut, ct))
                .WithTopic(pubSub, topic).RequireInternal().ExcludeFromDescription();
        }
        return routes;
    }

    public static async Task<Results<Ok, BadRequest>> OnEvent(string topic, HttpContext http, SubscriptionFanOut fanOut, CancellationToken ct)
    {
        if (await SubscriptionFanOut.ReadAsync(topic, http, ct) is not { } busEvent)
        {
            return TypedResults.BadRequest();
        }
        await fanOut.FanOutAsync(busEvent, ct);
        return TypedResults.Ok();
    }

}
