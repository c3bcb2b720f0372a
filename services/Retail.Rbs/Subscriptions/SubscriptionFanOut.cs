using System.Text.Json;
using Microsoft.Extensions.Options;
using Retail.Shared.Events;
using Retail.Shared.Hosting;
using Retail.Shared.Webhooks;

namespace Retail.Rbs.Subscriptions;

/// <summary>
/// The bus side of RBS: a subscriber on every topic of <see cref="BusTopics.Catalog"/>. Per event, one delivery (its
/// CloudEvent) is staged for each verified, active or paused subscription of the event's org whose topics cover the event and whose
/// filters match its data, in one batch; each delivery holds the unique (subscription, event id), so a redelivered event
/// stages nothing again.
/// </summary>
public sealed class SubscriptionFanOut(RecordStore<Subscription> subscriptions, [FromKeyedServices(RbsModule.Id)] IWebhookDeliveries deliveries)
{
    private const int PageSize = 500;

    /// <summary>Stages the event's deliveries; answers how many (0 when none match or it was fanned out before).</summary>
    public async Task<int> FanOutAsync(BusEvent busEvent, CancellationToken ct)
    {
        var orgcode = busEvent.Orgcode;
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
        var write = await batch.CommitAsync(ct);
        if (write.Outcome == RecordWriteOutcome.Duplicate)
        {
            return 0; // fanned out before: each delivery holds the unique (subscription, event id)
        }
        if (!write.Succeeded)
        {
            throw new InvalidOperationException($"the deliveries of event {busEvent.Id} in {orgcode} could not be staged: {write.Outcome}; the event comes again");
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
}

/// <summary>The fan-out's subscriber endpoints: one per topic of the bus catalog.</summary>
public static class SubscriptionFanOutEndpoints
{
    public static IEndpointRouteBuilder MapSubscriptionFanOut(this IEndpointRouteBuilder routes)
    {
        var pubSub = routes.ServiceProvider.GetRequiredService<IOptions<RetailOptions>>().Value.PubSubName;
        foreach (var topic in BusTopics.Catalog.Entries.Select(e => e.Type))
        {
            routes.MapPost($"/events/rbs-{topic.Replace('.', '-')}", (HttpContext http, SubscriptionFanOut fanOut, TimeProvider clock, CancellationToken ct) => OnEvent(topic, http, fanOut, clock, ct))
                .WithTopic(pubSub, topic).WithDeliveryInterest<SubscriptionInterest>().RequireInternal().ExcludeFromDescription();
        }
        return routes;
    }

    public static async Task<Results<Ok, BadRequest>> OnEvent(string topic, HttpContext http, SubscriptionFanOut fanOut, TimeProvider clock,
        CancellationToken ct)
    {
        var (busEvent, malformed) = await BusEvent.ReadAsync(topic, http, null, clock, ct);
        if (malformed || busEvent is null)
        {
            return TypedResults.BadRequest();
        }
        await fanOut.FanOutAsync(busEvent, ct);
        return TypedResults.Ok();
    }

}
