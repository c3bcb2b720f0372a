using System.Text.Json;
using Retail.Shared.Problems;
using Retail.Shared.State;

namespace Retail.Shared.Records;

/// <summary>
/// A unit of work: changes to several records of one service (creates, updates, doom), with their unique values,
/// index entries, history and events, committed in one state transaction, so that either all of them hold or none.
/// Stage each change through its <see cref="RecordStore{T}"/>, then <see cref="CommitAsync"/>.
/// </summary>
public sealed class RecordBatch
{
    private readonly List<Staged> _staged = [];
    private IStateStore? _store;
    private IReadOnlyDictionary<string, string>? _committed;

    internal StateTransaction Transaction { get; } = new();

    internal void Add(IStateStore store, string entity, string recordKey, string stateKey)
    {
        if (_store is not null && !ReferenceEquals(_store, store))
        {
            throw new InvalidOperationException("A batch commits to one service's state store.");
        }
        _store = store;
        _staged.Add(new Staged(entity, recordKey, stateKey));
    }

    /// <summary>
    /// A raw entry kept beside the records of this batch, outside any record (no history, no CDC): a lookup whose
    /// content must not be published, such as a credential hash index. Written only if it does not exist yet.
    /// </summary>
    public void Insert(IStateStore store, string key, byte[] value)
    {
        if (_store is not null && !ReferenceEquals(_store, store))
        {
            throw new InvalidOperationException("A batch commits to one service's state store.");
        }
        _store = store;
        Transaction.Upsert(key, value, etag: null);
    }

    /// <summary>
    /// Moves everything staged in <paramref name="other"/> (its changes, entries and events, in order) to the end of this
    /// batch, so work staged apart (by concurrent writers, each on its own thread) commits as one transaction.
    /// <paramref name="other"/> is left empty.
    /// </summary>
    public void Append(RecordBatch other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other._store is null)
        {
            return;
        }
        if (_store is not null && !ReferenceEquals(_store, other._store))
        {
            throw new InvalidOperationException("A batch commits to one service's state store.");
        }
        _store = other._store;
        _staged.AddRange(other._staged);
        Transaction.Operations.AddRange(other.Transaction.Operations);
        Transaction.Messages.AddRange(other.Transaction.Messages);
        other._staged.Clear();
        other.Transaction.Operations.Clear();
        other.Transaction.Messages.Clear();
    }

    /// <summary>
    /// After a successful <see cref="CommitAsync"/>, the ETag the store gave <paramref name="stateKey"/>, when it told
    /// (the embedded store does; Dapr's transactions do not): the base of a next change made without reading again.
    /// </summary>
    internal string? CommittedETag(string stateKey) => _committed?.GetValueOrDefault(stateKey);

    /// <summary>Whether <paramref name="store"/> is the store this batch commits to (or none is chosen yet), so an entry there is atomic with it.</summary>
    public bool CommitsTo(IStateStore store) => _store is null || ReferenceEquals(_store, store);

    public async Task<BatchWrite> CommitAsync(CancellationToken ct = default)
    {
        if (_store is null)
        {
            return BatchWrite.Written;
        }
        var commit = await _store.TransactAsync(Transaction, ct);
        if (commit.Committed)
        {
            _committed = commit.ETags;
            return BatchWrite.Written;
        }
        var conflict = commit.ConflictKey ?? "";
        if (conflict.StartsWith(RecordKeys.UniquePrefix, StringComparison.Ordinal))
        {
            // uniq|{entity}|{org}|{name}|{value}
            var parts = conflict.Split('|');
            return new BatchWrite(RecordWriteOutcome.Duplicate, parts.Length >= 5 ? parts[1] : null, null,
                parts.Length >= 5 ? parts[3] : "value");
        }
        var staged = _staged.FirstOrDefault(s => s.StateKey == conflict) ?? _staged[0];
        var latest = await _store.GetAsync(staged.StateKey, ct);
        long revision = 0;
        if (latest is not null)
        {
            using var json = JsonDocument.Parse(latest.Value);
            revision = json.RootElement.GetProperty("data").TryGetProperty("revision", out var r) ? r.GetInt64() : 0;
        }
        return new BatchWrite(RecordWriteOutcome.RevisionMismatch, staged.Entity, revision, null);
    }

    private sealed record Staged(string Entity, string RecordKey, string StateKey);
}

/// <summary>The outcome of a <see cref="RecordBatch"/>: written, or the first conflict that stopped all of it.</summary>
public sealed record BatchWrite(RecordWriteOutcome Outcome, string? Entity, long? CurrentRevision, string? DuplicateOf)
{
    public static readonly BatchWrite Written = new(RecordWriteOutcome.Written, null, null, null);

    public bool Succeeded => Outcome == RecordWriteOutcome.Written;

    public Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult Problem() => Outcome switch
    {
        RecordWriteOutcome.Duplicate => ApiProblem.Duplicate(
            $"Another {(Entity ?? "record").Replace('_', ' ')} already holds this {DuplicateOf ?? "value"}.", DuplicateOf),
        RecordWriteOutcome.RevisionMismatch => ApiProblem.RevisionMismatch(CurrentRevision ?? 0),
        _ => throw new InvalidOperationException("the batch was written"),
    };
}

/// <summary>How records, their unique values, history and index entries are keyed in a service's state store.</summary>
public static class RecordKeys
{
    public const string NoOrg = "_";
    public const string UniquePrefix = "uniq|";

    public static string Record(string entity, string? orgcode, string key) => $"rec|{entity}|{orgcode ?? NoOrg}|{key}";

    /// <summary>What the keys of an org's records of an entity begin with (in record key order after it).</summary>
    public static string RecordPrefix(string entity, string? orgcode) => Record(entity, orgcode, "");

    /// <summary>What the keys of every org's records of an entity begin with (by org, then record key, after it).</summary>
    public static string RecordPrefix(string entity) => $"rec|{entity}|";

    /// <summary>What the keys of a record's history entries begin with (in revision order after it).</summary>
    public static string HistoryPrefix(string entity, string? orgcode, string key) => $"hist|{entity}|{orgcode ?? NoOrg}|{key}|";

    public static string Unique(string entity, string? orgcode, UniqueValue unique) =>
        $"{UniquePrefix}{entity}|{orgcode ?? NoOrg}|{unique.Name}|{unique.Value}";

    public static string History(string entity, string? orgcode, string key, long revision) =>
        HistoryPrefix(entity, orgcode, key) + revision.ToString("D12", System.Globalization.CultureInfo.InvariantCulture);

    public static string ValueEntry(string entity, string set, string? orgcode, string value, string key) =>
        $"ixv|{entity}#{set}|{orgcode ?? NoOrg}|{value}|{key}";
}
