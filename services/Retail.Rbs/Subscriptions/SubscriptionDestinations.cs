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
        if (destination.Kind != Kind)
        {
            return;
        }
        for (var tries = 0; tries < 5; tries++)
        {
            if (await subscriptions.GetAsync(orgcode, destination.Key, ct: ct) is not { } loaded || loaded.Record.Status == SubscriptionStatus.Unregistered)
            {
                return;
            }
            var (next, events) = Decide(orgcode, loaded.Record, attempt, consecutiveFailures);
            var write = await subscriptions.UpdateAsync(orgcode, loaded, next, next.Status == loaded.Record.Status ? "updated" : "status_changed", events, ct);
            if (write.Succeeded)
            {
                return;
            }
        }
        throw new InvalidOperationException($"subscription {destination.Key} in {orgcode} kept changing while its delivery outcome was recorded");
    }

    private (Subscription Next, IReadOnlyList<DomainEvent> Events) Decide(string orgcode, Subscription current, WebhookAttemptResult attempt, int consecutiveFailures)
    {
        var next = current with
        {
            ConsecutiveFailures = attempt.Delivered ? 0 : consecutiveFailures,
            LastDelivery = new DeliveryOutcome(attempt.At, attempt.Delivered, attempt.StatusCode, attempt.LatencyMs, attempt.Error),
            LastDeliveredAt = attempt.Delivered ? attempt.At : current.LastDeliveredAt,
        };
        if (!attempt.Delivered && current.Status == SubscriptionStatus.Active && consecutiveFailures >= options.Value.DisableAfterFailures)
        {
            next = next with
            {
                Status = SubscriptionStatus.Disabled,
                StatusReason = $"{consecutiveFailures} failed deliveries in a row (last: {attempt.Error ?? "HTTP " + attempt.StatusCode})",
                DisabledAt = clock.GetUtcNow(),
            };
            return (next, [SubscriptionEvents.Disabled(orgcode, current, next)]);
        }
        return (next, []);
    }
}
