using System.Diagnostics;
using System.Text.Json;
using Retail.Shared.Contract;
using Retail.Shared.Json;
using Retail.Shared.Problems;
using Retail.Shared.State;

namespace Retail.Shared.Records;

/// <summary>
/// Revisioned records over the state-store port. Every change is one transaction: the record (ETag-checked),
/// its unique values, its index entries, a history entry and the CDC event (plus any business events) commit
/// together or not at all. Several records change together through a <see cref="RecordBatch"/>.
/// <para>
/// A record's creation keeps its history entry in the record's own row (the entry is the record at revision 1, its
/// time and who made it, which the row notes) rather than in a row of its own, until the record first changes: that
/// change writes the creation's entry beside its own. Most records of a busy store are never changed (movements, order
/// lines, barcodes) or are created far more often than changed, and a create was two rows with their index entries;
/// <see cref="HistoryAsync"/> answers a record still at revision 1 from the record. Records written before keep the
/// entry they have (their rows carry no note, so their first change writes nothing for revision 1).
/// </para>
/// </summary>
public sealed class RecordStore<T>(IStateStore store, RecordType<T> type, TimeProvider clock, RequestContext context, PageTokens tokens)
    where T : Record
{
    /// <summary>
    /// The index every record type relies on: the entries of an entity in an org, by record key. It serves an org's list
    /// of an entity and a record's history (entity <c>{entity}.history</c>) alike. A second index over the history's
    /// revision put another entry, and a JSON parse of the value, into every write of every family of keys — a record,
    /// its history entry, its unique values — for lists of one record's history only (the reservation benchmark's spread
    /// rate was a fifth lower with it); a history is now read through this one and sorted by revision, a few entries each.
    /// It is key-ordered: those entries share a key prefix (<see cref="RecordKeys.RecordPrefix"/>,
    /// <see cref="RecordKeys.HistoryPrefix"/>) in the same order, so the embedded store reads the key range and builds no
    /// index at all: every write of every row (a record, its history, a unique value, a raw entry) paid an entry in it,
    /// and the JSON parse of the row's entity, org and key to make it.
    /// </summary>
    public static readonly IReadOnlyList<StateIndex> BuiltInIndexes =
    [
        new("records", ["entity", "orgcode"], KeyOrdered: true),
    ];

    public string Entity => type.Entity;

    public RecordType<T> Type => type;

    public async Task<Loaded<T>?> GetAsync(string? orgcode, string key, bool includeDoomed = false, CancellationToken ct = default)
    {
        if (!IsSafeKey(key))
        {
            return null;
        }
        var entry = await store.GetAsync(RecordKeys.Record(Entity, orgcode, key), ct);
        if (entry is null)
        {
            return null;
        }
        var decoded = Decode(entry);
        return decoded.Record.IsDoomed && !includeDoomed ? null : decoded.Loaded(entry.ETag);
    }

    /// <summary>The live (or, asked, also doomed) records of these keys that exist, in the order asked.</summary>
    public async Task<IReadOnlyList<T>> GetManyAsync(string? orgcode, IReadOnlyList<string> keys, bool includeDoomed = false, CancellationToken ct = default)
    {
        // Plain loops: this is every hot read's path (a cart's variants, prices and styles).
        var stateKeys = new List<string>(keys.Count);
        foreach (var key in keys)
        {
            if (IsSafeKey(key))
            {
                stateKeys.Add(RecordKeys.Record(Entity, orgcode, key));
            }
        }
        var entries = stateKeys.Count == 0 ? [] : await store.GetBulkAsync(stateKeys, ct);
        if (entries.Count == 0)
        {
            return [];
        }
        var byKey = new Dictionary<string, T>(entries.Count, StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            var record = Decode(entry).Record;
            if (includeDoomed || !record.IsDoomed)
            {
                byKey[record.Key] = record;
            }
        }
        var found = new List<T>(byKey.Count);
        foreach (var key in keys)
        {
            if (byKey.TryGetValue(key, out var record))
            {
                found.Add(record);
            }
        }
        return found;
    }

    /// <summary>
    /// As <see cref="GetManyAsync"/> (live records only), each with its ETag, by key: the bases of many changes staged in
    /// one <see cref="RecordBatch"/> (a bulk write), read in one round trip instead of one per record.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, Loaded<T>>> LoadManyAsync(string? orgcode, IReadOnlyCollection<string> keys, CancellationToken ct = default)
    {
        var entries = await store.GetBulkAsync(keys.Where(IsSafeKey).Select(k => RecordKeys.Record(Entity, orgcode, k)).ToList(), ct);
        return entries.Select(e => Decode(e).Loaded(e.ETag)).Where(l => !l.Record.IsDoomed)
            .ToDictionary(l => l.Record.Key, StringComparer.Ordinal);
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
        return Check(loaded, expectedRevision.Value, visible);
    }

    /// <summary>As <see cref="LoadForChangeAsync"/>, naming the record by a unique value (a code, a user) instead of its key.</summary>
    public async Task<ChangeBase<T>> LoadForChangeByAsync(string? orgcode, string uniqueName, string? value, long? expectedRevision,
        Func<T, bool>? visible = null, CancellationToken ct = default)
    {
        if (expectedRevision is null)
        {
            return new ChangeBase<T>(null, ApiProblem.ExpectedRevisionRequired());
        }
        var loaded = string.IsNullOrEmpty(value) ? null : await FindAsync(orgcode, uniqueName, value, ct);
        return Check(loaded, expectedRevision.Value, visible);
    }

    /// <summary>
    /// Keeps another service's snapshot in a projection record: written (created or updated, ETag-checked) as
    /// <paramref name="next"/> makes it from the current record (null: none yet), unless <paramref name="holdsSameOrNewer"/>
    /// says the current one already holds this or a newer revision, so a late or repeated event changes nothing. A write
    /// lost to a concurrent one reads again and decides again (five times, then it throws and the event is redelivered).
    /// </summary>
    public Task KeepNewestAsync(string? orgcode, string key, Func<T, bool> holdsSameOrNewer, Func<T?, T> next, CancellationToken ct = default) =>
        KeepNewestAsync([new NewestSnapshot<T>(orgcode, key, holdsSameOrNewer, next)], ct);

    /// <summary>
    /// As the single <see cref="KeepNewestAsync(string?, string, Func{T, bool}, Func{T?, T}, CancellationToken)"/> for a
    /// batch of snapshots (a bulk delivery's events), in ONE transaction: the current records are read together (per org),
    /// the snapshots of one record are applied in the order given, and every record that changes is written in one commit.
    /// A commit lost to a concurrent write reads the whole batch again and decides again (five times, then it throws and
    /// the events are redelivered).
    /// </summary>
    public async Task KeepNewestAsync(IReadOnlyList<NewestSnapshot<T>> snapshots, CancellationToken ct = default)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var current = new Dictionary<(string? Org, string Key), Loaded<T>>();
            foreach (var org in snapshots.GroupBy(s => s.Orgcode, StringComparer.Ordinal))
            {
                foreach (var (key, loaded) in await LoadManyAsync(org.Key, org.Select(s => s.Key).ToHashSet(StringComparer.Ordinal), ct))
                {
                    current[(org.Key, key)] = loaded;
                }
            }
            var newest = new Dictionary<(string? Org, string Key), T?>();
            foreach (var snapshot in snapshots)
            {
                var id = (snapshot.Orgcode, snapshot.Key);
                var held = newest.TryGetValue(id, out var staged) ? staged : current.GetValueOrDefault(id)?.Record;
                if (held is null || !snapshot.HoldsSameOrNewer(held))
                {
                    newest[id] = snapshot.Next(held);
                }
            }
            if (newest.Count == 0)
            {
                return;
            }
            var batch = new RecordBatch();
            foreach (var ((org, key), record) in newest)
            {
                if (current.TryGetValue((org, key), out var loaded))
                {
                    Update(batch, org, loaded, record!);
                }
                else
                {
                    Create(batch, org, record!);
                }
            }
            if ((await batch.CommitAsync(ct)).Succeeded)
            {
                return;
            }
        }
        throw new InvalidOperationException($"{Entity} records kept changing while their projection was written");
    }

    /// <summary>
    /// The base of a change to a record its first change creates (an org's policy, an account's assignments): with no
    /// record yet, <paramref name="expectedRevision"/> absent or 0 creates it (<see cref="ChangeBase{T}.Loaded"/> and
    /// the problem both null) and any other is 409 at revision 0; with one, the contract's checks as for any change.
    /// </summary>
    public async Task<ChangeBase<T>> LoadForUpsertAsync(string? orgcode, string key, long? expectedRevision, CancellationToken ct = default)
    {
        var loaded = await GetAsync(orgcode, key, ct: ct);
        if (loaded is null)
        {
            return expectedRevision is null or 0 ? new ChangeBase<T>(null, null) : new ChangeBase<T>(null, ApiProblem.RevisionMismatch(0));
        }
        return expectedRevision is null ? new ChangeBase<T>(null, ApiProblem.ExpectedRevisionRequired()) : Check(loaded, expectedRevision.Value, null);
    }

    /// <summary>
    /// The revision check of a change whose record was loaded and its access checked elsewhere (an org, by the org
    /// gate): missing is 400 <c>expected_revision_required</c>, another is 409 <c>revision_mismatch</c>.
    /// </summary>
    public static ChangeBase<T> CheckRevision(Loaded<T> loaded, long? expectedRevision) =>
        expectedRevision is null ? new ChangeBase<T>(null, ApiProblem.ExpectedRevisionRequired())
        : loaded.Record.Revision != expectedRevision ? new ChangeBase<T>(null, ApiProblem.RevisionMismatch(loaded.Record.Revision))
        : new ChangeBase<T>(loaded, null);

    private ChangeBase<T> Check(Loaded<T>? loaded, long expectedRevision, Func<T, bool>? visible)
    {
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
        var entry = await store.GetAsync(RecordKeys.Unique(Entity, orgcode, new UniqueValue(uniqueName, value)), ct);
        if (entry is null)
        {
            return null;
        }
        var owner = JsonSerializer.Deserialize<UniqueOwner>(entry.Value, RetailJson.Storage);
        return owner is null ? null : await GetAsync(orgcode, owner.RecordKey, false, ct);
    }

    /// <summary>
    /// The live records holding these unique values (codes, e-mails), by value, each with its ETag: two round trips for
    /// any number of values (the unique entries, then their records), the bases of a bulk upsert by natural key.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, Loaded<T>>> FindManyAsync(string? orgcode, string uniqueName, IReadOnlyCollection<string> values,
        CancellationToken ct = default)
    {
        var wanted = values.Where(v => v.Length > 0).Distinct(StringComparer.Ordinal)
            .ToDictionary(v => RecordKeys.Unique(Entity, orgcode, new UniqueValue(uniqueName, v)), StringComparer.Ordinal);
        var owners = await store.GetBulkAsync(wanted.Keys.ToList(), ct);
        var keyOf = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in owners)
        {
            if (wanted.TryGetValue(entry.Key, out var value) && JsonSerializer.Deserialize<UniqueOwner>(entry.Value, RetailJson.Storage) is { } owner)
            {
                keyOf[value] = owner.RecordKey;
            }
        }
        var records = await LoadManyAsync(orgcode, keyOf.Values.Distinct(StringComparer.Ordinal).ToList(), ct);
        return keyOf.Where(k => records.ContainsKey(k.Value)).ToDictionary(k => k.Key, k => records[k.Value], StringComparer.Ordinal);
    }

    public async Task<RecordWrite<T>> CreateAsync(string? orgcode, T record, IEnumerable<DomainEvent>? events = null, CancellationToken ct = default)
    {
        var batch = new RecordBatch();
        var created = Create(batch, orgcode, record, events);
        return Single(await batch.CommitAsync(ct), created);
    }

    /// <summary>Writes <paramref name="next"/> over <paramref name="current"/>, only if nobody changed it since it was read.</summary>
    public async Task<RecordWrite<T>> UpdateAsync(string? orgcode, Loaded<T> current, T next, string op = "updated",
        IEnumerable<DomainEvent>? events = null, CancellationToken ct = default)
    {
        var batch = new RecordBatch();
        var updated = Update(batch, orgcode, current, next, op, events);
        return Single(await batch.CommitAsync(ct), updated);
    }

    /// <summary>Soft delete: the record keeps its history, leaves lists, and frees its unique values.</summary>
    public Task<RecordWrite<T>> DoomAsync(string? orgcode, Loaded<T> current, IEnumerable<DomainEvent>? events = null, CancellationToken ct = default) =>
        UpdateAsync(orgcode, current, current.Record with { DoomedAt = clock.GetUtcNow() }, "doomed", events, ct);

    /// <summary>
    /// <paramref name="written"/> (as a staging call answered it) with the ETag the committed <paramref name="batch"/> gave
    /// it: the base of its next change without reading it again. Null when the store did not tell (Dapr); read it then.
    /// </summary>
    public Loaded<T>? AsCommitted(RecordBatch batch, string? orgcode, T written) =>
        batch.CommittedETag(RecordKeys.Record(Entity, orgcode, written.Key)) is { } etag
            ? new Loaded<T>(written, etag) { Creation = written.Revision == 1 && KeepsHistory ? new CreationNote(context.Principal?.Id) : null }
            : null;

    /// <summary>Stages a create in <paramref name="batch"/>; answers the record as it will be stored.</summary>
    public T Create(RecordBatch batch, string? orgcode, T record, IEnumerable<DomainEvent>? events = null)
    {
        var now = clock.GetUtcNow();
        var created = (T)record.Stamp(1, now, now, null);
        var stateKey = RecordKeys.Record(Entity, orgcode, created.Key);
        batch.Add(store, Entity, created.Key, stateKey);
        var tx = batch.Transaction;
        tx.Upsert(stateKey, Wrap(orgcode, created, KeepsHistory ? new CreationNote(context.Principal?.Id) : null), etag: null);
        foreach (var unique in type.UniquesOf(created))
        {
            tx.Upsert(RecordKeys.Unique(Entity, orgcode, unique), RetailJson.ToBytes(new UniqueOwner(Entity, created.Key)), etag: null);
        }
        StageValueEntries(tx, orgcode, previous: null, created);
        if (type.IsAppendOnly)
        {
            AddEvents(tx, orgcode, created, events, Activity.Current?.Id);
        }
        else
        {
            // The creation's history entry stays in the record's row (its note) until the record first changes.
            AddHistoryAndEvents(tx, orgcode, created, previous: null, "created", events, writeHistory: false);
        }
        return created;
    }

    /// <summary>Stages an ETag-checked change in <paramref name="batch"/>; answers the record as it will be stored.</summary>
    public T Update(RecordBatch batch, string? orgcode, Loaded<T> current, T next, string op = "updated", IEnumerable<DomainEvent>? events = null)
    {
        if (type.IsAppendOnly)
        {
            throw new InvalidOperationException($"{Entity} records are append-only: they are created once and never changed.");
        }
        var previous = current.Record;
        var updated = (T)next.Stamp(previous.Revision + 1, previous.CreatedAt, clock.GetUtcNow(), next.DoomedAt);
        var stateKey = RecordKeys.Record(Entity, orgcode, updated.Key);
        batch.Add(store, Entity, updated.Key, stateKey);
        var tx = batch.Transaction;
        tx.Upsert(stateKey, Wrap(orgcode, updated), current.ETag);
        var before = previous.IsDoomed ? [] : type.UniquesOf(previous).ToHashSet();
        var after = updated.IsDoomed ? [] : type.UniquesOf(updated).ToHashSet();
        foreach (var gone in before.Except(after))
        {
            tx.Delete(RecordKeys.Unique(Entity, orgcode, gone), etag: null);
        }
        foreach (var added in after.Except(before))
        {
            tx.Upsert(RecordKeys.Unique(Entity, orgcode, added), RetailJson.ToBytes(new UniqueOwner(Entity, updated.Key)), etag: null);
        }
        StageValueEntries(tx, orgcode, previous, updated);
        if (current.Creation is { } creation && previous.Revision == 1 && KeepsHistory)
        {
            // The first change of a record whose creation was kept in its row: that entry gets its own row now.
            tx.Upsert(RecordKeys.History(Entity, orgcode, previous.Key, 1), StoredHistory(orgcode, CreationEntry(previous, creation)), etag: null);
        }
        AddHistoryAndEvents(tx, orgcode, updated, previous, op, events);
        return updated;
    }

    public T Doom(RecordBatch batch, string? orgcode, Loaded<T> current, IEnumerable<DomainEvent>? events = null) =>
        Update(batch, orgcode, current, current.Record with { DoomedAt = clock.GetUtcNow() }, "doomed", events);

    /// <summary>
    /// A page of an org's records (or of records kept without an org when <paramref name="orgcode"/> is null). Filter paths
    /// are record fields or computed index values; an index the type declares over them makes the page a seek.
    /// </summary>
    public async Task<Page<T>> ListAsync(string? orgcode, IReadOnlyList<StateFilter>? filters = null, int limit = 50, string? token = null,
        bool includeDoomed = false, IReadOnlyList<StateSort>? sort = null, CancellationToken ct = default)
    {
        var org = orgcode ?? RecordKeys.NoOrg;
        var all = RecordFilters([StateFilter.Eq("entity", Entity), StateFilter.Eq("orgcode", org)], filters ?? [], includeDoomed);
        var (page, next) = await PageAsync(org, all, Order(sort), limit, token, type.IndexFor(all, acrossOrgs: false) ?? "records",
            RecordKeys.RecordPrefix(Entity, org), ct);
        return new Page<T>(page.Items.Select(e => ReadData(e.Value)).ToList(), next);
    }

    /// <summary>
    /// How many of an org's records match <paramref name="filters"/> (live ones unless asked), counted by the store over the
    /// index a list with the same filters reads: no record is read out or deserialized.
    /// </summary>
    public Task<long> CountAsync(string? orgcode, IReadOnlyList<StateFilter>? filters = null, bool includeDoomed = false, CancellationToken ct = default)
    {
        var org = orgcode ?? RecordKeys.NoOrg;
        var all = RecordFilters([StateFilter.Eq("entity", Entity), StateFilter.Eq("orgcode", org)], filters ?? [], includeDoomed);
        return store.CountAsync(all, type.IndexFor(all, acrossOrgs: false) ?? "records", RecordKeys.RecordPrefix(Entity, org), ct);
    }

    /// <summary>
    /// A page of records of every org, by a field the type indexes across orgs (a user's memberships, records due for a
    /// sweep). Only for lookups that are not an org's own (the caller's identity, housekeeping).
    /// </summary>
    public async Task<Page<(string Orgcode, T Record)>> ListAcrossOrgsAsync(IReadOnlyList<StateFilter> filters, int limit = 50, string? token = null,
        bool includeDoomed = false, IReadOnlyList<StateSort>? sort = null, CancellationToken ct = default)
    {
        var all = RecordFilters([StateFilter.Eq("entity", Entity)], filters, includeDoomed);
        // A range (due before now) is read in its own order, so its index gives both the rows and their order.
        var order = sort is null && filters.FirstOrDefault(f => f.IsRange) is { } range ? [new StateSort(type.PathOf(range.Path)), new StateSort("key")] : Order(sort);
        var (page, next) = await PageAsync("*", all, order, limit, token, type.IndexFor(all, acrossOrgs: true), RecordKeys.RecordPrefix(Entity), ct);
        var items = page.Items.Select(e => JsonSerializer.Deserialize<Stored<T>>(e.Value, RetailJson.Storage)!).Select(s => (s.Orgcode, s.Data)).ToList();
        return new Page<(string, T)>(items, next);
    }

    /// <summary>A page of the org's records that hold <paramref name="value"/> in the value set <paramref name="set"/> (a tag, a team member).</summary>
    public async Task<Page<T>> ListByValueAsync(string? orgcode, string set, string value, int limit = 50, string? token = null,
        bool includeDoomed = false, CancellationToken ct = default)
    {
        if (!type.ValueSets.ContainsKey(set))
        {
            throw new ArgumentException($"{Entity} declares no value set '{set}'", nameof(set));
        }
        var org = orgcode ?? RecordKeys.NoOrg;
        var (page, next) = await PageAsync(org, [StateFilter.Eq("entity", $"{Entity}#{set}"), StateFilter.Eq("orgcode", org), StateFilter.Eq("data.value", value)],
            [new StateSort("key")], limit, token, $"{Entity.Replace('.', '_')}_by_{set}", RecordKeys.ValueEntry(Entity, set, orgcode, value, ""), ct);
        var keys = page.Items.Select(e => JsonSerializer.Deserialize<Stored<ValueEntry>>(e.Value, RetailJson.Storage)!.Data.RecordKey).ToList();
        return new Page<T>(await GetManyAsync(orgcode, keys, includeDoomed, ct), next);
    }

    /// <summary>
    /// A page of a record's history, oldest first. A record still at revision 1 whose row keeps its creation's entry
    /// answers that entry from the record (removed records too: their history outlives them).
    /// </summary>
    public async Task<Page<HistoryEntry>> HistoryAsync(string? orgcode, string key, int limit = 50, string? token = null, CancellationToken ct = default)
    {
        var org = orgcode ?? RecordKeys.NoOrg;
        var (page, next) = await PageAsync(org, [StateFilter.Eq("entity", HistoryEntity), StateFilter.Eq("orgcode", org), StateFilter.Eq("key", key)],
            [new StateSort("data.revision")], limit, token, "records", RecordKeys.HistoryPrefix(Entity, org, key), ct);
        if (page.Items.Count == 0 && token is null && IsSafeKey(key) && await store.GetAsync(RecordKeys.Record(Entity, orgcode, key), ct) is { } entry
            && Decode(entry) is { Creation: { } creation, Record: { Revision: 1 } record })
        {
            return new Page<HistoryEntry>([CreationEntry(record, creation)], null);
        }
        return new Page<HistoryEntry>(page.Items.Select(e => JsonSerializer.Deserialize<Stored<HistoryEntry>>(e.Value, RetailJson.Storage)!.Data).ToList(), next);
    }

    /// <summary>The record-level filters, live records only unless asked, then the caller's on their stored paths.</summary>
    private List<StateFilter> RecordFilters(List<StateFilter> scope, IReadOnlyList<StateFilter> filters, bool includeDoomed)
    {
        if (!includeDoomed)
        {
            scope.Add(StateFilter.Eq("doomed", false));
        }
        scope.AddRange(filters.Select(f => f with { Path = type.PathOf(f.Path) }));
        return scope;
    }

    /// <summary>One page of a query: the client's token opened for this very list, the store's next one sealed for it.</summary>
    private async Task<(StateQueryPage Page, string? Next)> PageAsync(string org, IReadOnlyList<StateFilter> filters, IReadOnlyList<StateSort> order,
        int limit, string? token, string? index, string? keyPrefix, CancellationToken ct)
    {
        var list = ListIdentity(org, filters, order);
        var page = await store.QueryAsync(new StateQuery(filters, order, limit, await tokens.OpenAsync(token, list, ct), index, keyPrefix), ct);
        return (page, await tokens.SealAsync(page.Token, list, ct));
    }

    /// <summary>
    /// A list's order: fields of the record, and <c>key</c> for the record's own key (what every declared index ends with,
    /// so an order that ends with it is read straight from the index); by key when none is given.
    /// </summary>
    private List<StateSort> Order(IReadOnlyList<StateSort>? sort) =>
        sort is { Count: > 0 } ? sort.Select(s => s.Path == "key" ? s : s with { Path = type.PathOf(s.Path) }).ToList() : [new StateSort("key")];

    /// <summary>
    /// What a page token is bound to: this app, this org, these filters and this order. A range bound is bound by its
    /// field and operator only, since it may move between pages ("not expired" is measured at each request).
    /// </summary>
    private string ListIdentity(string org, IReadOnlyList<StateFilter> filters, IReadOnlyList<StateSort> order) =>
        $"{store.AppId}\n{org}\n{JsonSerializer.Serialize(filters.Select(f => f.IsRange ? f with { Values = [] } : f), RetailJson.Storage)}\n" +
        JsonSerializer.Serialize(order, RetailJson.Storage);

    private string HistoryEntity => Entity + ".history";

    /// <summary>Whether records of this type have a history (append-only and derived ones do not, nor those whose ledger is theirs).</summary>
    private bool KeepsHistory => !type.IsAppendOnly && !type.IsDerived && !type.IsHistoryInLedger;

    /// <summary>The history entry of a record's creation: the record at revision 1, when and by whom it was made.</summary>
    private HistoryEntry CreationEntry(T created, CreationNote creation) =>
        new(Entity, created.Key, created.Revision, "created", created.UpdatedAt, creation.By, [], JsonSerializer.SerializeToElement(created, RetailJson.Storage));

    private byte[] StoredHistory(string? orgcode, HistoryEntry history) =>
        RetailJson.ToBytes(new Stored<HistoryEntry>(HistoryEntity, orgcode ?? RecordKeys.NoOrg, history.Key, false, history, null));

    private static RecordWrite<T> Single(BatchWrite outcome, T written) => outcome.Outcome switch
    {
        RecordWriteOutcome.Written => new RecordWrite<T>(RecordWriteOutcome.Written, written),
        RecordWriteOutcome.Duplicate => new RecordWrite<T>(RecordWriteOutcome.Duplicate, null, DuplicateOf: outcome.DuplicateOf, Entity: outcome.Entity),
        _ => new RecordWrite<T>(RecordWriteOutcome.RevisionMismatch, null, outcome.CurrentRevision ?? 0, Entity: outcome.Entity),
    };

    private void StageValueEntries(StateTransaction tx, string? orgcode, T? previous, T record)
    {
        foreach (var (set, valuesOf) in type.ValueSets)
        {
            // Entries outlive doom (a list may ask for doomed records too); reading them skips doomed records unless asked.
            var before = previous is null ? [] : valuesOf(previous).ToHashSet(StringComparer.Ordinal);
            var after = valuesOf(record).ToHashSet(StringComparer.Ordinal);
            foreach (var gone in before.Except(after))
            {
                tx.Delete(RecordKeys.ValueEntry(Entity, set, orgcode, gone, record.Key), etag: null);
            }
            foreach (var added in after.Except(before))
            {
                tx.Upsert(RecordKeys.ValueEntry(Entity, set, orgcode, added, record.Key),
                    RetailJson.ToBytes(new Stored<ValueEntry>($"{Entity}#{set}", orgcode ?? RecordKeys.NoOrg, $"{added}|{record.Key}", false,
                        new ValueEntry(added, record.Key), null)), etag: null);
            }
        }
    }

    private void AddHistoryAndEvents(StateTransaction tx, string? orgcode, T record, T? previous, string op, IEnumerable<DomainEvent>? events,
        bool writeHistory = true)
    {
        if (type.IsDerived)
        {
            AddEvents(tx, orgcode, record, events, Activity.Current?.Id);
            return;
        }
        var now = record.UpdatedAt;
        var snapshot = JsonSerializer.SerializeToElement(record, RetailJson.Storage);
        if (writeHistory && KeepsHistory)
        {
            var changed = previous is null ? [] : ChangedFields(JsonSerializer.SerializeToElement(previous, RetailJson.Storage), snapshot);
            var history = new HistoryEntry(Entity, record.Key, record.Revision, op, now, context.Principal?.Id, changed, snapshot);
            tx.Upsert(RecordKeys.History(Entity, orgcode, record.Key, record.Revision), StoredHistory(orgcode, history), etag: null);
        }

        var traceParent = Activity.Current?.Id;
        var cdc = new ChangeEvent(orgcode, Entity, record.Key, record.Revision, op, snapshot);
        tx.Publish(new OutboxMessage(Ids.New(), "cdc", $"{store.AppId}.{Entity}.{op}", store.AppId,
            $"{Entity}/{record.Key}", orgcode, RetailJson.ToBytes(cdc), now, traceParent, IsChangeDataCapture: true,
            StateKey: RecordKeys.Record(Entity, orgcode, record.Key)));
        AddEvents(tx, orgcode, record, events, traceParent);
    }

    private void AddEvents(StateTransaction tx, string? orgcode, T record, IEnumerable<DomainEvent>? events, string? traceParent)
    {
        foreach (var e in events ?? [])
        {
            tx.Publish(new OutboxMessage(Ids.New(), e.Type, e.Type, store.AppId,
                e.Subject ?? $"{Entity}/{record.Key}", orgcode, JsonSerializer.SerializeToUtf8Bytes(e.Data, e.Data.GetType(), RetailJson.Storage),
                record.UpdatedAt, traceParent));
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

    private byte[] Wrap(string? orgcode, T record, CreationNote? creation = null) =>
        RetailJson.ToBytes(new Stored<T>(Entity, orgcode ?? RecordKeys.NoOrg, record.Key, record.IsDoomed, record, type.ComputedOf(record), creation));

    /// <summary>A stored record as read: the record, and the note of its creation when its row still keeps that entry.</summary>
    private sealed record DecodedRecord(T Record, CreationNote? Creation)
    {
        public Loaded<T> Loaded(string etag) => new(Record, etag) { Creation = Creation };
    }

    // Kept on the entry itself: a store that answers the same entry again (the embedded store's read cache) answers the same
    // instance, and its record is decoded once. Records are immutable, so sharing the instance is safe; a decoded record
    // lives as long as its entry does. (It was a ConditionalWeakTable keyed by the bytes: a hash lookup with its cache
    // misses on every read, and a dependent GC handle for every entry ever decoded.)
    private static DecodedRecord Decode(StateEntry entry)
    {
        if (entry.Decoded is DecodedRecord decoded)
        {
            return decoded;
        }
        var stored = JsonSerializer.Deserialize<Stored<T>>(entry.Value, RetailJson.Storage);
        decoded = new DecodedRecord(stored?.Data ?? throw new JsonException($"stored {typeof(T).Name} has no data"), stored.Created);
        entry.Decoded = decoded;
        return decoded;
    }

    private static T ReadData(byte[] value) =>
        JsonSerializer.Deserialize<Stored<T>>(value, RetailJson.Storage)?.Data
        ?? throw new JsonException($"stored {typeof(T).Name} has no data");

    private static bool IsSafeKey(string key) => key.Length is > 0 and <= 128 && !key.Contains('|', StringComparison.Ordinal);

    /// <summary>How a record sits in the store: its data, and beside it what lists filter on (<c>ix</c>: computed index values).</summary>
    private sealed record Stored<TData>(string Entity, string Orgcode, string Key, bool Doomed, TData Data,
        [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
        IReadOnlyDictionary<string, object?>? Ix,
        [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
        CreationNote? Created = null);

    /// <summary>
    /// Who holds a unique value. The owner's entity is stored as <c>owner</c>, not <c>entity</c>: the state table's
    /// <c>entity</c> column is what every partial index of a type selects by (<c>WHERE entity = 'variant'</c>), and an entry
    /// named so cost each of them an entry of its own (no org, ordered by the value, so at random places), which no list
    /// could ever read. Entries written before still name <c>entity</c>; only the record key is read back.
    /// </summary>
    private sealed record UniqueOwner([property: System.Text.Json.Serialization.JsonPropertyName("owner")] string Entity, string RecordKey);

    private sealed record ValueEntry(string Value, string RecordKey);

    private sealed record ChangeEvent(string? Orgcode, string Entity, string Key, long Revision, string Op, JsonElement Record);
}

/// <summary>
/// Another service's snapshot of one record, to keep in a projection (<see cref="RecordStore{T}.KeepNewestAsync(IReadOnlyList{NewestSnapshot{T}}, CancellationToken)"/>):
/// <see cref="Next"/> makes the record from the current one (null: none yet) unless <see cref="HoldsSameOrNewer"/> says
/// the current one holds this or a newer revision already.
/// </summary>
public sealed record NewestSnapshot<T>(string? Orgcode, string Key, Func<T, bool> HoldsSameOrNewer, Func<T?, T> Next) where T : Record;
