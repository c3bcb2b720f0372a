using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Retail.Shared.Contract;
using Retail.Shared.Events;
using Retail.Shared.Hosting;

namespace Retail.Shared.Embedded;

/// <summary>
/// Delivers the outbox of every app database to the <c>.WithTopic</c> endpoints of this process, by calling the
/// endpoint's request delegate in-process, as Dapr's sidecar would call the app after UseCloudEvents unwrapped the
/// CloudEvent. One loop per database; it wakes on a commit and otherwise polls.
/// At least once, in order per (subscriber, subject); failures back off exponentially and end in the dead letters.
/// </summary>
public sealed class EmbeddedEventDispatcher : BackgroundService
{
    private const int HeadBatch = 256;
    private const int SubjectRun = 64;

    private readonly EmbeddedStateStores _stores;
    private readonly IServiceProvider _services;
    private readonly IServiceScopeFactory _scopes;
    private readonly ILogger<EmbeddedEventDispatcher> _logger;
    private readonly EventDeliveryOptions _options;
    private readonly EmbeddedStateOptions _stateOptions;
    private readonly TimeProvider _time;

    public EmbeddedEventDispatcher(EmbeddedStateStores stores, IServiceProvider services, ILogger<EmbeddedEventDispatcher> logger)
    {
        _stores = stores;
        _services = services;
        _scopes = services.GetRequiredService<IServiceScopeFactory>();
        _logger = logger;
        _options = stores.Options.Events;
        _stateOptions = stores.Options.State;
        _time = stores.Time;
        Subscribers = new TopicSubscribers(services, stores.Options.PubSubName, logger);
        Ledgers = stores.All.ToDictionary(s => s.AppId, s => new DeliveryLedger(s.Database), StringComparer.Ordinal);
    }

    internal TopicSubscribers Subscribers { get; }

    internal IReadOnlyDictionary<string, DeliveryLedger> Ledgers { get; }

