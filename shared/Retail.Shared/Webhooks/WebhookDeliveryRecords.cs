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

    /// <summary>
    /// A queued delivery's (destination, event) pair, held as a unique value: the same event staged again for the same
    /// destination (a redelivered business event) conflicts instead of being sent twice. Null for replays and sends now.
    /// </summary>
    public string? EventKey { get; init; }

    [JsonIgnore]
    public override string Key => DeliveryGuid;

    [JsonIgnore]
    public DestinationRef Destination => new(DestinationKind, DestinationKey);

    /// <summary>The Standard Webhooks message id: a replay keeps its original's, so a receiver that processed it can tell.</summary>
    [JsonIgnore]
    public string MessageId => "msg_" + (ReplayOf ?? DeliveryGuid);

    /// <summary>The key of the unique value that makes staging an event for a destination idempotent.</summary>
    public static string EventKeyOf(DestinationRef destination, string eventId) => $"{destination.Kind}:{destination.Key}:{eventId}";

    public static RecordType<WebhookDeliveryRecord> Type { get; } = new RecordType<WebhookDeliveryRecord>("webhook_delivery",
            d => d.EventKey is null ? [] : [new UniqueValue("event", d.EventKey)])
        .IndexBy("destination_kind", "destination_key")
        // A destination's deliveries by creation time (lists, replay windows), optionally of one status.
        .Computed("created_ms", d => d.CreatedAt.ToUnixTimeMilliseconds())
        .IndexBy("destination_kind", "destination_key", "created_ms")
        .IndexBy("destination_kind", "destination_key", "status", "created_ms")
        // Due for the sweeper (across orgs): a pending delivery's next attempt in epoch ms; null once it is settled.
        .Computed("due_ms", d => d.Status == DeliveryStatus.Pending && d.NextAttemptAt is { } at ? at.ToUnixTimeMilliseconds() : null)
        .IndexAcrossOrgs("due_ms");
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

/// <summary>
/// One destination's run of outcomes: consecutive failed attempts (what an owner disables at), the last delivery, and how
/// long the sweeper leaves a failing destination alone (its backoff), so a queue of deliveries to an endpoint that is
/// down probes it on the retry schedule instead of failing every queued delivery at once.
/// </summary>
public sealed record WebhookDestinationHealth : Record
{
    public required string HealthKey { get; init; }

    public required string DestinationKind { get; init; }

    public required string DestinationKey { get; init; }

    public int ConsecutiveFailures { get; init; }

    public DateTimeOffset? LastAttemptAt { get; init; }

    public DateTimeOffset? LastDeliveredAt { get; init; }

    public DateTimeOffset? LastFailedAt { get; init; }

    public string? LastError { get; init; }

    /// <summary>After a failure: no delivery to this destination is attempted before then (the failed one's next attempt).</summary>
    public DateTimeOffset? BackoffUntil { get; init; }

    [JsonIgnore]
    public override string Key => HealthKey;

    public static string KeyOf(DestinationRef destination) => $"{destination.Kind}:{destination.Key}";

    public static RecordType<WebhookDestinationHealth> Type { get; } = new RecordType<WebhookDestinationHealth>("webhook_destination_health");
}
