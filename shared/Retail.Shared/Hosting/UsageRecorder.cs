using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Retail.Shared.Contract;
using Retail.Shared.Json;
using Retail.Shared.State;

namespace Retail.Shared.Hosting;

/// <summary>
/// One authenticated request, as Accounting meters it (topic <c>usage</c>). <see cref="Id"/> is also the CloudEvent id, so a
/// consumer dedupes on it whether the transport forwards CloudEvent attributes or not; <see cref="TraceId"/> and
/// <see cref="RequestId"/> lead back to the request (lineage); <see cref="ResponseBytes"/> is the response's
/// Content-Length where the response declared one (a streamed body is not counted on the request path).
/// </summary>
public sealed record UsageEvent(
    string Service,
    string Operation,
    string? Orgcode,
    string PrincipalId,
    string PrincipalKind,
    string? Cccode,
    int Status,
    double DurationMs,
    long? RequestBytes,
    DateTimeOffset At,
    string? Id = null,
    string? TraceId = null,
    string? RequestId = null,
    long? ResponseBytes = null);

/// <summary>
/// The payload of one <c>usage.batch</c> message on the <c>usage</c> topic: the usage events of one service, each with
/// its own id (the consumer dedupes on those, not on the message's id), across orgs (each event names its own).
/// </summary>
public sealed record UsageBatch(IReadOnlyList<UsageEvent> Events)
{
    /// <summary>The CloudEvent type of a batch.</summary>
    public const string Type = "usage.batch";

    /// <summary>Events in one message at most: ~100 KB of JSON, well inside every pub/sub broker's message limit.</summary>
    public const int MaxEvents = 200;
}

/// <summary>
/// Collects usage events off the request path and writes them to each service's outbox in batches: one transaction and
/// one <see cref="UsageBatch"/> message per up to <see cref="UsageBatch.MaxEvents"/> requests, so metering costs the bus
/// one delivery (and the consumer one write) per batch rather than one per request. A batch is written at most
/// <see cref="Linger"/> after its first request.
/// </summary>
public sealed class UsageRecorder(IServiceProvider services, ILogger<UsageRecorder> logger, TimeProvider clock) : BackgroundService
{
    private readonly Channel<UsageEvent> _queue = Channel.CreateBounded<UsageEvent>(
        new BoundedChannelOptions(50_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    public void Record(UsageEvent usage)
    {
        if (!_queue.Writer.TryWrite(usage))
        {
            logger.LogWarning("Usage queue full; an event was dropped");
        }
    }

    /// <summary>
    /// How long the first event of a batch waits for others (wall time, not the host's clock: a batching window). Without
    /// it a batch held whatever had queued during the previous write, about ten requests under load: each batch a write,
    /// a delivery and a consumer's write, a thousand a second at 10,000 requests a second; with it, a few dozen.
    /// </summary>
    public TimeSpan Linger { get; init; } = TimeSpan.FromMilliseconds(100);

    private readonly TaskCompletionSource _stopping = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Cancelled only when the host's shutdown timeout runs out: what is still queued then is given up (and logged).</summary>
    private readonly CancellationTokenSource _abandon = new();

    /// <summary>
    /// The only reader of the queue. It reads until the writer completes (at stop), so what was recorded before the host
    /// stopped is still written; the stopping token is not used to end it early.
    /// </summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var abandon = _abandon.Token;
        var batch = new List<UsageEvent>(1000);
        while (await _queue.Reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
        {
            if (_queue.Reader.Count < 1000)
            {
                // A moment for the requests around this one to join it (ends at once when the host stops).
                await Task.WhenAny(Task.Delay(Linger, CancellationToken.None), _stopping.Task).ConfigureAwait(false);
            }
            while (batch.Count < 1000 && _queue.Reader.TryRead(out var usage))
            {
                batch.Add(usage);
            }
            await FlushAsync(batch, abandon);
            batch.Clear();
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping.TrySetResult();
        _queue.Writer.TryComplete();
        await using var giveUp = cancellationToken.Register(() => _abandon.Cancel());
        await base.StopAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _abandon.Dispose();
        base.Dispose();
    }

    private async Task FlushAsync(List<UsageEvent> batch, CancellationToken cancellationToken)
    {
        foreach (var group in batch.GroupBy(u => u.Service))
        {
            var store = services.GetKeyedService<IStateStore>(group.Key);
            if (store is null)
            {
                continue;
            }
            var tx = new StateTransaction();
            foreach (var chunk in group.Select(u => u.Id is null ? u with { Id = Ids.New() } : u).Chunk(UsageBatch.MaxEvents))
            {
                // No subject: usage needs no order (Accounting dedupes by event id and counts commutatively), and a subject
                // would make the embedded dispatcher deliver one app's usage one at a time. No org on the message: the
                // events of a batch may belong to several (each names its own), and only Accounting subscribes.
                tx.Publish(new OutboxMessage(Ids.New(), Events.Topics.Usage, UsageBatch.Type, group.Key,
                    null, null, RetailJson.ToBytes(new UsageBatch(chunk)), clock.GetUtcNow()));
            }
            try
            {
                await store.TransactAsync(tx, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // The host's shutdown timeout ran out: stopping must not fail for metering.
                logger.LogWarning("Shutdown timed out; {Count} usage events for {Service} were not recorded", group.Count(), group.Key);
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Could not record {Count} usage events for {Service}", group.Count(), group.Key);
            }
        }
    }
}

/// <summary>Publishes a usage event for every authenticated request of a module.</summary>
public sealed class UsageMiddleware(RequestDelegate next, UsageRecorder recorder, TimeProvider clock)
{
    public async Task InvokeAsync(HttpContext http, RequestContext context)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(http);
        }
        finally
        {
            if (context.Principal is { } principal && context.AppId is { } appId && !principal.IsService)
            {
                var operation = http.GetEndpoint() is Microsoft.AspNetCore.Routing.RouteEndpoint route
                    ? route.RoutePattern.RawText ?? http.Request.Path.Value ?? ""
                    : http.Request.Path.Value ?? "";
                recorder.Record(new UsageEvent(appId, operation, context.Orgcode, principal.Id,
                    SnakeCase.Name(principal.Kind), context.CostCentreCode, http.Response.StatusCode,
                    Stopwatch.GetElapsedTime(started).TotalMilliseconds, http.Request.ContentLength, clock.GetUtcNow(),
                    Ids.New(), TraceIdOf(http), context.RequestId is { Length: > 0 } id ? id : null, http.Response.ContentLength));
            }
        }
    }

    /// <summary>The W3C trace id: the current activity's when tracing is on, else the one the caller's <c>traceparent</c> names.</summary>
    internal static string? TraceIdOf(HttpContext http)
    {
        if (Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity)
        {
            return activity.TraceId.ToHexString();
        }
        // traceparent: version "-" trace-id (32 hex) "-" parent-id "-" flags
        var header = http.Request.Headers["traceparent"].ToString();
        if (header.Length >= 55 && header[2] == '-' && header[35] == '-')
        {
            var traceId = header.AsSpan(3, 32);
            if (IsLowerHex(traceId) && traceId.ContainsAnyExcept('0'))
            {
                return traceId.ToString();
            }
        }
        return null;
    }

    private static bool IsLowerHex(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c) && c is not (>= 'a' and <= 'f'))
            {
                return false;
            }
        }
        return true;
    }
}
