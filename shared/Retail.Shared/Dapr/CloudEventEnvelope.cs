using System.Text.Json;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.SystemTextJson;
using Retail.Shared.State;

namespace Retail.Shared.Dapr;

/// <summary>
/// Our own structured CloudEvent for Dapr pub/sub. Dapr passes an <c>application/cloudevents+json</c> payload through
/// as it is (adding only its trace and topic fields), which is the one way to keep the contract's <c>orgcode</c>
/// extension: publish metadata can override id, type, source and subject but cannot add extensions.
/// </summary>
internal static class CloudEventEnvelope
{
    public const string ContentType = "application/cloudevents+json";

    private static readonly CloudEventAttribute OrgcodeAttribute = CloudEventAttribute.CreateExtension("orgcode", CloudEventAttributeType.String);
    private static readonly CloudEventAttribute TraceParentAttribute = CloudEventAttribute.CreateExtension("traceparent", CloudEventAttributeType.String);
    private static readonly JsonEventFormatter Formatter = new();

    public static byte[] Encode(OutboxMessage message)
    {
        using var data = JsonDocument.Parse(message.Data);
        var cloudEvent = new CloudEvent(CloudEventsSpecVersion.V1_0, [OrgcodeAttribute, TraceParentAttribute])
        {
            Id = message.Id,
            Type = message.Type,
            Source = new Uri(message.Source, UriKind.RelativeOrAbsolute),
            Subject = message.Subject,
            Time = message.Time,
            DataContentType = "application/json",
            Data = data.RootElement.Clone(),
        };
        if (message.Orgcode is not null)
        {
            cloudEvent[OrgcodeAttribute] = message.Orgcode;
        }
        if (message.TraceParent is not null)
        {
            cloudEvent[TraceParentAttribute] = message.TraceParent;
        }
        return Formatter.EncodeStructuredModeMessage(cloudEvent, out _).ToArray();
    }

    /// <summary>Kafka and other partitioned brokers keep one entity's events in order when they share a key.</summary>
    public static Dictionary<string, string> PublishMetadata(OutboxMessage message) =>
        message.Subject is null ? [] : new Dictionary<string, string> { ["partitionKey"] = message.Subject };
}
