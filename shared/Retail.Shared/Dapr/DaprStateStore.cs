using System.Globalization;
using System.Text;
using System.Text.Json;
using Dapr;
using Dapr.Client;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Retail.Shared.Events;
using Retail.Shared.Hosting;
using Retail.Shared.Invocation;
using Retail.Shared.State;

namespace Retail.Shared.Dapr;

/// <summary>
/// <see cref="IStateStore"/> over the Dapr state API. Every write is first-write-wins with strong consistency; change
/// events (CDC) ride the state store's transactional outbox as projections, so they commit with the change.
/// </summary>
public sealed class DaprStateStore : IStateStore
{
    public const string TtlMetadataKey = "ttlInSeconds";

    private readonly DaprClient dapr;
    private readonly string storeName;
    private readonly string pubSubName;
    private readonly ILogger logger;
    private readonly ResiliencePipeline publishPipeline;

    public DaprStateStore(DaprClient dapr, string appId, RetailOptions options, DaprAdapterOptions adapterOptions, ILogger<DaprStateStore> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(adapterOptions);
        this.dapr = dapr;
        this.logger = logger;
        AppId = appId;
        storeName = options.StateStoreName;
        pubSubName = options.PubSubName;
        publishPipeline = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<DaprException>(),
                MaxRetryAttempts = Math.Max(0, adapterOptions.PublishMaxAttempts - 1),
                Delay = adapterOptions.PublishRetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
            })
            .Build();
    }

    public string AppId { get; }

    // A fresh StateOptions per request: the SDK's type is mutable.
    private static StateOptions FirstWriteStrong => new() { Concurrency = ConcurrencyMode.FirstWrite, Consistency = ConsistencyMode.Strong };

    public async Task<StateEntry?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var (value, etag) = await Guard(() => dapr.GetByteStateAndETagAsync(storeName, key, ConsistencyMode.Strong,
            cancellationToken: cancellationToken));
        return value.IsEmpty || string.IsNullOrEmpty(etag) ? null : new StateEntry(key, value.ToArray(), etag);
    }

    public async Task<IReadOnlyList<StateEntry>> GetBulkAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
        {
            return [];
        }
        var items = await Guard(() => dapr.GetBulkStateAsync(storeName, [.. keys.Distinct(StringComparer.Ordinal)], parallelism: null,
            cancellationToken: cancellationToken));
        // A missing key comes back as an item with neither value nor ETag.
        return [.. items
            .Where(item => !string.IsNullOrEmpty(item.ETag) && !string.IsNullOrEmpty(item.Value))
            .Select(item => new StateEntry(item.Key, Encoding.UTF8.GetBytes(item.Value), item.ETag))];
    }

    public async Task<StateCommit> TransactAsync(StateTransaction transaction, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var plan = OutboxPlan.For(transaction, logger);
        if (transaction.Operations.Count == 0)
        {
            await PublishAfterCommitAsync(transaction.Messages, cancellationToken);
            return new StateCommit(true, new Dictionary<string, string>(), null);
        }

        // The SDK's outbox builder places each projection next to the write it describes.
        var builder = new OutboxTransactionBuilder();
        var projections = new Dictionary<string, OutboxMessage>(plan.Projections, StringComparer.Ordinal);
        foreach (var operation in transaction.Operations)
        {
            switch (operation)
            {
                case StateUpsert upsert when projections.Remove(upsert.Key, out var cdc):
                    builder.UpsertWithProjection(upsert.Key, upsert.Value, cdc.Data, upsert.ETag, UpsertMetadata(upsert, cdc),
                        ProjectionMetadata(cdc), FirstWriteStrong);
                    break;
                case StateUpsert upsert:
                    builder.Upsert(upsert.Key, upsert.Value, upsert.ETag, UpsertMetadata(upsert, null), FirstWriteStrong);
                    break;
                case StateDelete delete:
                    builder.Delete(delete.Key, delete.ETag, null, FirstWriteStrong);
                    break;
                default:
                    throw new ArgumentException($"unknown state operation {operation.GetType().Name}", nameof(transaction));
            }
        }
        var requests = builder.Build();

        try
        {
            await dapr.ExecuteStateTransactionAsync(storeName, requests, cancellationToken: cancellationToken);
        }
        catch (DaprException ex) when (DaprFailures.IsETagConflict(ex))
        {
            return StateCommit.Conflict(await FindConflictKeyAsync(transaction.Operations, cancellationToken));
        }
        catch (DaprException ex) when (DaprFailures.IsUnavailable(ex))
        {
            throw new DependencyUnavailableException(storeName, ex);
        }

        var etags = await ReadBackETagsAsync(transaction.Operations, cancellationToken);
        await PublishAfterCommitAsync(plan.AfterCommit, cancellationToken);
        return new StateCommit(true, etags, null);
    }

    public async Task<StateQueryPage> QueryAsync(StateQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        // Dapr's query API has EQ and IN only: range filters are applied to the pages it returns, reading on until a
        // page is full. The state table's expression indexes (components/README.md) keep the equality part a seek.
        var ranges = query.Filters.Where(f => f.IsRange).ToList();
        var sent = query with { Filters = query.Filters.Where(f => !f.IsRange).ToList() };
        var items = new List<StateEntry>(query.Limit);
        string? token = query.Token;
        do
        {
            var json = DaprStateQueryJson.Write(sent with { Token = token });
            var response = await Guard(() => dapr.QueryStateAsync<JsonElement>(storeName, json, cancellationToken: cancellationToken));
            items.AddRange(response.Results
                .Where(item => ranges.All(r => StateRange.Matches(item.Data, r)))
                .Select(item => new StateEntry(item.Key, JsonSerializer.SerializeToUtf8Bytes(item.Data), item.ETag)));
            token = string.IsNullOrEmpty(response.Token) ? null : response.Token;
        }
        while (ranges.Count > 0 && items.Count < query.Limit && token is not null);
        return new StateQueryPage(items, token);
    }

    /// <summary>Indexes of the Dapr state table are the operator's (components/README.md lists them); nothing to do here.</summary>
    public Task EnsureIndexesAsync(IReadOnlyList<StateIndex> indexes, CancellationToken cancellationToken = default) => Task.CompletedTask;

    private static Dictionary<string, string>? UpsertMetadata(StateUpsert upsert, OutboxMessage? cdc)
    {
        if (upsert.Ttl is null && cdc is null)
        {
            return null;
        }
        // The CloudEvent overrides sit on the written operation as well as on its projection: Dapr's outbox documents
        // them on the operation it publishes, and a state store ignores metadata it does not know.
        var metadata = cdc is null ? new Dictionary<string, string>() : CloudEventMetadata(cdc);
        if (upsert.Ttl is { } ttl)
        {
            var seconds = Math.Max(1, (long)Math.Ceiling(ttl.TotalSeconds));
            metadata[TtlMetadataKey] = seconds.ToString(CultureInfo.InvariantCulture);
        }
        return metadata;
    }

    private static Dictionary<string, string> ProjectionMetadata(OutboxMessage message)
    {
        // The builder adds outbox.projection=true; contentType makes daprd hand the bytes on as JSON.
        var metadata = CloudEventMetadata(message);
        metadata[DaprOutboxMetadata.CloudEventDataContentType] = "application/json";
        metadata["contentType"] = "application/json";
        return metadata;
    }

    private static Dictionary<string, string> CloudEventMetadata(OutboxMessage message)
    {
        var metadata = new Dictionary<string, string>
        {
            [DaprOutboxMetadata.CloudEventId] = message.Id,
            [DaprOutboxMetadata.CloudEventType] = message.Type,
            [DaprOutboxMetadata.CloudEventSource] = message.Source,
        };
        if (message.Subject is not null)
        {
            metadata[DaprOutboxMetadata.CloudEventSubject] = message.Subject;
        }
        if (message.TraceParent is not null)
        {
            metadata[DaprOutboxMetadata.CloudEventTraceParent] = message.TraceParent;
        }
        return metadata;
    }

    /// <summary>
    /// Dapr does not say which key failed its ETag check, so the current ETags are read back and compared with what
    /// the transaction expected. When a concurrent writer has moved on again, the first conditional key is named.
    /// </summary>
    private async Task<string> FindConflictKeyAsync(IReadOnlyList<StateOperation> operations, CancellationToken cancellationToken)
    {
        var fallback = operations.FirstOrDefault(op => op is StateUpsert or StateDelete { ETag: not null })?.Key ?? operations[0].Key;
        IReadOnlyList<StateEntry> current;
        try
        {
            current = await GetBulkAsync([.. operations.Select(op => op.Key)], cancellationToken);
        }
        catch (Exception ex) when (ex is DaprException or DependencyUnavailableException)
        {
            logger.LogWarning(ex, "Could not read {Store} back to name the conflicting key; naming {Key}", storeName, fallback);
            return fallback;
        }
        var etags = current.ToDictionary(entry => entry.Key, entry => entry.ETag, StringComparer.Ordinal);
        foreach (var operation in operations)
        {
            var exists = etags.TryGetValue(operation.Key, out var etag);
            var failed = operation switch
            {
                StateUpsert { ETag: null } => exists,
                StateUpsert upsert => !exists || etag != upsert.ETag,
                StateDelete { ETag: not null } delete => !exists || etag != delete.ETag,
                _ => false,
            };
            if (failed)
            {
                return operation.Key;
            }
        }
        return fallback;
    }

    /// <summary>
    /// Dapr's transaction API answers without the new ETags, so they are read back. A key whose stored value is no
    /// longer the one written (a later writer won in between) is left out: its caller must read it again.
    /// </summary>
    private async Task<IReadOnlyDictionary<string, string>> ReadBackETagsAsync(IReadOnlyList<StateOperation> operations,
        CancellationToken cancellationToken)
    {
        var written = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var operation in operations)
        {
            if (operation is StateUpsert upsert)
            {
                written[upsert.Key] = upsert.Value;
            }
            else
            {
                written.Remove(operation.Key);
            }
        }
        var etags = new Dictionary<string, string>(StringComparer.Ordinal);
        if (written.Count == 0)
        {
            return etags;
        }
        try
        {
            foreach (var entry in await GetBulkAsync(written.Keys, cancellationToken))
            {
                if (written.TryGetValue(entry.Key, out var value) && SameJson(entry.Value, value))
                {
                    etags[entry.Key] = entry.ETag;
                }
            }
        }
        catch (Exception ex) when (ex is DaprException or DependencyUnavailableException)
        {
            // The commit stands; only the new ETags are unknown, and a caller without one reads the record again.
            logger.LogWarning(ex, "Committed to {Store} but could not read the new ETags back", storeName);
        }
        return etags;
    }

    private static bool SameJson(byte[] stored, byte[] written)
    {
        if (stored.AsSpan().SequenceEqual(written))
        {
            return true;
        }
        // Stores such as PostgreSQL (jsonb) give back equal JSON in another spelling.
        try
        {
            using var a = JsonDocument.Parse(stored);
            using var b = JsonDocument.Parse(written);
            return JsonElement.DeepEquals(a.RootElement, b.RootElement);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>
    /// Business events (not CDC) are published after the commit, with a few retries: at least once after a commit,
    /// not transactional. If the sidecar stays unreachable the event is logged as lost; whatever must not be lost
    /// travels as CDC through the outbox.
    /// </summary>
    private async Task PublishAfterCommitAsync(IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken)
    {
        foreach (var message in messages)
        {
            try
            {
                await publishPipeline.ExecuteAsync(
                    async token => await DaprPublisher.PublishAsync(dapr, pubSubName, message, token), cancellationToken);
            }
            catch (DaprException ex)
            {
                logger.LogError(ex, "Event {EventId} ({EventType}) to topic {Topic} was committed but not published", message.Id,
                    message.Type, message.Topic);
            }
        }
    }

    private async Task<T> Guard<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (DaprException ex) when (DaprFailures.IsUnavailable(ex))
        {
            throw new DependencyUnavailableException(storeName, ex);
        }
    }

    /// <summary>Which CDC message becomes the outbox projection of which written key, and what is published after commit.</summary>
    private sealed record OutboxPlan(Dictionary<string, OutboxMessage> Projections, List<OutboxMessage> AfterCommit)
    {
        public static OutboxPlan For(StateTransaction transaction, ILogger logger)
        {
            var plan = new OutboxPlan(new Dictionary<string, OutboxMessage>(StringComparer.Ordinal), []);
            var upserted = transaction.Operations.OfType<StateUpsert>().Select(u => u.Key).Distinct(StringComparer.Ordinal).ToList();
            foreach (var message in transaction.Messages)
            {
                // The outbox can only deliver to the component's one topic, which the deployment sets to "cdc".
                if (!message.IsChangeDataCapture || message.Topic != Topics.Cdc)
                {
                    plan.AfterCommit.Add(message);
                    continue;
                }
                var key = message.StateKey;
                if (key is null || !upserted.Contains(key) || plan.Projections.ContainsKey(key))
                {
                    // A projection must share its key with a written operation (Dapr fails the transaction otherwise),
                    // so a change without its own upsert (a hard delete, say) is published after the commit.
                    logger.LogWarning("CDC event {EventId} ({EventType}) names no written key; publishing it after the commit",
                        message.Id, message.Type);
                    plan.AfterCommit.Add(message);
                    continue;
                }
                plan.Projections[key] = message;
            }
            return plan;
        }
    }
}
