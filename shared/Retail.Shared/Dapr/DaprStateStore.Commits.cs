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

/// <summary>After a transaction: which key conflicted, the new ETags, and events published after the commit.</summary>
public sealed partial class DaprStateStore
{
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
