using System.Buffers;
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
/// An endpoint with Dapr's <c>.WithBulkSubscribe</c> gets what is due for it in bulk requests, as the sidecar sends
/// them (entries of CloudEvents, a status per entry back): one call, and one commit in a subscriber that writes them
/// together, instead of one per message.
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
        var set = SubscriberSet.Of(subscribers);
        var heads = set.Single.Count == 0 ? [] : await ledger.DueHeadsAsync(set.Single, NowMs, HeadBatch, stoppingToken).ConfigureAwait(false);
        var batches = new List<(TopicSubscriber Subscriber, List<PendingDelivery> Deliveries)>();
        foreach (var subscriber in set.Bulk.Count == 0 ? [] : await ledger.OwingAsync(set.Bulk, stoppingToken).ConfigureAwait(false))
        {
            var due = await ledger.DueBatchAsync(subscriber.Id, NowMs, subscriber.BulkMax!.Value, stoppingToken).ConfigureAwait(false);
            if (due.Count > 0)
            {
                // One bulk message carries one topic, as Dapr's does: the batch ends where the topic changes, or where its
                // data would pass the byte cap (what is left is due again at the next round).
                var topic = due[0].Message.Topic;
                var bytes = 0L;
                batches.Add((subscriber, due.TakeWhile((d, i) => string.Equals(d.Message.Topic, topic, StringComparison.Ordinal)
                    && ((bytes += d.Message.Data.Length) <= _options.MaxBulkBytes || i == 0)).ToList()));
            }
        }
        if (heads.Count == 0 && batches.Count == 0)
        {
            return false;
        }
        var byId = set.ById;
        var progressed = 0;
        // Successes are recorded together at the end of the round: one write instead of one per message. A crash
        // before that write delivers them again, which at-least-once allows, and still in subject order.
        var delivered = new ConcurrentQueue<PendingDelivery>();
        try
        {
            // A bulk subscriber's batch runs beside the heads of the others.
            var bulkRuns = batches.Select(b => RunBulkAsync(ledger, b.Subscriber, b.Deliveries, delivered, stoppingToken)).ToList();
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
                progressed += (await Task.WhenAll(bulkRuns).ConfigureAwait(false)).Count(run => run);
            }
        }
        finally
        {
            await ledger.CompleteAsync(delivered, CancellationToken.None).ConfigureAwait(false);
        }
        return progressed > 0;
    }

    /// <summary>
    /// Delivers a batch to a bulk subscriber in one request (Dapr's bulk subscribe) and settles each entry by its status,
    /// in sequence order: once an entry of a subject is to be retried, the entries behind it in the batch are left as
    /// they were (not attempted), so the subject's messages still arrive in order.
    /// </summary>
    private async Task<bool> RunBulkAsync(DeliveryLedger ledger, TopicSubscriber subscriber, List<PendingDelivery> batch,
        ConcurrentQueue<PendingDelivery> delivered, CancellationToken token)
    {
        var (statuses, error) = await InvokeBulkAsync(subscriber, ledger.Database.AppId, batch, token).ConfigureAwait(false);
        var waiting = new HashSet<string>(StringComparer.Ordinal);
        var progressed = false;
        foreach (var delivery in batch)
        {
            if (delivery.OrderKey is { } subject && waiting.Contains(subject))
            {
                continue;
            }
            var (outcome, reason) = statuses is null ? (Outcome.Failed, error)
                : statuses.TryGetValue(delivery.Message.Id, out var status) ? status
                : (Outcome.Failed, "the bulk subscriber returned no status for the entry");
            switch (await SettleAsync(ledger, subscriber, delivery, outcome, reason).ConfigureAwait(false))
            {
                case Step.Delivered:
                    delivered.Enqueue(delivery);
                    progressed = true;
                    break;
                case Step.Settled:
                    progressed = true;
                    break;
                case Step.Blocked when delivery.OrderKey is { } blocked:
                    waiting.Add(blocked);
                    break;
            }
        }
        return progressed;
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
        return await SettleAsync(ledger, subscriber, delivery, outcome, error).ConfigureAwait(false);
    }

    /// <summary>Records what became of one delivery; the outcome is recorded even while stopping: the handler has run.</summary>
    private async Task<Step> SettleAsync(DeliveryLedger ledger, TopicSubscriber subscriber, PendingDelivery delivery, Outcome outcome, string error)
    {
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
        var (failure, response) = await CallAsync(subscriber, services, message.Id, message.Data, headers =>
        {
            headers["ce-id"] = message.Id;
            headers["ce-type"] = message.Type;
            headers["ce-source"] = message.Source;
            headers["ce-specversion"] = "1.0";
            headers["ce-time"] = FormatTime(message.Time);
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
        }, token).ConfigureAwait(false);
        return failure is not null ? (Outcome.Failed, failure) : ReadDaprStatus(response);
    }

    /// <summary>
    /// One request to a bulk subscriber, shaped as Dapr's sidecar sends it: the entries' CloudEvents (with the contract's
    /// <c>orgcode</c> extension) and an <c>entryId</c> each (the message id). The statuses by entry, or null and why
    /// when the request failed as a whole.
    /// </summary>
    private async Task<(Dictionary<string, (Outcome, string)>? Statuses, string Error)> InvokeBulkAsync(TopicSubscriber subscriber, string sourceApp,
        IReadOnlyList<PendingDelivery> batch, CancellationToken token)
    {
        var requestId = Guid.CreateVersion7().ToString();
        await using var scope = _scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        if (services.GetService<RequestContext>() is { } context)
        {
            // The entries may belong to different orgs: each carries its own, and the request none.
            context.Principal = Principal.ServiceCaller(sourceApp);
            context.Orgcode = null;
            context.RequestId = requestId;
            context.AppId = subscriber.AppId;
        }
        var (failure, response) = await CallAsync(subscriber, services, requestId, BulkBody(requestId, batch), _ => { }, token).ConfigureAwait(false);
        if (failure is not null)
        {
            return (null, failure);
        }
        return ReadBulkStatuses(response) is { } statuses ? (statuses, "") : (null, "the bulk subscriber answered without entry statuses");
    }

    private byte[] BulkBody(string requestId, IReadOnlyList<PendingDelivery> batch)
    {
        var buffer = new ArrayBufferWriter<byte>(batch.Sum(d => d.Message.Data.Length + 400));
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("id", requestId);
            json.WriteString("topic", batch[0].Message.Topic);
            json.WriteString("pubsubname", _stores.Options.PubSubName);
            json.WriteString("type", "com.dapr.event.sent");
            json.WriteStartObject("metadata");
            json.WriteEndObject();
            json.WriteStartArray("entries");
            foreach (var message in batch.Select(d => d.Message))
            {
                json.WriteStartObject();
                json.WriteString("entryId", message.Id);
                json.WriteString("contentType", "application/cloudevents+json");
                json.WriteStartObject("metadata");
                json.WriteEndObject();
                json.WriteStartObject("event");
                json.WriteString("specversion", "1.0");
                json.WriteString("id", message.Id);
                json.WriteString("source", message.Source);
                json.WriteString("type", message.Type);
                if (message.Subject is not null)
                {
                    json.WriteString("subject", message.Subject);
                }
                json.WriteString("time", FormatTime(message.Time));
                json.WriteString("topic", message.Topic);
                json.WriteString("pubsubname", _stores.Options.PubSubName);
                if (message.Orgcode is not null)
                {
                    json.WriteString("orgcode", message.Orgcode);
                }
                if (message.TraceParent is not null)
                {
                    json.WriteString("traceparent", message.TraceParent);
                }
                json.WriteString("datacontenttype", "application/json");
                json.WritePropertyName("data");
                json.WriteRawValue(message.Data);
                json.WriteEndObject();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Dapr's bulk reply: <c>{"statuses": [{"entryId", "status"}]}</c>; null when it is not one.</summary>
    private static Dictionary<string, (Outcome, string)>? ReadBulkStatuses(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !TryGetIgnoringCase(document.RootElement, "statuses", out var statuses) || statuses.ValueKind != JsonValueKind.Array)
            {
                return null;
            }
            var result = new Dictionary<string, (Outcome, string)>(StringComparer.Ordinal);
            foreach (var entry in statuses.EnumerateArray())
            {
                if (entry.ValueKind == JsonValueKind.Object
                    && TryGetIgnoringCase(entry, "entryId", out var id) && id.ValueKind == JsonValueKind.String
                    && TryGetIgnoringCase(entry, "status", out var status) && status.ValueKind == JsonValueKind.String)
                {
                    result[id.GetString()!] = ToOutcome(status.GetString());
                }
            }
            return result;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool TryGetIgnoringCase(JsonElement element, string name, out JsonElement value)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                value = property.Value;
                return true;
            }
        }
        value = default;
        return false;
    }

    private static string FormatTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    /// <summary>Calls the subscriber's endpoint in-process; a failure's description, or the response body of a 2xx.</summary>
    private async Task<(string? Failure, byte[] Response)> CallAsync(TopicSubscriber subscriber, IServiceProvider services, string requestId,
        byte[] body, Action<IHeaderDictionary> addHeaders, CancellationToken token)
    {
        using var responseBody = new MemoryStream();
        var http = new DefaultHttpContext { RequestServices = services };
        http.Features.Set<IHttpRequestBodyDetectionFeature>(RequestHasBody.Instance);
        http.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(responseBody));
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(token);
        attempt.CancelAfter(_options.DeliveryTimeout);
        http.RequestAborted = attempt.Token;
        http.TraceIdentifier = requestId;
        http.SetEndpoint(subscriber.Endpoint);
        var request = http.Request;
        request.Method = HttpMethods.Post;
        request.Scheme = "http";
        request.Host = new HostString("localhost");
        request.Path = subscriber.Id;
        request.ContentType = "application/json";
        request.ContentLength = body.Length;
        request.Body = new MemoryStream(body, writable: false);
        addHeaders(request.Headers);
        request.Headers["x-request-id"] = requestId;

        try
        {
            // WaitAsync also gives up on a handler that ignores RequestAborted; it is left to finish on its own.
            await subscriber.Handler(http).WaitAsync(attempt.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!token.IsCancellationRequested && attempt.IsCancellationRequested)
        {
            return ($"timed out after {_options.DeliveryTimeout}", []);
        }
        catch (Exception ex) when (!token.IsCancellationRequested)
        {
            return ($"{ex.GetType().Name}: {ex.Message}", []);
        }
        var status = http.Response.StatusCode;
        if (status is < 200 or > 299)
        {
            return ($"HTTP {status.ToString(CultureInfo.InvariantCulture)}", []);
        }
        return (null, responseBody.ToArray());
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
        return ToOutcome(status);
    }

    private static (Outcome, string) ToOutcome(string? status) => status?.ToUpperInvariant() switch
    {
        null or "" or "SUCCESS" => (Outcome.Delivered, ""),
        "DROP" => (Outcome.Drop, "dropped by the subscriber (status DROP)"),
        "RETRY" => (Outcome.Failed, "the subscriber asked for a retry (status RETRY)"),
        _ => (Outcome.Failed, $"unknown subscriber status '{status}'"),
    };

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
