using System.Text.Json;
using Microsoft.Extensions.Options;
using Retail.Shared.Events;
using Retail.Shared.Hosting;
using Retail.Shared.Webhooks;

namespace Retail.Ucp.Webhooks;

/// <summary>
/// The bus side of UCP's webhooks: a subscriber on each of the 20 SCM topics. An event of an order that came through a
/// platform (its <see cref="UcpOrderLink"/>) is staged, as its CloudEvent, for that platform's webhook when the config
/// receives its type and is not revoked (a paused one holds it). The delivery holds the engine's unique (destination,
/// event id), so a redelivered event stages nothing again. <c>platform.revoked</c> revokes the platform's config and
/// cancels its pending deliveries.
/// </summary>
public sealed class UcpWebhookFanOut(RecordStore<UcpWebhookConfig> configs, RecordStore<UcpOrderLink> links, RecordStore<CheckoutSession> sessions,
    [FromKeyedServices(UcpModule.Id)] IWebhookDeliveries deliveries)
{
    /// <summary>Stages the event's delivery; answers whether one was staged (false: no platform's order, not wanted, or fanned out before).</summary>
    public async Task<bool> FanOutAsync(BusEvent busEvent, CancellationToken ct)
    {
        if (OrderGuidOf(busEvent.Data) is not { } orderGuid || await PlatformOfAsync(busEvent.Orgcode, orderGuid, busEvent.Data, ct) is not { } platformGuid)
        {
            return false;
        }
        if (await configs.GetAsync(busEvent.Orgcode, platformGuid, ct: ct) is not { } config
            || config.Record.Status == UcpWebhookStatus.Revoked || !config.Record.EventTypes.Contains(busEvent.Type, StringComparer.Ordinal))
        {
            return false;
        }
        var batch = new RecordBatch();
        deliveries.Enqueue(batch, busEvent.Orgcode, config.Record.Destination, busEvent.Message());
        var write = await batch.CommitAsync(ct);
        if (write.Outcome == RecordWriteOutcome.Duplicate)
        {
            return false;
        }
        if (!write.Succeeded)
        {
            throw new InvalidOperationException($"the delivery of event {busEvent.Id} in {busEvent.Orgcode} could not be staged: {write.Outcome}; the event comes again");
        }
        return true;
    }

    /// <summary>A revoked platform's webhook stops: the config is revoked (nothing is staged again) and what is pending is cancelled.</summary>
    public async Task RevokeAsync(string orgcode, string platformGuid, CancellationToken ct)
    {
        for (var tries = 0; tries < 5; tries++)
        {
            if (await configs.GetAsync(orgcode, platformGuid, ct: ct) is not { } loaded)
            {
                return;
            }
            if (loaded.Record.Status != UcpWebhookStatus.Revoked)
            {
                var next = loaded.Record with { Status = UcpWebhookStatus.Revoked, StatusReason = "the platform was revoked", PausedAt = null };
                var write = await configs.UpdateAsync(orgcode, loaded, next, "status_changed",
                    [new DomainEvent(UcpEvents.WebhookConfigured, UcpWebhookChanged.Of(next, loaded.Record.Revision + 1))], ct);
                if (!write.Succeeded)
                {
                    continue;
                }
            }
            await deliveries.CancelPendingAsync(orgcode, UcpWebhookConfig.Of(platformGuid), ct);
            return;
        }
        throw new InvalidOperationException($"the webhook config of platform {platformGuid} in {orgcode} kept changing while it was being revoked");
    }

    /// <summary>
    /// The platform an order was placed through: its order link; before the link exists (SCM publishes <c>order.created</c>
    /// in the call that creates the order, and checkout writes the link when that call returns), the checkout session the
    /// order names as its customer's <c>external_ref</c>, while that session is completing in the order's channel.
    /// </summary>
    private async Task<string?> PlatformOfAsync(string orgcode, string orderGuid, JsonElement data, CancellationToken ct)
    {
        if (await links.GetAsync(orgcode, orderGuid, ct: ct) is { } link)
        {
            return link.Record.PlatformGuid;
        }
        if (Text(data, "customer", "external_ref") is { } sessionGuid && Guid.TryParse(sessionGuid, out _)
            && await sessions.GetAsync(orgcode, sessionGuid, ct: ct) is { Record: var session }
            && session.Status == CheckoutStatus.CompleteInProgress && (session.OrderGuid is null || session.OrderGuid == orderGuid)
            && string.Equals(Text(data, "channel_code"), session.ChannelCode, StringComparison.Ordinal))
        {
            return session.PlatformGuid;
        }
        return null;
    }

    private static string? Text(JsonElement data, params string[] path)
    {
        foreach (var name in path)
        {
            if (data.ValueKind != JsonValueKind.Object || !data.TryGetProperty(name, out data))
            {
                return null;
            }
        }
        return data.ValueKind == JsonValueKind.String ? data.GetString() : null;
    }

    private static string? OrderGuidOf(JsonElement data) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty("order_guid", out var guid) && guid.ValueKind == JsonValueKind.String ? guid.GetString() : null;
}

/// <summary>The fan-out's subscriber endpoints: one per SCM topic a webhook may receive, and platform.revoked.</summary>
public static class UcpWebhookFanOutEndpoints
{
    public static IEndpointRouteBuilder MapUcpWebhookFanOut(this IEndpointRouteBuilder routes)
    {
        var pubSub = routes.ServiceProvider.GetRequiredService<IOptions<RetailOptions>>().Value.PubSubName;
        foreach (var topic in UcpWebhookEventTypes.All)
        {
            routes.MapPost($"/events/ucp-webhook-{topic.Replace('.', '-').Replace('_', '-')}",
                    (HttpContext http, UcpWebhookFanOut fanOut, TimeProvider clock, CancellationToken ct) => OnEvent(topic, http, fanOut, clock, ct))
                .WithTopic(pubSub, topic).WithDeliveryInterest<UcpWebhookInterest>().RequireInternal().ExcludeFromDescription();
        }
        routes.MapPost("/events/ucp-webhook-platform-revoked", OnPlatformRevoked)
            .WithTopic(pubSub, UcpEvents.PlatformRevoked).RequireInternal().ExcludeFromDescription();
        return routes;
    }

    public static async Task<Results<Ok, BadRequest>> OnEvent(string topic, HttpContext http, UcpWebhookFanOut fanOut, TimeProvider clock, CancellationToken ct)
    {
        var (busEvent, malformed) = await BusEvent.ReadAsync(topic, http, null, clock, ct);
        if (malformed || busEvent is null)
        {
            return TypedResults.BadRequest();
        }
        await fanOut.FanOutAsync(busEvent, ct);
        return TypedResults.Ok();
    }

    public static async Task<Results<Ok, BadRequest>> OnPlatformRevoked(HttpContext http, UcpWebhookFanOut fanOut, TimeProvider clock, CancellationToken ct)
    {
        var (busEvent, malformed) = await BusEvent.ReadAsync(UcpEvents.PlatformRevoked, http, null, clock, ct);
        if (malformed || busEvent is null)
        {
            return TypedResults.BadRequest();
        }
        if (busEvent.Data.ValueKind == JsonValueKind.Object && busEvent.Data.TryGetProperty("platform_guid", out var guid) && guid.GetString() is { Length: > 0 } platformGuid)
        {
            await fanOut.RevokeAsync(busEvent.Orgcode, platformGuid, ct);
        }
        return TypedResults.Ok();
    }
}
