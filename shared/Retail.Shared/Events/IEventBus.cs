namespace Retail.Shared.Events;

/// <summary>
/// Publishes a CloudEvent outside of a state transaction. Writes that change state publish through
/// <see cref="State.StateTransaction.Messages"/> instead, so the event commits with the change.
/// </summary>
public interface IEventBus
{
    Task PublishAsync(string topic, string type, object data, EventOptions? options = null, CancellationToken cancellationToken = default);
}

public sealed record EventOptions(string? Subject = null, string? Orgcode = null, string? Id = null);

public static class Topics
{
    public const string PubSubName = "pubsub";
    public const string Cdc = "cdc";
    public const string Usage = "usage";
}
