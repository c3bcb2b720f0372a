using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Retail.Shared.Contract;
using Retail.Shared.Json;
using Retail.Shared.Problems;
using Retail.Shared.State;

namespace Retail.Shared.Records;

/// <summary>
/// Revisioned records over the state-store port. Every change is one transaction: the record (ETag-checked),
/// its unique values, a history entry and the CDC event (plus any business events) commit together or not at all.
/// </summary>
public sealed class RecordStore<T>(IStateStore store, RecordType<T> type, TimeProvider clock, RequestContext context)
    where T : Record
{
    private const string NoOrg = "_";

    public string Entity => type.Entity;

    public async Task<Loaded<T>?> GetAsync(string? orgcode, string key, bool includeDoomed = false, CancellationToken ct = default)
    {
        if (!IsSafeKey(key))
        {
            return null;
        }
        var entry = await store.GetAsync(RecordKey(orgcode, key), ct);
        if (entry is null)
        {
            return null;
        }
        var record = ReadData(entry.Value);
        return record.IsDoomed && !includeDoomed ? null : new Loaded<T>(record, entry.ETag);
    }

    /// <summary>
    /// Loads the record a change is based on, checking the contract's preconditions in order: a missing
    /// <paramref name="expectedRevision"/> is 400 <c>expected_revision_required</c>; a missing record, or one
    /// <paramref name="visible"/> hides from the caller, is 404; another revision is 409 <c>revision_mismatch</c>.
    /// </summary>
    public async Task<ChangeBase<T>> LoadForChangeAsync(string? orgcode, string? key, long? expectedRevision,
        Func<T, bool>? visible = null, CancellationToken ct = default)
    {
        if (expectedRevision is null)
        {
            return new ChangeBase<T>(null, ApiProblem.ExpectedRevisionRequired());
        }
        var loaded = key is null ? null : await GetAsync(orgcode, key, ct: ct);
        if (loaded is null || (visible is not null && !visible(loaded.Record)))
        {
            return new ChangeBase<T>(null, ApiProblem.NotFound($"No such {Entity.Replace('_', ' ')}."));
        }
        return loaded.Record.Revision != expectedRevision
            ? new ChangeBase<T>(null, ApiProblem.RevisionMismatch(loaded.Record.Revision))
            : new ChangeBase<T>(loaded, null);
    }

    /// <summary>The live record holding a unique value (an e-mail, a code), if any.</summary>
    public async Task<Loaded<T>?> FindAsync(string? orgcode, string uniqueName, string value, CancellationToken ct = default)
    {
        var entry = await store.GetAsync(UniqueKey(orgcode, new UniqueValue(uniqueName, value)), ct);
        if (entry is null)
        {
            return null;
        }
        var owner = JsonSerializer.Deserialize<UniqueOwner>(entry.Value, RetailJson.Storage);
        return owner is null ? null : await GetAsync(orgcode, owner.RecordKey, false, ct);
    }

    public async Task<RecordWrite<T>> CreateAsync(string? orgcode, T record, IEnumerable<DomainEvent>? events = null, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var created = (T)record.Stamp(1, now, now, null);
        var tx = new StateTransaction();
        tx.Upsert(RecordKey(orgcode, created.Key), Wrap(orgcode, created), etag: null);
        foreach (var unique in type.UniquesOf(created))
        {
            tx.Upsert(UniqueKey(orgcode, unique), RetailJson.ToBytes(new UniqueOwner(Entity, created.Key)), etag: null);
        }
        AddHistoryAndEvents(tx, orgcode, created, previous: null, "created", events);
        return await CommitAsync(tx, orgcode, created, ct);
    }

    /// <summary>Writes <paramref name="next"/> over <paramref name="current"/>, only if nobody changed it since it was read.</summary>
    public async Task<RecordWrite<T>> UpdateAsync(string? orgcode, Loaded<T> current, T next, string op = "updated",
        IEnumerable<DomainEvent>? events = null, CancellationToken ct = default)
    {
        var previous = current.Record;
        var updated = (T)next.Stamp(previous.Revision + 1, previous.CreatedAt, clock.GetUtcNow(), next.DoomedAt);
        var tx = new StateTransaction();
        tx.Upsert(RecordKey(orgcode, updated.Key), Wrap(orgcode, updated), current.ETag);
        var before = previous.IsDoomed ? [] : type.UniquesOf(previous).ToHashSet();
        var after = updated.IsDoomed ? [] : type.UniquesOf(updated).ToHashSet();
        foreach (var gone in before.Except(after))
        {
            tx.Delete(UniqueKey(orgcode, gone), etag: null);
        }
        foreach (var added in after.Except(before))
        {
            tx.Upsert(UniqueKey(orgcode, added), RetailJson.ToBytes(new UniqueOwner(Entity, updated.Key)), etag: null);
        }
        AddHistoryAndEvents(tx, orgcode, updated, previous, op, events);
        return await CommitAsync(tx, orgcode, updated, ct);
    }

    /// <summary>Soft delete: the record keeps its history, leaves lists, and frees its unique values.</summary>
    public Task<RecordWrite<T>> DoomAsync(string? orgcode, Loaded<T> current, IEnumerable<DomainEvent>? events = null, CancellationToken ct = default) =>
        UpdateAsync(orgcode, current, current.Record with { DoomedAt = clock.GetUtcNow() }, "doomed", events, ct);

    public async Task<Page<T>> ListAsync(string? orgcode, IReadOnlyList<StateFilter>? filters = null, int limit = 50, string? token = null,
        bool includeDoomed = false, IReadOnlyList<StateSort>? sort = null, CancellationToken ct = default)
    {
        var all = new List<StateFilter>
        {
            StateFilter.Eq("entity", Entity),
            StateFilter.Eq("orgcode", orgcode ?? NoOrg),
        };
        if (!includeDoomed)
        {
            all.Add(StateFilter.Eq("doomed", false));
        }
        all.AddRange((filters ?? []).Select(f => f with { Path = "data." + f.Path }));
        var order = sort is { Count: > 0 } ? sort.Select(s => s with { Path = "data." + s.Path }).ToList() : [new StateSort("key")];
        var page = await store.QueryAsync(new StateQuery(all, order, limit, token), ct);
        return new Page<T>(page.Items.Select(e => ReadData(e.Value)).ToList(), page.Token);
    }

    public async Task<Page<HistoryEntry>> HistoryAsync(string? orgcode, string key, int limit = 50, string? token = null, CancellationToken ct = default)
    {
        var page = await store.QueryAsync(new StateQuery(
            [StateFilter.Eq("entity", HistoryEntity), StateFilter.Eq("orgcode", orgcode ?? NoOrg), StateFilter.Eq("key", key)],
            [new StateSort("data.revision")], limit, token), ct);
        return new Page<HistoryEntry>(
            page.Items.Select(e => JsonSerializer.Deserialize<Stored<HistoryEntry>>(e.Value, RetailJson.Storage)!.Data).ToList(),
            page.Token);
    }

    private string HistoryEntity => Entity + ".history";

    private async Task<RecordWrite<T>> CommitAsync(StateTransaction tx, string? orgcode, T written, CancellationToken ct)
    {
        var commit = await store.TransactAsync(tx, ct);
        if (commit.Committed)
        {
            return new RecordWrite<T>(RecordWriteOutcome.Written, written);
        }
        var conflict = commit.ConflictKey ?? "";
        if (conflict.StartsWith("uniq|", StringComparison.Ordinal))
        {
            var name = conflict.Split('|') is { Length: >= 5 } parts ? parts[3] : "value";
            return new RecordWrite<T>(RecordWriteOutcome.Duplicate, null, DuplicateOf: name);
        }
        var latest = await GetAsync(orgcode, written.Key, includeDoomed: true, ct);
        return new RecordWrite<T>(RecordWriteOutcome.RevisionMismatch, null, latest?.Record.Revision ?? 0);
    }

    private void AddHistoryAndEvents(StateTransaction tx, string? orgcode, T record, T? previous, string op, IEnumerable<DomainEvent>? events)
    {
        var now = record.UpdatedAt;
        var snapshot = JsonSerializer.SerializeToElement(record, RetailJson.Storage);
        var changed = previous is null ? [] : ChangedFields(JsonSerializer.SerializeToElement(previous, RetailJson.Storage), snapshot);
        var history = new HistoryEntry(Entity, record.Key, record.Revision, op, now, context.Principal?.Id, changed, snapshot);
        tx.Upsert(HistoryKey(orgcode, record.Key, record.Revision),
            RetailJson.ToBytes(new Stored<HistoryEntry>(HistoryEntity, orgcode ?? NoOrg, record.Key, false, history)), etag: null);

        var traceParent = Activity.Current?.Id;
        var cdc = new ChangeEvent(orgcode, Entity, record.Key, record.Revision, op, snapshot);
        tx.Publish(new OutboxMessage(Guid.CreateVersion7().ToString(), "cdc", $"{store.AppId}.{Entity}.{op}", store.AppId,
            $"{Entity}/{record.Key}", orgcode, RetailJson.ToBytes(cdc), now, traceParent, IsChangeDataCapture: true,
            StateKey: RecordKey(orgcode, record.Key)));
        foreach (var e in events ?? [])
        {
            tx.Publish(new OutboxMessage(Guid.CreateVersion7().ToString(), e.Type, e.Type, store.AppId,
                e.Subject ?? $"{Entity}/{record.Key}", orgcode, JsonSerializer.SerializeToUtf8Bytes(e.Data, e.Data.GetType(), RetailJson.Storage),
                now, traceParent));
        }
    }

    private static List<string> ChangedFields(JsonElement before, JsonElement after)
    {
        var changed = new List<string>();
        var old = before.EnumerateObject().ToDictionary(p => p.Name, p => p.Value);
        foreach (var property in after.EnumerateObject())
        {
            if (property.Name is "revision" or "updated_at")
            {
                continue;
            }
            if (!old.TryGetValue(property.Name, out var value) || !JsonElement.DeepEquals(value, property.Value))
            {
                changed.Add(property.Name);
            }
        }
        return changed;
    }

    private byte[] Wrap(string? orgcode, T record) =>
        RetailJson.ToBytes(new Stored<T>(Entity, orgcode ?? NoOrg, record.Key, record.IsDoomed, record));

    private static T ReadData(byte[] value) =>
        JsonSerializer.Deserialize<Stored<T>>(value, RetailJson.Storage)?.Data
        ?? throw new JsonException($"stored {typeof(T).Name} has no data");

    private string RecordKey(string? orgcode, string key) => $"rec|{Entity}|{orgcode ?? NoOrg}|{key}";

    private string UniqueKey(string? orgcode, UniqueValue unique) =>
        $"uniq|{Entity}|{orgcode ?? NoOrg}|{unique.Name}|{unique.Value}";

    private string HistoryKey(string? orgcode, string key, long revision) =>
        $"hist|{Entity}|{orgcode ?? NoOrg}|{key}|{revision.ToString("D12", CultureInfo.InvariantCulture)}";

    private static bool IsSafeKey(string key) => key.Length is > 0 and <= 128 && !key.Contains('|', StringComparison.Ordinal);

    private sealed record Stored<TData>(string Entity, string Orgcode, string Key, bool Doomed, TData Data);

    private sealed record UniqueOwner(string Entity, string RecordKey);

    private sealed record ChangeEvent(string? Orgcode, string Entity, string Key, long Revision, string Op, JsonElement Record);
}
