using System.Diagnostics;
using System.Text.Json;
using Dapr;
using Dapr.Client;
using Retail.Shared.Events;
using Retail.Shared.Hosting;
using Retail.Shared.Invocation;
using Retail.Shared.Json;
using Retail.Shared.State;

namespace Retail.Shared.Dapr;

/// <summary>Publishes a CloudEvent to Dapr pub/sub, with the app id as its source.</summary>
public sealed class DaprEventBus(DaprClient dapr, string appId, RetailOptions options, TimeProvider timeProvider) : IEventBus
{
    private readonly string pubSubName = options?.PubSubName ?? throw new ArgumentNullException(nameof(options));

    public async Task PublishAsync(string topic, string type, object data, EventOptions? eventOptions = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ArgumentException.ThrowIfNullOrEmpty(type);
        var bytes = data as byte[] ?? JsonSerializer.SerializeToUtf8Bytes(data, data?.GetType() ?? typeof(object), RetailJson.Storage);
        var message = new OutboxMessage(
            eventOptions?.Id ?? Ids.New(),
            topic,
            type,
            appId,
            eventOptions?.Subject,
            eventOptions?.Orgcode,
            bytes,
            timeProvider.GetUtcNow(),
            Activity.Current?.Id);
        try
        {
            await DaprPublisher.PublishAsync(dapr, pubSubName, message, cancellationToken);
        }
        catch (DaprException ex) when (DaprFailures.IsUnavailable(ex))
        {
            throw new DependencyUnavailableException(pubSubName, ex);
        }
    }
}
