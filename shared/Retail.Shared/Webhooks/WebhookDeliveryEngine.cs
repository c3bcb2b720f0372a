using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Retail.Shared.Contract;
using Retail.Shared.Records;
using Retail.Shared.State;

namespace Retail.Shared.Webhooks;

/// <summary>
/// The engine behind <see cref="IWebhookDeliveries"/> for one app: deliveries, attempts and destination health in the
/// app's record store; sends through the host's <see cref="IWebhookSender"/> (SSRF-checked); every attempt is logged and
/// the destination's owner told. Scoped, like the record stores it uses.
/// </summary>
internal sealed class WebhookDeliveryEngine(
    string appId,
    RecordStore<WebhookDeliveryRecord> deliveries,
    RecordStore<WebhookAttemptRecord> attempts,
    RecordStore<WebhookDestinationHealth> health,
    IWebhookSender sender,
    WebhookDeliveryOptions options,
    Func<IDeliveryDestinations?> owners,
    TimeProvider clock,
    ILogger logger) : IWebhookDeliveries
{
    private const int ReplayChunk = 100;

    public string AppId => appId;

    public WebhookDeliveryOptions Options => options;

    public static WebhookDeliveryEngine Create(string appId, IServiceProvider sp)
    {
        var store = sp.GetRequiredKeyedService<IStateStore>(StateStoreKeys.Records(appId));
        var clock = sp.GetRequiredService<TimeProvider>();
        var context = sp.GetRequiredService<RequestContext>();
        var tokens = sp.GetRequiredService<PageTokens>();
        return new WebhookDeliveryEngine(appId,
            new RecordStore<WebhookDeliveryRecord>(store, WebhookDeliveryRecord.Type, clock, context, tokens),
            new RecordStore<WebhookAttemptRecord>(store, WebhookAttemptRecord.Type, clock, context, tokens),
            new RecordStore<WebhookDestinationHealth>(store, WebhookDestinationHealth.Type, clock, context, tokens),
            sp.GetRequiredService<IWebhookSender>(),
            sp.GetRequiredService<IOptionsMonitor<WebhookDeliveryOptions>>().Get(appId),
            () => sp.GetKeyedService<IDeliveryDestinations>(appId),
            clock,
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("Retail.Shared.Webhooks." + appId));
    }

    public WebhookDeliveryRecord Enqueue(RecordBatch batch, string orgcode, DestinationRef destination, WebhookMessage message, string? replayOf = null)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(message);
        var now = clock.GetUtcNow();
        return deliveries.Create(batch, orgcode, new WebhookDeliveryRecord
        {
            DeliveryGuid = Ids.New(),
            DestinationKind = destination.Kind,
            DestinationKey = destination.Key,
            EventId = message.EventId,
            EventType = message.EventType,
            Payload = Encoding.UTF8.GetString(message.Payload),
            NextAttemptAt = options.NextAttemptAt(0, now, Random.Shared.NextDouble()),
            ReplayOf = replayOf,
            EventKey = replayOf is null ? WebhookDeliveryRecord.EventKeyOf(destination, message.EventId) : null,
        });
    }

    public async Task<WebhookAttemptResult> SendNowAsync(string orgcode, DestinationRef destination, DeliveryDestination target, WebhookMessage message,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(message);
        var guid = Ids.New();
        var result = await AttemptAsync(target, "msg_" + guid, message.EventType, message.Payload, ct);
        var batch = new RecordBatch();
        deliveries.Create(batch, orgcode, new WebhookDeliveryRecord
        {
            DeliveryGuid = guid,
            DestinationKind = destination.Kind,
            DestinationKey = destination.Key,
            EventId = message.EventId,
            EventType = message.EventType,
            Payload = Encoding.UTF8.GetString(message.Payload),
            Status = result.Delivered ? DeliveryStatus.Delivered : DeliveryStatus.Failed,
            AttemptCount = 1,
            LastStatusCode = result.StatusCode,
            LastError = result.Error,
            LastLatencyMs = result.LatencyMs,
            DeliveredAt = result.Delivered ? result.At : null,
        });
        StageAttempt(batch, orgcode, guid, 1, result);
        await batch.CommitAsync(ct);
        var failures = await RecordHealthAsync(orgcode, destination, result, backoffUntil: null, ct);
        await TellOwnerAsync(orgcode, destination, result, failures, ct);
        return result;
    }

    public async Task<Page<WebhookDeliveryRecord>> ListAsync(string orgcode, DestinationRef destination, DeliveryStatus? status = null,
        DateTimeOffset? from = null, DateTimeOffset? to = null, int limit = 50, string? token = null, CancellationToken ct = default)
    {
        List<StateFilter> filters = [StateFilter.Eq("destination_kind", destination.Kind), StateFilter.Eq("destination_key", destination.Key)];
        if (status is { } s)
        {
            filters.Add(StateFilter.Eq("status", Wire(s)));
        }
        if (from is { } f)
        {
            filters.Add(StateFilter.Above("created_ms", f.ToUnixTimeMilliseconds(), inclusive: true));
        }
        if (to is { } t)
        {
            filters.Add(StateFilter.Below("created_ms", t.ToUnixTimeMilliseconds()));
        }
        return await deliveries.ListAsync(orgcode, filters, limit, token,
            sort: [new StateSort("created_ms", Descending: true), new StateSort("delivery_guid", Descending: true)], ct: ct);
    }

    public async Task<IReadOnlyList<WebhookAttemptRecord>> AttemptsAsync(string orgcode, string deliveryGuid, CancellationToken ct = default)
    {
        var all = new List<WebhookAttemptRecord>();
        string? token = null;
        do
        {
            var page = await attempts.ListAsync(orgcode, [StateFilter.Eq("delivery_guid", deliveryGuid)], 100, token,
                sort: [new StateSort("number")], ct: ct);
            all.AddRange(page.Items);
            token = page.NextToken;
        }
        while (token is not null);
        return all;
    }

    public async Task<int> ReplayAsync(string orgcode, DestinationRef destination, DateTimeOffset from, DateTimeOffset to, CancellationToken ct = default)
    {
        var staged = 0;
        string? token = null;
        do
        {
            var page = await ListAsync(orgcode, destination, null, from, to, ReplayChunk, token, ct);
            var batch = new RecordBatch();
            // Oldest first, so the replays keep the order of the originals.
            foreach (var original in page.Items.Reverse())
            {
                Enqueue(batch, orgcode, destination,
                    new WebhookMessage(original.EventId, original.EventType, Encoding.UTF8.GetBytes(original.Payload), original.CreatedAt),
                    original.ReplayOf ?? original.DeliveryGuid);
            }
            var write = await batch.CommitAsync(ct);
            if (!write.Succeeded)
            {
                throw new InvalidOperationException($"staging replays failed: {write.Outcome}");
            }
            staged += page.Items.Count;
            token = page.NextToken;
        }
        while (token is not null);
        return staged;
    }

    public async Task<WebhookDestinationHealth?> HealthAsync(string orgcode, DestinationRef destination, CancellationToken ct = default) =>
        (await health.GetAsync(orgcode, WebhookDestinationHealth.KeyOf(destination), ct: ct))?.Record;

    public async Task ClearFailuresAsync(string orgcode, DestinationRef destination, CancellationToken ct = default)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var current = await health.GetAsync(orgcode, WebhookDestinationHealth.KeyOf(destination), ct: ct);
            if (current is null || current.Record is { ConsecutiveFailures: 0, BackoffUntil: null })
            {
                return;
            }
            var write = await health.UpdateAsync(orgcode, current, current.Record with { ConsecutiveFailures = 0, BackoffUntil = null }, ct: ct);
            if (write.Succeeded)
            {
                return;
            }
        }
        throw new InvalidOperationException($"the health of {destination} kept changing");
    }

    public async Task<int> CancelPendingAsync(string orgcode, DestinationRef destination, CancellationToken ct = default)
    {
        var cancelled = 0;
        for (var round = 0; round < 1000; round++)
        {
            var page = await ListAsync(orgcode, destination, DeliveryStatus.Pending, limit: ReplayChunk, ct: ct);
            if (page.Items.Count == 0)
            {
                break;
            }
            foreach (var delivery in page.Items)
            {
                if (await SettleAsync(orgcode, delivery.DeliveryGuid, d => d with { Status = DeliveryStatus.Cancelled, NextAttemptAt = null }, ct))
                {
                    cancelled++;
                }
            }
        }
        return cancelled;
    }

    /// <summary>
    /// Sends the due deliveries of one destination, oldest first (the sweeper calls this for each destination of a pass,
    /// several destinations at a time). Stops at the first failure: the destination is then in backoff.
    /// </summary>
    public async Task DeliverDueAsync(string orgcode, DestinationRef destination, IReadOnlyList<string> deliveryGuids, CancellationToken ct)
    {
        var owner = owners() ?? throw new InvalidOperationException($"{appId} registers no keyed IDeliveryDestinations");
        var state = await HealthAsync(orgcode, destination, ct);
        var target = state?.BackoffUntil > clock.GetUtcNow() ? null : await owner.GetAsync(orgcode, destination, ct);
        DateTimeOffset? holdUntil = state?.BackoffUntil > clock.GetUtcNow() ? state.BackoffUntil : null;
        foreach (var guid in deliveryGuids)
        {
            var loaded = await deliveries.GetAsync(orgcode, guid, ct: ct);
            if (loaded is null || loaded.Record.Status != DeliveryStatus.Pending || loaded.Record.NextAttemptAt > clock.GetUtcNow())
            {
                continue;
            }
            if (holdUntil is { } hold)
            {
                // In backoff after a failure (or not sending): wait, uncounted, so the due index holds only what can go now.
                await deliveries.UpdateAsync(orgcode, loaded, loaded.Record with { NextAttemptAt = hold }, ct: ct);
            }
            else if (target is null)
            {
                await deliveries.UpdateAsync(orgcode, loaded, loaded.Record with { Status = DeliveryStatus.Cancelled, NextAttemptAt = null }, ct: ct);
            }
            else if (!target.Sending)
            {
                await deliveries.UpdateAsync(orgcode, loaded, loaded.Record with { NextAttemptAt = clock.GetUtcNow() + options.HeldRecheck }, ct: ct);
            }
            else if (!await DeliverAsync(orgcode, loaded, target, ct))
            {
                // The destination failed: the rest of its queue waits out the backoff with it.
                holdUntil = (await HealthAsync(orgcode, destination, ct))?.BackoffUntil ?? clock.GetUtcNow() + options.HeldRecheck;
            }
        }
    }

    /// <summary>One scheduled attempt of a claimed delivery. Answers whether it was delivered (or not attempted by us).</summary>
    private async Task<bool> DeliverAsync(string orgcode, Loaded<WebhookDeliveryRecord> loaded, DeliveryDestination target, CancellationToken ct)
    {
        // The claim: an ETag-checked write that moves the next attempt past the lease, so no other sweeper (here or on
        // another host) sends this attempt; losing the write means another one has it.
        var claim = await deliveries.UpdateAsync(orgcode, loaded, loaded.Record with { NextAttemptAt = clock.GetUtcNow() + options.ClaimLease }, ct: ct);
        if (!claim.Succeeded)
        {
            return true;
        }
        var delivery = claim.Record!;
        var result = await AttemptAsync(target, delivery.MessageId, delivery.EventType, Encoding.UTF8.GetBytes(delivery.Payload), ct);
        var number = delivery.AttemptCount + 1;
        var next = result.Delivered ? null : options.NextAttemptAt(number, clock.GetUtcNow(), Random.Shared.NextDouble());
        var settled = await SettleAsync(orgcode, delivery.DeliveryGuid, d => d with
        {
            Status = d.Status != DeliveryStatus.Pending ? d.Status
                : result.Delivered ? DeliveryStatus.Delivered
                : next is null ? DeliveryStatus.Failed
                : DeliveryStatus.Pending,
            NextAttemptAt = d.Status == DeliveryStatus.Pending && !result.Delivered ? next : null,
            AttemptCount = number,
            LastStatusCode = result.StatusCode,
            LastError = result.Error,
            LastLatencyMs = result.LatencyMs,
            DeliveredAt = result.Delivered ? result.At : d.DeliveredAt,
        }, ct, batch => StageAttempt(batch, orgcode, delivery.DeliveryGuid, number, result));
        if (!settled)
        {
            logger.LogWarning("Webhook delivery {DeliveryGuid}: attempt {Number} could not be recorded", delivery.DeliveryGuid, number);
        }
        if (!result.Delivered)
        {
            logger.LogInformation("Webhook delivery {DeliveryGuid} ({EventType}) attempt {Number} failed: {Error}; next at {Next}",
                delivery.DeliveryGuid, delivery.EventType, number, result.Error, next);
        }
        var failures = await RecordHealthAsync(orgcode, delivery.Destination, result, result.Delivered ? null : next ?? clock.GetUtcNow() + options.HeldRecheck, ct);
        await TellOwnerAsync(orgcode, delivery.Destination, result, failures, ct);
        return result.Delivered;
    }

    /// <summary>Applies a change to the current delivery (re-read on a conflict), with anything else staged beside it.</summary>
    private async Task<bool> SettleAsync(string orgcode, string deliveryGuid, Func<WebhookDeliveryRecord, WebhookDeliveryRecord> change, CancellationToken ct,
        Action<RecordBatch>? alongside = null)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var current = await deliveries.GetAsync(orgcode, deliveryGuid, ct: ct);
            if (current is null)
            {
                return false;
            }
            var batch = new RecordBatch();
            deliveries.Update(batch, orgcode, current, change(current.Record));
            alongside?.Invoke(batch);
            if ((await batch.CommitAsync(ct)).Succeeded)
            {
                return true;
            }
        }
        return false;
    }

    private void StageAttempt(RecordBatch batch, string orgcode, string deliveryGuid, int number, WebhookAttemptResult result) =>
        attempts.Create(batch, orgcode, new WebhookAttemptRecord
        {
            AttemptGuid = Ids.New(),
            DeliveryGuid = deliveryGuid,
            Number = number,
            At = result.At,
            Delivered = result.Delivered,
            StatusCode = result.StatusCode,
            LatencyMs = result.LatencyMs,
            Error = result.Error,
            ResponseExcerpt = result.ResponseExcerpt,
        });

    /// <summary>The destination's run after this attempt; answers its consecutive failures.</summary>
    private async Task<int> RecordHealthAsync(string orgcode, DestinationRef destination, WebhookAttemptResult result, DateTimeOffset? backoffUntil,
        CancellationToken ct)
    {
        var key = WebhookDestinationHealth.KeyOf(destination);
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var current = await health.GetAsync(orgcode, key, ct: ct);
            var before = current?.Record ?? new WebhookDestinationHealth { HealthKey = key, DestinationKind = destination.Kind, DestinationKey = destination.Key };
            var next = result.Delivered
                ? before with { ConsecutiveFailures = 0, LastAttemptAt = result.At, LastDeliveredAt = result.At, BackoffUntil = null }
                : before with
                {
                    ConsecutiveFailures = before.ConsecutiveFailures + 1,
                    LastAttemptAt = result.At,
                    LastFailedAt = result.At,
                    LastError = result.Error,
                    BackoffUntil = backoffUntil,
                };
            var write = current is null ? await health.CreateAsync(orgcode, next, ct: ct) : await health.UpdateAsync(orgcode, current, next, ct: ct);
            if (write.Succeeded)
            {
                return next.ConsecutiveFailures;
            }
        }
        throw new InvalidOperationException($"the health of {destination} kept changing");
    }

    private async Task TellOwnerAsync(string orgcode, DestinationRef destination, WebhookAttemptResult result, int failures, CancellationToken ct)
    {
        var owner = owners();
        if (owner is null)
        {
            return;
        }
        try
        {
            await owner.OnAttemptAsync(orgcode, destination, result, failures, ct);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            // The attempt is recorded; the owner hears of the run again at the next attempt.
            logger.LogWarning(ex, "The owner of {Destination} failed to take an attempt's outcome", destination);
        }
    }

    /// <summary>One signed POST of <paramref name="payload"/>, timed, never throwing for what the endpoint or network did.</summary>
    private async Task<WebhookAttemptResult> AttemptAsync(DeliveryDestination target, string messageId, string eventType, byte[] payload, CancellationToken ct)
    {
        var at = clock.GetUtcNow();
        var started = Stopwatch.GetTimestamp();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.AttemptTimeout);
        WebhookResult sent;
        try
        {
            sent = await sender.SendAsync(new WebhookDelivery(target.Url, messageId, eventType, payload, target.Secret, at, target.Signer), timeout.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            sent = new WebhookResult(false, null, "timeout", 1);
        }
        var latency = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        var excerpt = sent.ResponseExcerpt is { Length: > 0 } text && text.Length > options.ResponseExcerptLength ? text[..options.ResponseExcerptLength] : sent.ResponseExcerpt;
        return new WebhookAttemptResult(sent.Delivered, sent.StatusCode, latency, sent.Delivered ? null : sent.Error ?? "not delivered", excerpt, at);
    }

    internal static string Wire(DeliveryStatus status) => status.ToString().ToLowerInvariant();
}
