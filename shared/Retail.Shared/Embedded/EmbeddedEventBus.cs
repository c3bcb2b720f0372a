using System.Diagnostics;
using System.Text.Json;
using Retail.Shared.Events;
using Retail.Shared.Json;
using Retail.Shared.State;

namespace Retail.Shared.Embedded;

/// <summary>
/// Publishes into the app's own outbox, in a transaction of its own, and wakes the dispatcher. Delivery is
/// then the same as for events committed with state changes.
/// </summary>
public sealed class EmbeddedEventBus(SqliteStateStore store, TimeProvider time) : IEventBus
{
    public Task PublishAsync(string topic, string type, object data, EventOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        ArgumentNullException.ThrowIfNull(data);
        var message = new OutboxMessage(
            Id: options?.Id ?? Ids.New(),
            Topic: topic,
            Type: type,
            Source: store.AppId,
            Subject: options?.Subject,
            Orgcode: options?.Orgcode,
            Data: JsonSerializer.SerializeToUtf8Bytes(data, data.GetType(), RetailJson.Storage),
            Time: time.GetUtcNow(),
            TraceParent: Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity ? activity.Id : null);
        return store.AppendAsync([message], cancellationToken);
    }
}
