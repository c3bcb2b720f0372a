using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
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

    /// <summary>The destination's run of outcomes (consecutive failures, last delivered); null before its first attempt.</summary>
    Task<WebhookDestinationHealth?> HealthAsync(string orgcode, DestinationRef destination, CancellationToken ct = default);

    /// <summary>Clears the destination's failure run and backoff (an owner re-enables it): its queued deliveries go at once.</summary>
    Task ClearFailuresAsync(string orgcode, DestinationRef destination, CancellationToken ct = default);

    /// <summary>Cancels the destination's pending deliveries now (it was deleted). Answers how many.</summary>
    Task<int> CancelPendingAsync(string orgcode, DestinationRef destination, CancellationToken ct = default);
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
/// <param name="Signer">The destination's own signature scheme; null for the Standard Webhooks headers.</param>
public sealed record DeliveryDestination(Uri Url, string Secret, bool Sending, IWebhookPayloadSigner? Signer = null);

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
    /// what is due. The app registers its <see cref="IDeliveryDestinations"/> keyed by the same app id. Options are bound
    /// from <c>Retail:Webhooks</c> (named by the app id), then <paramref name="configure"/> adjusts them.
    /// </summary>
    public static IServiceCollection AddWebhookDeliveries(this IServiceCollection services, string appId, Action<WebhookDeliveryOptions>? configure = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(appId);
        services.AddRecordIndexes(appId, WebhookDeliveryRecord.Type);
        services.AddRecordIndexes(appId, WebhookAttemptRecord.Type);
        services.AddRecordIndexes(appId, WebhookDestinationHealth.Type);
        services.AddOptions<WebhookDeliveryOptions>(appId)
            .BindConfiguration(WebhookDeliveryOptions.Section)
            .Configure(o => configure?.Invoke(o))
            .Validate(o => o.Validate() is null, $"{WebhookDeliveryOptions.Section} is invalid")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddKeyedScoped<IWebhookDeliveries>(appId, (sp, _) => WebhookDeliveryEngine.Create(appId, sp));
        // Not AddHostedService: it keeps one registration per implementation type, and each app needs its own sweeper.
        services.AddSingleton<IHostedService>(sp => new WebhookDeliverySweeper(appId, sp,
            sp.GetRequiredService<IOptionsMonitor<WebhookDeliveryOptions>>().Get(appId), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<WebhookDeliverySweeper>>()));
        return services;
    }
}

/// <summary>The engine's schedule and limits (configuration section <c>Retail:Webhooks</c>).</summary>
public sealed class WebhookDeliveryOptions
{
    public const string Section = "Retail:Webhooks";

    /// <summary>
    /// The delay before each attempt, comma-separated <c>hh:mm:ss</c>: the first is counted from staging, each next one
    /// from the failure before it; the number of entries is the number of attempts. About a day in all by default.
    /// </summary>
    public string RetrySchedule { get; set; } = "00:00:00,00:00:05,00:05:00,00:30:00,02:00:00,05:00:00,10:00:00,10:00:00";

    /// <summary>Each delay is moved by up to this fraction either way, so retries of many deliveries spread out.</summary>
    public double Jitter { get; set; } = 0.2;

    /// <summary>How often the sweeper looks for due deliveries.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Due deliveries read per round of a pass.</summary>
    public int BatchSize { get; set; } = 200;

    /// <summary>Destinations sent to at the same time (each destination's own deliveries go one at a time, oldest first).</summary>
    public int MaxParallelDestinations { get; set; } = 8;

    /// <summary>How long one attempt may take before it counts as a timeout.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a claimed delivery is left to its sweeper: if the host stops mid-attempt, another sweeper takes it up after
    /// this (the receiver may then see it twice, which the webhook-id lets it notice). Longer than the attempt timeout.
    /// </summary>
    public TimeSpan ClaimLease { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often a due delivery to a destination that is not sending (paused, disabled, unverified) is looked at again.</summary>
    public TimeSpan HeldRecheck { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Addresses webhooks may reach although they are loopback or private (IPs or CIDRs, comma-separated): development only.</summary>
    public string? AllowedAddresses { get; set; }

    /// <summary>How much of a response body an attempt keeps.</summary>
    public int ResponseExcerptLength { get; set; } = 1024;

    private (string? Source, WebhookAddressPolicy Policy)? _policy;

    /// <summary>The address policy of <see cref="AllowedAddresses"/>.</summary>
    public WebhookAddressPolicy AddressPolicy
    {
        get
        {
            var cached = _policy;
            if (cached is { } c && c.Source == AllowedAddresses)
            {
                return c.Policy;
            }
            var policy = WebhookAddressPolicy.Parse(AllowedAddresses);
            _policy = (AllowedAddresses, policy);
            return policy;
        }
    }

    /// <summary>The parsed <see cref="RetrySchedule"/>.</summary>
    public IReadOnlyList<TimeSpan> Delays() =>
        [.. RetrySchedule.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(d => TimeSpan.Parse(d, System.Globalization.CultureInfo.InvariantCulture))];

    /// <summary>
    /// When the attempt after attempt number <paramref name="attempted"/> (1-based; 0 = none yet) is due, from
    /// <paramref name="now"/>; null when the schedule is used up. <paramref name="random"/> is a draw in [0, 1).
    /// </summary>
    public DateTimeOffset? NextAttemptAt(int attempted, DateTimeOffset now, double random)
    {
        var delays = Delays();
        if (attempted >= delays.Count)
        {
            return null;
        }
        var delay = delays[attempted];
        var spread = delay.TotalMilliseconds * Jitter * (2 * random - 1);
        return now + delay + TimeSpan.FromMilliseconds(spread);
    }

    /// <summary>Why these options cannot run, or null.</summary>
    public string? Validate()
    {
        try
        {
            var delays = Delays();
            _ = AddressPolicy;
            return delays.Count == 0 || delays.Any(d => d < TimeSpan.Zero) ? "RetrySchedule needs at least one delay, none negative"
                : Jitter is < 0 or >= 1 ? "Jitter must be in [0, 1)"
                : SweepInterval <= TimeSpan.Zero || HeldRecheck <= TimeSpan.Zero ? "SweepInterval and HeldRecheck must be positive"
                : BatchSize < 1 || MaxParallelDestinations < 1 ? "BatchSize and MaxParallelDestinations must be at least 1"
                : AttemptTimeout <= TimeSpan.Zero || ClaimLease <= AttemptTimeout ? "ClaimLease must be longer than a positive AttemptTimeout"
                : null;
        }
        catch (FormatException ex)
        {
            return ex.Message;
        }
    }
}