    private long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Endpoints are complete only once the app has started (the pipeline is built after hosted services start).
        await ApplicationStartedAsync(stoppingToken).ConfigureAwait(false);
        // Deliveries end when the host begins to stop, not when this service's turn to stop comes: hosted services stop
        // one after another, and a stop that takes long (a busy machine) would otherwise go on retrying a handler whose
        // dependencies are shutting down, spending its attempts (up to the dead letters) on failures that only the stop
        // caused. What is not delivered stays due for the next start, as a sidecar leaves it when its app stops.
        using var stopping = _services.GetService<IHostApplicationLifetime>() is { } lifetime
            ? CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lifetime.ApplicationStopping)
            : CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        await Task.WhenAll(_stores.All.Select(store => RunAsync(store, Ledgers[store.AppId], stopping.Token))).ConfigureAwait(false);
    }

    private async Task ApplicationStartedAsync(CancellationToken stoppingToken)
    {
        var lifetime = _services.GetService<IHostApplicationLifetime>();
        if (lifetime is null || lifetime.ApplicationStarted.IsCancellationRequested)
        {
            return;
        }
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var onStarted = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        using var onStopping = stoppingToken.Register(() => started.TrySetCanceled(stoppingToken));
        await started.Task.ConfigureAwait(false);
    }

    private async Task RunAsync(SqliteStateStore store, DeliveryLedger ledger, CancellationToken stoppingToken)
    {
        var nextSweep = 0L;
        try
        {
            while (true)
            {
                stoppingToken.ThrowIfCancellationRequested();
                var wait = _options.PollInterval;
                try
                {
                    var subscribers = Subscribers.Current();
                    var progressed = await ledger.FanOutAsync(subscribers, NowMs, stoppingToken).ConfigureAwait(false);
                    progressed |= await DeliverDueAsync(ledger, subscribers, stoppingToken).ConfigureAwait(false);
                    if (NowMs >= nextSweep)
                    {
                        await store.SweepExpiredAsync(stoppingToken).ConfigureAwait(false);
                        await ledger.PurgeAsync(NowMs - (long)_options.OutboxRetention.TotalMilliseconds, stoppingToken).ConfigureAwait(false);
                        nextSweep = NowMs + (long)_stateOptions.SweepInterval.TotalMilliseconds;
                    }
                    if (progressed)
                    {
                        continue;
                    }
                    if (await ledger.NextDueAsync(subscribers, stoppingToken).ConfigureAwait(false) is { } due)
                    {
                        var untilDue = TimeSpan.FromMilliseconds(Math.Max(0, due - NowMs));
                        wait = untilDue < wait ? untilDue : wait;
                    }
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    _logger.LogError(ex, "Event dispatch for {AppId} failed; retrying after the poll interval", store.AppId);
                }
                await store.Database.WaitForSignalAsync(wait, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down (whatever failed on the way out): what was in flight stays in the deliveries table and runs
            // again after a restart.
            _logger.LogDebug(ex, "Event dispatch for {AppId} stopped", store.AppId);
        }
    }

    private async Task<bool> DeliverDueAsync(DeliveryLedger ledger, IReadOnlyList<TopicSubscriber> subscribers, CancellationToken stoppingToken)
    {
        if (subscribers.Count == 0)
        {
            return false;
        }
        var heads = await ledger.DueHeadsAsync(subscribers, NowMs, HeadBatch, stoppingToken).ConfigureAwait(false);
        if (heads.Count == 0)
        {
            return false;
        }
        var byId = subscribers.ToDictionary(s => s.Id, StringComparer.Ordinal);
        var progressed = 0;
        // Successes are recorded together at the end of the round: one write instead of one per message. A crash
        // before that write delivers them again, which at-least-once allows, and still in subject order.
        var delivered = new ConcurrentQueue<PendingDelivery>();
        try
        {
            await Parallel.ForEachAsync(heads, new ParallelOptions
            {
                MaxDegreeOfParallelism = Math.Max(1, _options.MaxConcurrentDeliveries),
                CancellationToken = stoppingToken,
            }, async (head, token) =>
            {
                if (await RunSubjectAsync(ledger, byId[head.Subscriber], head, delivered, token).ConfigureAwait(false))
                {
                    Interlocked.Increment(ref progressed);
                }
            }).ConfigureAwait(false);
        }
        finally
        {
            await ledger.CompleteAsync(delivered, CancellationToken.None).ConfigureAwait(false);
        }
        return progressed > 0;
    }

    /// <summary>Delivers a head and, while they succeed, the messages of the same subject behind it.</summary>
    private async Task<bool> RunSubjectAsync(DeliveryLedger ledger, TopicSubscriber subscriber, PendingDelivery head,
        ConcurrentQueue<PendingDelivery> delivered, CancellationToken token)
    {
        var run = new Queue<PendingDelivery>();
        run.Enqueue(head);
        if (head.OrderKey is not null)
        {
            foreach (var next in await ledger.FollowingAsync(subscriber.Id, head.OrderKey, head.Seq, SubjectRun - 1, token).ConfigureAwait(false))
            {
                run.Enqueue(next);
            }
        }
        var progressed = false;
        while (run.TryDequeue(out var delivery))
        {
            switch (await DeliverOneAsync(ledger, subscriber, delivery, token).ConfigureAwait(false))
            {
                case Step.Delivered:
                    delivered.Enqueue(delivery);
                    break;
                case Step.Blocked:
                    return progressed;
            }
            progressed = true;
        }
        return progressed;
    }

    private enum Step
    {
        Delivered,

        /// <summary>Dropped or dead-lettered: recorded already; the subject moves on.</summary>
        Settled,

        /// <summary>Failed and backing off: the subject waits.</summary>
        Blocked,
    }

    private async Task<Step> DeliverOneAsync(DeliveryLedger ledger, TopicSubscriber subscriber, PendingDelivery delivery, CancellationToken token)
    {
        var (outcome, error) = await InvokeAsync(subscriber, delivery, token).ConfigureAwait(false);
        // The outcome is recorded even while stopping: the handler has run.
        switch (outcome)
        {
            case Outcome.Delivered:
                BusMetrics.Settled(subscriber.AppId, delivery.Message.Topic, "delivered", delivery.Message.Time, _time.GetUtcNow());
                return Step.Delivered;
            case Outcome.Drop:
                BusMetrics.Settled(subscriber.AppId, delivery.Message.Topic, "dead", delivery.Message.Time, _time.GetUtcNow());
                _logger.LogWarning("Subscriber {Subscriber} dropped message {MessageId} ({Topic}); moved to the dead letters",
                    subscriber.Id, delivery.Message.Id, delivery.Message.Topic);
                await ledger.DeadLetterAsync(delivery, delivery.Attempts + 1, error, NowMs, CancellationToken.None).ConfigureAwait(false);
                return Step.Settled;
            default:
                var attempts = delivery.Attempts + 1;
                var dead = attempts >= _options.MaxAttempts;
                BusMetrics.Settled(subscriber.AppId, delivery.Message.Topic, dead ? "dead" : "retried", delivery.Message.Time, _time.GetUtcNow());
                if (dead)
                {
                    _logger.LogError("Message {MessageId} ({Topic}) failed {Attempts} times at {Subscriber}: {Error}; moved to the dead letters",
                        delivery.Message.Id, delivery.Message.Topic, attempts, subscriber.Id, error);
                    await ledger.DeadLetterAsync(delivery, attempts, error, NowMs, CancellationToken.None).ConfigureAwait(false);
                    return Step.Settled;
                }
                _logger.LogWarning("Message {MessageId} ({Topic}) failed at {Subscriber} (attempt {Attempts}): {Error}",
                    delivery.Message.Id, delivery.Message.Topic, subscriber.Id, attempts, error);
                await ledger.RetryLaterAsync(delivery, error, NowMs + (long)Backoff(attempts).TotalMilliseconds, CancellationToken.None).ConfigureAwait(false);
                return Step.Blocked;
        }
    }

    private TimeSpan Backoff(int attempts)
    {
        var initial = _options.InitialBackoff.TotalMilliseconds;
        var exponential = initial * Math.Pow(2, Math.Min(attempts - 1, 30));
        var capped = Math.Min(exponential, _options.MaxBackoff.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (0.8 + (Random.Shared.NextDouble() * 0.4)));
    }

    private async Task<(Outcome Outcome, string Error)> InvokeAsync(TopicSubscriber subscriber, PendingDelivery delivery, CancellationToken token)
    {
        var message = delivery.Message;
        await using var scope = _scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        if (services.GetService<RequestContext>() is { } context)
        {
            context.Principal = Principal.ServiceCaller(message.Source);
            context.Orgcode = message.Orgcode;
            context.RequestId = message.Id;
            context.AppId = subscriber.AppId;
        }

        using var responseBody = new MemoryStream();
        var http = new DefaultHttpContext { RequestServices = services };
        http.Features.Set<IHttpRequestBodyDetectionFeature>(RequestHasBody.Instance);
        http.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(responseBody));
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(token);
        attempt.CancelAfter(_options.DeliveryTimeout);
        http.RequestAborted = attempt.Token;
        http.TraceIdentifier = message.Id;
        http.SetEndpoint(subscriber.Endpoint);
        var request = http.Request;
        request.Method = HttpMethods.Post;
        request.Scheme = "http";
        request.Host = new HostString("localhost");
        request.Path = subscriber.Id;
        request.ContentType = "application/json";
        request.ContentLength = message.Data.Length;
        request.Body = new MemoryStream(message.Data, writable: false);
        var headers = request.Headers;
        headers["ce-id"] = message.Id;
        headers["ce-type"] = message.Type;
        headers["ce-source"] = message.Source;
        headers["ce-specversion"] = "1.0";
        headers["ce-time"] = message.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);
        if (message.Subject is not null)
        {
            headers["ce-subject"] = message.Subject;
        }
        if (message.Orgcode is not null)
        {
            headers["x-orgcode"] = message.Orgcode;
        }
        if (message.TraceParent is not null)
        {
            headers["traceparent"] = message.TraceParent;
        }
        headers["x-request-id"] = message.Id;

        try
        {
            // WaitAsync also gives up on a handler that ignores RequestAborted; it is left to finish on its own.
            await subscriber.Handler(http).WaitAsync(attempt.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!token.IsCancellationRequested && attempt.IsCancellationRequested)
        {
            return (Outcome.Failed, $"timed out after {_options.DeliveryTimeout}");
        }
        catch (Exception ex) when (!token.IsCancellationRequested)
        {
            return (Outcome.Failed, $"{ex.GetType().Name}: {ex.Message}");
        }
        var status = http.Response.StatusCode;
        if (status is < 200 or > 299)
        {
            return (Outcome.Failed, $"HTTP {status.ToString(CultureInfo.InvariantCulture)}");
        }
        return ReadDaprStatus(responseBody.ToArray());
    }

    /// <summary>Dapr's subscriber reply: no body, non-JSON or no status is success; RETRY retries; DROP drops; anything else retries.</summary>
    private static (Outcome, string) ReadDaprStatus(byte[] body)
    {
        if (body.Length == 0)
        {
            return (Outcome.Delivered, "");
        }
        string? status;
        try
        {
            using var document = JsonDocument.Parse(body);
            status = document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("status", out var value)
                && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        }
        catch (JsonException)
        {
            return (Outcome.Delivered, "");
        }
        return status?.ToUpperInvariant() switch
        {
            null or "" or "SUCCESS" => (Outcome.Delivered, ""),
            "DROP" => (Outcome.Drop, "dropped by the subscriber (status DROP)"),
            "RETRY" => (Outcome.Failed, "the subscriber asked for a retry (status RETRY)"),
            _ => (Outcome.Failed, $"unknown subscriber status '{status}'"),
        };
    }

    private enum Outcome
    {
        Delivered,
        Failed,
        Drop,
    }

    /// <summary>Minimal APIs read a body only when the server says the request can have one.</summary>
    private sealed class RequestHasBody : IHttpRequestBodyDetectionFeature
    {
        public static readonly RequestHasBody Instance = new();

        public bool CanHaveBody => true;
    }
}
