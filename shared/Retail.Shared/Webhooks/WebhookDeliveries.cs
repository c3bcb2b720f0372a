using Microsoft.Extensions.DependencyInjection;
using Retail.Shared.Records;

namespace Retail.Shared.Webhooks;

/// <summary>
/// The one durable delivery engine behind IPM's webhooks, RBS's partner subscriptions and UCP's order webhooks. A service
/// mounts it with <see cref="WebhookDeliveryRegistration.AddWebhookDeliveries"/> under its app id (keyed services, like the
/// comments and inbox kit); deliveries and their attempts live in that service's own record store. Each delivery is
/// staged in the caller's batch, so it exists exactly when the change that caused it commits; a sweeper sends what is
/// due (Standard Webhooks signature, SSRF-checked address), logs every attempt, retries with exponential backoff and
/// jitter over about a day, and tells the owner of the destination about every outcome so it can pause a failing one.
/// </summary>
public interface IWebhookDeliveries
{
    /// <summary>Stages one delivery of <paramref name="message"/> to a destination; it is sent once the batch commits.</summary>
    /// <param name="replayOf">The delivery this one replays, when it is a replay.</param>
    WebhookDeliveryRecord Enqueue(RecordBatch batch, string orgcode, DestinationRef destination, WebhookMessage message, string? replayOf = null);

    /// <summary>
    /// One attempt now, outside the retry schedule, logged like any other (a test event, a verification challenge):
    /// the answer carries the status, latency and the first bytes of the response body.
    /// </summary>
    Task<WebhookAttemptResult> SendNowAsync(string orgcode, DestinationRef destination, DeliveryDestination target, WebhookMessage message,
        CancellationToken ct = default);

    /// <summary>A destination's deliveries, newest first, optionally of one status and created in [from, to).</summary>
    Task<Page<WebhookDeliveryRecord>> ListAsync(string orgcode, DestinationRef destination, DeliveryStatus? status = null,
        DateTimeOffset? from = null, DateTimeOffset? to = null, int limit = 50, string? token = null, CancellationToken ct = default);

    /// <summary>Every attempt of one delivery, in order.</summary>
    Task<IReadOnlyList<WebhookAttemptRecord>> AttemptsAsync(string orgcode, string deliveryGuid, CancellationToken ct = default);

    /// <summary>
    /// Stages a new delivery (linked by <c>replay_of</c>) for every delivery to the destination created in [from, to),
    /// whatever became of it; the caller checks the window against its replay limit. Answers how many were staged.
    /// </summary>
    Task<int> ReplayAsync(string orgcode, DestinationRef destination, DateTimeOffset from, DateTimeOffset to, CancellationToken ct = default);
}

/// <summary>
/// What owns destinations of one kind (IPM webhooks, RBS subscriptions), registered keyed by the app id. The engine asks
/// at send time, so a changed URL or secret, a pause or a deletion takes effect for deliveries already queued.
/// </summary>
public interface IDeliveryDestinations
{
    /// <summary>Where and how to send now; null when the destination is gone (queued deliveries are cancelled).</summary>
    Task<DeliveryDestination?> GetAsync(string orgcode, DestinationRef destination, CancellationToken ct = default);

    /// <summary>
    /// After every attempt: delivered or not, and how many attempts in a row have failed for this destination. The owner
    /// disables the destination at its threshold (an event and a visible reason), and clears the run when one succeeds.
    /// </summary>
    Task OnAttemptAsync(string orgcode, DestinationRef destination, WebhookAttemptResult attempt, int consecutiveFailures, CancellationToken ct = default);
}

/// <summary>A destination: its kind (<c>webhook</c>, <c>subscription</c>) and key within the owning service.</summary>
public readonly record struct DestinationRef(string Kind, string Key);

/// <param name="Sending">False while paused or unverified: due deliveries wait (they are not failed) until it sends again.</param>
/// <param name="Secret">The signing secret (<c>whsec_…</c>); never logged, never answered after creation.</param>
public sealed record DeliveryDestination(Uri Url, string Secret, bool Sending);

/// <summary>What is delivered: the CloudEvent JSON of a business event (or a test or challenge payload).</summary>
public sealed record WebhookMessage(string EventId, string EventType, byte[] Payload, DateTimeOffset OccurredAt);

public enum DeliveryStatus
{
    /// <summary>Waiting for its next attempt (or for its destination to send again).</summary>
    Pending,

    Delivered,

    /// <summary>Every attempt of the schedule failed.</summary>
    Failed,

    /// <summary>Its destination was deleted before it was delivered.</summary>
    Cancelled,
}

/// <summary>One attempt's outcome: 2xx is delivered; <see cref="Error"/> is a short reason (refused address, timeout, HTTP 503).</summary>
public sealed record WebhookAttemptResult(bool Delivered, int? StatusCode, long LatencyMs, string? Error, string? ResponseExcerpt, DateTimeOffset At);

public static class WebhookDeliveryRegistration
{
    /// <summary>
    /// Mounts the engine for <paramref name="appId"/>: a keyed <see cref="IWebhookDeliveries"/> and the sweeper that sends
    /// what is due. The app registers its <see cref="IDeliveryDestinations"/> keyed by the same app id.
    /// </summary>
    public static IServiceCollection AddWebhookDeliveries(this IServiceCollection services, string appId, Action<WebhookDeliveryOptions>? configure = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(appId);
        return services;
    }
}

/// <summary>The engine's schedule and limits (configuration section <c>Retail:Webhooks</c>).</summary>
public sealed class WebhookDeliveryOptions
{
}
