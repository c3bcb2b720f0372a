using System.Text.Json.Serialization;
using Retail.Shared.Records;

namespace Retail.Shared.Webhooks;

/// <summary>One message to one destination, from staging until it is delivered, fails for good or is cancelled.</summary>
public sealed record WebhookDeliveryRecord : Record
{
    public required string DeliveryGuid { get; init; }

    public required string DestinationKind { get; init; }

    public required string DestinationKey { get; init; }

    public required string EventId { get; init; }

    public required string EventType { get; init; }

    /// <summary>The exact bytes sent (UTF-8 JSON), so a retry or a replay signs and sends the same body.</summary>
    public required string Payload { get; init; }

    public DeliveryStatus Status { get; init; } = DeliveryStatus.Pending;

    public int AttemptCount { get; init; }

    /// <summary>When the sweeper may try next (pending only).</summary>
    public DateTimeOffset? NextAttemptAt { get; init; }

    public int? LastStatusCode { get; init; }

    public string? LastError { get; init; }

    public long? LastLatencyMs { get; init; }

    public DateTimeOffset? DeliveredAt { get; init; }

    public string? ReplayOf { get; init; }

    [JsonIgnore]
    public override string Key => DeliveryGuid;

    public static RecordType<WebhookDeliveryRecord> Type { get; } = new RecordType<WebhookDeliveryRecord>("webhook_delivery")
        .IndexBy("destination_kind", "destination_key");
}

/// <summary>One attempt of one delivery: what was answered and how long it took.</summary>
public sealed record WebhookAttemptRecord : Record
{
    public required string AttemptGuid { get; init; }

    public required string DeliveryGuid { get; init; }

    public required int Number { get; init; }

    public required DateTimeOffset At { get; init; }

    public bool Delivered { get; init; }

    public int? StatusCode { get; init; }

    public long LatencyMs { get; init; }

    public string? Error { get; init; }

    /// <summary>At most the first 1,024 characters of the response body.</summary>
    public string? ResponseExcerpt { get; init; }

    [JsonIgnore]
    public override string Key => AttemptGuid;

    public static RecordType<WebhookAttemptRecord> Type { get; } = new RecordType<WebhookAttemptRecord>("webhook_attempt").IndexBy("delivery_guid");
}
