using Microsoft.Extensions.Options;
using Retail.Shared.Webhooks;

namespace Retail.Rbs.Subscriptions;

/// <summary>
/// RBS's side of the delivery engine (keyed <c>rbs</c>, kind <c>subscription</c>): where and whether to send now, and what
/// became of every attempt. Only an active, verified subscription sends; paused, disabled and pending ones hold their
/// deliveries; an unregistered (or unknown) one answers null, so its queued deliveries are cancelled. A run of
/// <see cref="SubscriptionOptions.DisableAfterFailures"/> failures disables an active subscription (with an event and
/// the reason); a delivered attempt clears the run.
/// </summary>
public sealed class SubscriptionDestinations(RecordStore<Subscription> subscriptions, SubscriptionSecrets secrets, IOptions<SubscriptionOptions> options,
    TimeProvider clock) : IDeliveryDestinations
{
    public const string Kind = "subscription";

    public static DestinationRef Of(string subscriptionGuid) => new(Kind, subscriptionGuid);

    public async Task<DeliveryDestination?> GetAsync(string orgcode, DestinationRef destination, CancellationToken ct = default)
    {
        if (destination.Kind != Kind || await subscriptions.GetAsync(orgcode, destination.Key, ct: ct) is not { } loaded
            || loaded.Record.Status == SubscriptionStatus.Unregistered)
        {
            return null;
        }
        var secret = await secrets.GetAsync(orgcode, destination.Key, ct);
        return secret is null ? null : new DeliveryDestination(new Uri(loaded.Record.Url), secret, loaded.Record.Delivers);
    }

    public async Task OnAttemptAsync(string orgcode, DestinationRef destination, WebhookAttemptResult attempt, int consecutiveFailures,
        CancellationToken ct = default)
    {
        if (destination.Kind != Kind || attempt.Delivered || consecutiveFailures < options.Value.DisableAfterFailures)
        {
            // The run and the last delivery are the engine's health, read with the subscription: nothing to write here.
            return;
        }
        for (var tries = 0; tries < 5; tries++)
        {
            if (await subscriptions.GetAsync(orgcode, destination.Key, ct: ct) is not { } loaded || loaded.Record.Status != SubscriptionStatus.Active)
            {
                return;
            }
            var next = loaded.Record with
            {
                Status = SubscriptionStatus.Disabled,
                StatusReason = $"{consecutiveFailures} failed deliveries in a row (last: {attempt.Error ?? "HTTP " + attempt.StatusCode})",
                DisabledAt = clock.GetUtcNow(),
                ConsecutiveFailures = consecutiveFailures,
                LastDelivery = new DeliveryOutcome(attempt.At, attempt.Delivered, attempt.StatusCode, attempt.LatencyMs, attempt.Error),
            };
            var write = await subscriptions.UpdateAsync(orgcode, loaded, next, "status_changed", [SubscriptionEvents.Disabled(orgcode, loaded.Record, next)], ct);
            if (write.Succeeded)
            {
                return;
            }
        }
        throw new InvalidOperationException($"subscription {destination.Key} in {orgcode} kept changing while it was being disabled");
    }

    /// <summary>The subscription as read, with the engine's health of its destination (failure run, last attempt, last delivery).</summary>
    public static async Task<Subscription> WithHealthAsync(Subscription subscription, string orgcode, IWebhookDeliveries deliveries, CancellationToken ct)
    {
        if (await deliveries.HealthAsync(orgcode, Of(subscription.SubscriptionGuid), ct) is not { } health)
        {
            return subscription;
        }
        return subscription with
        {
            ConsecutiveFailures = health.ConsecutiveFailures,
            LastDeliveredAt = health.LastDeliveredAt ?? subscription.LastDeliveredAt,
            LastDelivery = health.LastAttemptAt is { } at
                ? new DeliveryOutcome(at, health.LastDeliveredAt == at, null, null, health.LastDeliveredAt == at ? null : health.LastError)
                : subscription.LastDelivery,
        };
    }
}
