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
                .WithTopic(pubSub, type).WithDeliveryInterest<WebhookInterest>().RequireInternal().ExcludeFromDescription();
        }
        return routes;
    }

    public static async Task<Results<Ok, BadRequest>> OnEvent(string topic, HttpContext http, RecordStore<Webhook> webhooks, IWebhookDeliveries deliveries,
        RequestContext context, TimeProvider clock, ILogger logger, CancellationToken ct)
    {
        var (busEvent, malformed) = await BusEvent.ReadAsync(topic, http, context.Orgcode, clock, ct);
        if (malformed)
        {
            return TypedResults.BadRequest();
        }
        if (busEvent is null)
        {
            return TypedResults.Ok(); // not an org's event: no org has webhooks for it
        }
        var (orgcode, type, id) = (busEvent.Orgcode, busEvent.Type, busEvent.Id);

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
        var message = busEvent.Message();
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
}
