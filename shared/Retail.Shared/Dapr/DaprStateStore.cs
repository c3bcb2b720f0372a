using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
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
/// <see cref="IStateStore"/> over the Dapr state API. Every write is first-write-wins with strong consistency.
/// Transactions go through the sidecar's HTTP API with JSON values: its gRPC API hands values to the store as raw
/// bytes, which <c>state.postgresql</c> v1 keeps as a base64 string, so no query (every list) would ever match them
/// (components-contrib#3574). Reads stay on gRPC: the store gives the value back as it was written either way.
/// On a store with the transactional outbox (the record store's component), change events (CDC) ride the outbox as
/// projections, so they commit with the change.
/// </summary>
public sealed class DaprStateStore : IStateStore
{
    public const string TtlMetadataKey = "ttlInSeconds";

    private static readonly MediaTypeHeaderValue Json = new("application/json");

    private readonly DaprClient dapr;
    private readonly HttpClient sidecar;
    private readonly string storeName;
    private readonly bool hasOutbox;
    private readonly string pubSubName;
    private readonly ILogger logger;
    private readonly ResiliencePipeline publishPipeline;

    /// <param name="sidecar">An HTTP client whose base address is the sidecar's HTTP API and which sends its API token.</param>
    /// <param name="storeName">The state component: <c>RetailOptions.StateStoreName</c>, or the record store's one.</param>
    /// <param name="hasOutbox">
    /// Whether the component has the transactional outbox. Without it a projection would be stored as a second write of
    /// its key, so change events are then published after the commit instead.
    /// </param>
    public DaprStateStore(DaprClient dapr, HttpClient sidecar, string appId, string storeName, bool hasOutbox, RetailOptions options,
        DaprAdapterOptions adapterOptions, ILogger<DaprStateStore> logger)
    {
        ArgumentNullException.ThrowIfNull(sidecar);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(adapterOptions);
        ArgumentException.ThrowIfNullOrEmpty(storeName);
        this.dapr = dapr;
        this.sidecar = sidecar;
        this.storeName = storeName;
        this.hasOutbox = hasOutbox;
        this.logger = logger;
        AppId = appId;
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

    public string StoreName => storeName;

    public async Task<StateEntry?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var (value, etag) = await Guard(() => dapr.GetByteStateAndETagAsync(storeName, key, ConsistencyMode.Strong,
            cancellationToken: cancellationToken));
        return value.IsEmpty || string.IsNullOrEmpty(etag) ? null : new StateEntry(key, DaprSortKeys.RemoveFrom(value.ToArray()), etag);
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
            .Select(item => new StateEntry(item.Key, DaprSortKeys.RemoveFrom(Encoding.UTF8.GetBytes(item.Value)), item.ETag))];
    }

    public async Task<StateCommit> TransactAsync(StateTransaction transaction, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var plan = OutboxPlan.For(transaction, hasOutbox, logger);
        if (transaction.Operations.Count == 0)
        {
            await PublishAfterCommitAsync(transaction.Messages, cancellationToken);
            return new StateCommit(true, new Dictionary<string, string>(), null);
        }

        using var content = new ByteArrayContent(TransactionBody(transaction, plan));
        content.Headers.ContentType = Json;
        HttpResponseMessage response;
        try
        {
            response = await sidecar.PostAsync($"v1.0/state/{Uri.EscapeDataString(storeName)}/transaction", content, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new DependencyUnavailableException(storeName, ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new DependencyUnavailableException(storeName, ex);
        }
        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                var error = await response.Content.ReadAsStringAsync(cancellationToken);
                if (DaprFailures.IsETagConflictText(error))
                {
                    return StateCommit.Conflict(await FindConflictKeyAsync(transaction.Operations, cancellationToken));
                }
                // The store could not run it (unreachable, timed out, refused): nothing was committed.
                logger.LogWarning("Transaction on {Store} failed with {Status}: {Error}", storeName, (int)response.StatusCode, error);
                throw new DependencyUnavailableException(storeName,
                    new HttpRequestException($"state transaction failed: {error}", null, response.StatusCode));
            }
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
        var token = query.Token;
        bool last;
        do
        {
            // Each read asks for no more than the page still needs, so a page never overflows its limit (the store's
            // token is an offset, good for any limit).
            var wanted = query.Limit - items.Count;
            var json = DaprStateQueryJson.Write(sent with { Token = token, Limit = wanted });
            var response = await Guard(() => dapr.QueryStateAsync<JsonElement>(storeName, json, cancellationToken: cancellationToken));
            items.AddRange(response.Results
                .Where(item => ranges.All(r => StateRange.Matches(item.Data, r)))
                .Select(item => new StateEntry(item.Key, DaprSortKeys.RemoveFrom(JsonSerializer.SerializeToUtf8Bytes(item.Data)), item.ETag)));
            // PostgreSQL answers a token with every limited page, the last one too; a short page is the last.
            last = string.IsNullOrEmpty(response.Token) || response.Results.Count < wanted;
            token = last ? null : response.Token;
        }
        while (ranges.Count > 0 && items.Count < query.Limit && token is not null);
        return new StateQueryPage(items, token);
    }

    /// <summary>
    /// The body of <c>POST /v1.0/state/{store}/transaction</c>. Values are written as JSON (with their sort twins), so
    /// the store keeps them as JSON. A change event is a second upsert of the same key marked <c>outbox.projection</c>,
    /// right after its write: the outbox publishes the projection's value in place of the written one, and drops it
    /// from the transaction.
    /// </summary>
    private static byte[] TransactionBody(StateTransaction transaction, OutboxPlan plan)
    {
        var projections = new Dictionary<string, OutboxMessage>(plan.Projections, StringComparer.Ordinal);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("operations");
            foreach (var operation in transaction.Operations)
            {
                switch (operation)
                {
                    case StateUpsert upsert:
                        projections.Remove(upsert.Key, out var cdc);
                        WriteOperation(writer, "upsert", upsert.Key, DaprSortKeys.AddTo(upsert.Value), upsert.ETag,
                            UpsertMetadata(upsert, cdc), firstWrite: true);
                        if (cdc is not null)
                        {
                            WriteOperation(writer, "upsert", upsert.Key, JsonNode.Parse(cdc.Data), null, ProjectionMetadata(), firstWrite: false);
                        }
                        break;
                    case StateDelete delete:
                        WriteOperation(writer, "delete", delete.Key, null, delete.ETag, null, firstWrite: true);
                        break;
                    default:
                        throw new ArgumentException($"unknown state operation {operation.GetType().Name}", nameof(transaction));
                }
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static void WriteOperation(Utf8JsonWriter writer, string operation, string key, JsonNode? value, string? etag,
        Dictionary<string, string>? metadata, bool firstWrite)
    {
        writer.WriteStartObject();
        writer.WriteString("operation", operation);
        writer.WriteStartObject("request");
        writer.WriteString("key", key);
        if (operation == "upsert")
        {
            writer.WritePropertyName("value");
            if (value is null)
            {
                writer.WriteNullValue();
            }
            else
            {
                value.WriteTo(writer);
            }
        }
        if (!string.IsNullOrEmpty(etag))
        {
            writer.WriteString("etag", etag);
        }
        if (metadata is { Count: > 0 })
        {
            writer.WriteStartObject("metadata");
            foreach (var (name, text) in metadata)
            {
                writer.WriteString(name, text);
            }
            writer.WriteEndObject();
        }
        if (firstWrite)
        {
            writer.WriteStartObject("options");
            writer.WriteString("concurrency", "first-write");
            writer.WriteString("consistency", "strong");
            writer.WriteEndObject();
        }
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>Indexes of the Dapr state table are the operator's (components/README.md lists them); nothing to do here.</summary>
    public Task EnsureIndexesAsync(IReadOnlyList<StateIndex> indexes, CancellationToken cancellationToken = default) => Task.CompletedTask;

    private static Dictionary<string, string>? UpsertMetadata(StateUpsert upsert, OutboxMessage? cdc)
    {
        if (upsert.Ttl is null && cdc is null)
        {
            return null;
        }
        var metadata = cdc is null ? new Dictionary<string, string>() : CloudEventMetadata(cdc);
        if (upsert.Ttl is { } ttl)
        {
            var seconds = Math.Max(1, (long)Math.Ceiling(ttl.TotalSeconds));
            metadata[TtlMetadataKey] = seconds.ToString(CultureInfo.InvariantCulture);
        }
        return metadata;
    }

    // contentType makes daprd publish the projection's value as JSON data (datacontenttype application/json).
    private static Dictionary<string, string> ProjectionMetadata() => new()
    {
        ["outbox.projection"] = "true",
        ["contentType"] = "application/json",
    };

    /// <summary>
    /// The outbox copies the metadata of the written upsert (not of its projection) into the CloudEvent key for key, so
    /// the keys are the bare attribute names. It keeps its own <c>id</c> (the outbox transaction's), so consumers of
    /// <c>cdc</c> dedupe on the record key and revision in the data, not on the event id.
    /// </summary>
    internal static Dictionary<string, string> CloudEventMetadata(OutboxMessage message)
    {
        var metadata = new Dictionary<string, string>
        {
            ["type"] = message.Type,
            ["source"] = message.Source,
            ["time"] = message.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture),
        };
        if (message.Subject is not null)
        {
            metadata["subject"] = message.Subject;
        }
        if (message.Orgcode is not null)
        {
            metadata["orgcode"] = message.Orgcode;
        }
        if (message.TraceParent is not null)
        {
            metadata["traceparent"] = message.TraceParent;
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
        public static OutboxPlan For(StateTransaction transaction, bool hasOutbox, ILogger logger)
        {
            var plan = new OutboxPlan(new Dictionary<string, OutboxMessage>(StringComparer.Ordinal), []);
            var upserted = transaction.Operations.OfType<StateUpsert>().Select(u => u.Key).Distinct(StringComparer.Ordinal).ToList();
            foreach (var message in transaction.Messages)
            {
                // The outbox can only deliver to the component's one topic, which the deployment sets to "cdc".
                if (!hasOutbox || !message.IsChangeDataCapture || message.Topic != Topics.Cdc)
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
