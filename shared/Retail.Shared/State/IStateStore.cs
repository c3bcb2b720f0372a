namespace Retail.Shared.State;

/// <summary>
/// The state-store port, shaped like Dapr's state API: values are UTF-8 JSON, every write is checked
/// against an ETag (first write wins), and a transaction commits its outbox messages with its writes.
/// One store per service (its app id).
/// </summary>
public interface IStateStore
{
    string AppId { get; }

    Task<StateEntry?> GetAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>The entries that exist, in no particular order; missing keys are left out.</summary>
    Task<IReadOnlyList<StateEntry>> GetBulkAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken = default);

    /// <summary>
    /// Applies every operation and writes every outbox message atomically, or nothing at all. Returns the
    /// new ETags, or a conflict naming the first key whose ETag check failed.
    /// </summary>
    Task<StateCommit> TransactAsync(StateTransaction transaction, CancellationToken cancellationToken = default);

    Task<StateQueryPage> QueryAsync(StateQuery query, CancellationToken cancellationToken = default);

    /// <summary>
    /// How many live entries match every filter (as <see cref="QueryAsync"/> would list them), read through the declared
    /// index <paramref name="index"/> where the store can (or the key range of <paramref name="keyPrefix"/>, as
    /// <see cref="StateQuery.KeyPrefix"/> says); without reading the values out where the store can count itself.
    /// </summary>
    Task<long> CountAsync(IReadOnlyList<StateFilter> filters, string? index = null, string? keyPrefix = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Makes sure the secondary indexes that queries rely on exist (idempotent; called at start-up). A store whose
    /// indexes are managed outside the app (Dapr's PostgreSQL tables, by the operator) may do nothing.
    /// </summary>
    Task EnsureIndexesAsync(IReadOnlyList<StateIndex> indexes, CancellationToken cancellationToken = default);
}

public sealed record StateEntry(string Key, byte[] Value, string ETag)
{
    /// <summary>
    /// What a reader made of <see cref="Value"/> (a decoded record), kept with the entry: a store that answers the same
    /// entry again (the embedded store's read cache) answers the same instance, so the value is decoded once while it is
    /// cached, and an entry changes only by being replaced. Set by whichever reader decodes first (a race decodes twice,
    /// equally); not part of the entry's equality.
    /// </summary>
    internal object? Decoded { get; set; }

    /// <summary>A copy (<c>with</c>) may hold other bytes, so it starts without what was decoded from these.</summary>
    private StateEntry(StateEntry original)
    {
        Key = original.Key;
        Value = original.Value;
        ETag = original.ETag;
    }

    public bool Equals(StateEntry? other) =>
        other is not null && Key == other.Key && ReferenceEquals(Value, other.Value) && ETag == other.ETag;

    public override int GetHashCode() => HashCode.Combine(Key, System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(Value), ETag);
}

public abstract record StateOperation(string Key);

/// <summary>
/// Insert or replace. <paramref name="ETag"/> null means the key must not exist yet (first write wins);
/// otherwise it must equal the stored ETag. <paramref name="Ttl"/> makes the entry expire.
/// </summary>
public sealed record StateUpsert(string Key, byte[] Value, string? ETag, TimeSpan? Ttl = null) : StateOperation(Key);

/// <summary>Delete; with an ETag only when it still matches. Deleting a missing key with no ETag is not a conflict.</summary>
public sealed record StateDelete(string Key, string? ETag) : StateOperation(Key);

public sealed class StateTransaction
{
    public List<StateOperation> Operations { get; } = [];

    /// <summary>Events committed with the writes (transactional outbox): never on rollback, never twice.</summary>
    public List<OutboxMessage> Messages { get; } = [];

    public StateTransaction Upsert(string key, byte[] value, string? etag, TimeSpan? ttl = null)
    {
        Operations.Add(new StateUpsert(key, value, etag, ttl));
        return this;
    }

    public StateTransaction Delete(string key, string? etag)
    {
        Operations.Add(new StateDelete(key, etag));
        return this;
    }

    public StateTransaction Publish(OutboxMessage message)
    {
        Messages.Add(message);
        return this;
    }
}

/// <summary>
/// The outcome of a transaction. <see cref="ETags"/> holds the new ETag of each upserted key where the store can tell;
/// a key may be missing (Dapr returns none, and its read-back can race another writer): read the entry again then.
/// </summary>
public sealed record StateCommit(bool Committed, IReadOnlyDictionary<string, string> ETags, string? ConflictKey)
{
    public static StateCommit Conflict(string key) => new(false, new Dictionary<string, string>(), key);
}

/// <summary>
/// An event as it sits in the outbox: a CloudEvent 1.0 with its data already serialized. A change-data-capture
/// message names the <paramref name="StateKey"/> whose write it describes, so Dapr's outbox can project it onto that write.
/// </summary>
public sealed record OutboxMessage(
    string Id,
    string Topic,
    string Type,
    string Source,
    string? Subject,
    string? Orgcode,
    byte[] Data,
    DateTimeOffset Time,
    string? TraceParent = null,
    bool IsChangeDataCapture = false,
    string? StateKey = null);
