using Dapr.Client;
using Retail.Shared.State;

namespace Retail.Shared.Dapr;

internal static class DaprPublisher
{
    public static Task PublishAsync(DaprClient dapr, string pubSubName, OutboxMessage message, CancellationToken cancellationToken) =>
        dapr.PublishByteEventAsync(pubSubName, message.Topic, CloudEventEnvelope.Encode(message), CloudEventEnvelope.ContentType,
            CloudEventEnvelope.PublishMetadata(message), cancellationToken);
}
