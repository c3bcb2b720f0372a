namespace Retail.Shared.Embedded;

/// <summary>Inspection of the embedded bus: what is still owed, what died, and putting a dead letter back.</summary>
public sealed class EventBusDiagnostics(EmbeddedEventDispatcher dispatcher)
{
    public IReadOnlyList<SubscriberInfo> Subscribers() =>
        [.. dispatcher.Subscribers.Current().Select(s => new SubscriberInfo(s.Id, s.AppId, [.. s.Topics.Order(StringComparer.Ordinal)]))];

    /// <summary>Messages not yet delivered to an active subscriber (including those backing off), over one app or all.</summary>
    public async Task<long> PendingCountAsync(string? appId = null, CancellationToken cancellationToken = default)
    {
        var subscribers = dispatcher.Subscribers.Current();
        var total = 0L;
        foreach (var ledger in Ledgers(appId))
        {
            total += await ledger.PendingCountAsync(subscribers, cancellationToken).ConfigureAwait(false);
        }
        return total;
    }

    public async Task<IReadOnlyList<DeadLetter>> DeadLettersAsync(string? appId = null, int limit = 100, CancellationToken cancellationToken = default)
    {
        var result = new List<DeadLetter>();
        foreach (var ledger in Ledgers(appId))
        {
            result.AddRange(await ledger.DeadLettersAsync(limit, cancellationToken).ConfigureAwait(false));
        }
        return [.. result.OrderBy(d => d.DeadAt).Take(limit)];
    }

    /// <summary>Gives a dead letter to its subscriber again, attempts reset. False when no such dead letter exists.</summary>
    public Task<bool> RequeueAsync(string appId, string subscriber, string messageId, CancellationToken cancellationToken = default) =>
        dispatcher.Ledgers.TryGetValue(appId, out var ledger)
            ? ledger.RequeueAsync(subscriber, messageId, cancellationToken)
            : Task.FromResult(false);

    private IEnumerable<DeliveryLedger> Ledgers(string? appId) =>
        appId is null
            ? dispatcher.Ledgers.Values
            : dispatcher.Ledgers.TryGetValue(appId, out var ledger) ? [ledger] : [];
}

public sealed record SubscriberInfo(string Id, string? AppId, IReadOnlyList<string> Topics);
