using System.Text.Json.Serialization;
using Retail.Shared.State;

namespace Retail.Shared.Records;

/// <summary>
/// The base of every stored record: revision (1 on create, +1 on every change), timestamps, doom.
/// Concrete records add their own <c>{entity}_guid</c> and expose it as <see cref="Key"/>.
/// </summary>
public abstract record Record
{
    public long Revision { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    public DateTimeOffset? DoomedAt { get; init; }

    [JsonIgnore]
    public abstract string Key { get; }

    [JsonIgnore]
    public bool IsDoomed => DoomedAt is not null;

    // `this with` clones the runtime type, so the store can stamp any derived record.
    internal Record Stamp(long revision, DateTimeOffset createdAt, DateTimeOffset updatedAt, DateTimeOffset? doomedAt) =>
        this with { Revision = revision, CreatedAt = createdAt, UpdatedAt = updatedAt, DoomedAt = doomedAt };
}

/// <summary>A record as read, with the ETag that makes the next write conditional on nothing having changed.</summary>
public sealed record Loaded<T>(T Record, string ETag) where T : Record
{
    /// <summary>
    /// Set while the record is at revision 1 and its creation's history entry is still kept in the record's own row (see
    /// <see cref="RecordStore{T}"/>): its first change writes that entry out. Null for a record whose history holds it.
    /// </summary>
    internal CreationNote? Creation { get; init; }
}

/// <summary>Who created a record whose creation is not yet in its history (the rest of the entry is the record itself).</summary>
internal sealed record CreationNote(string? By);

/// <summary>A unique business identifier (an e-mail, a code): at most one live record holds it.</summary>
public readonly record struct UniqueValue(string Name, string Value);

/// <summary>
/// Describes one kind of record: its entity name (used in keys, CDC types and history), its unique values, and the
/// secondary indexes its lists and lookups use, so that no list reads every record of an org to find a few.
/// </summary>
public sealed class RecordType<T>(string entity, Func<T, IEnumerable<UniqueValue>>? uniques = null) where T : Record
{
    private readonly List<RecordIndex> _indexes = [];
    private readonly Dictionary<string, Func<T, object?>> _computed = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Func<T, IEnumerable<string>>> _valueSets = new(StringComparer.Ordinal);

    public string Entity { get; } = entity;

    public IReadOnlyList<RecordIndex> Indexes
    {
        get
        {
            lock (_indexes)
            {
                return [.. _indexes];
            }
        }
    }

    public IEnumerable<UniqueValue> UniquesOf(T record) => uniques?.Invoke(record) ?? [];

    /// <summary>Whether records of this type are written once and never changed (<see cref="AppendOnly"/>).</summary>
    public bool IsAppendOnly { get; private set; }

    /// <summary>
    /// Records written once and never changed, at volume (metering): a create stores the record and its index entries only —
    /// no history entry (the record is its only revision) and no CDC change event (nothing downstream mirrors telemetry);
    /// business events passed with the create are still published. An update or doom of such a record is a programming error.
    /// </summary>
    public RecordType<T> AppendOnly()
    {
        IsAppendOnly = true;
        return this;
    }

    /// <summary>Whether records of this type are derived from other records (<see cref="Derived"/>).</summary>
    public bool IsDerived { get; private set; }

    /// <summary>
    /// Records derived from records kept elsewhere (another service's data mirrored into a projection, the CDC feed's own
    /// entries and counters, rollups): written and changed under ETag like any record, but with no history entry and no CDC
    /// change event. The source record has both already; a change event of its copy would hand every CDC consumer the same
    /// change twice (and IPM's feed its own bookkeeping). Business events passed with a write are still published.
    /// </summary>
    public RecordType<T> Derived()
    {
        IsDerived = true;
        return this;
    }

    /// <summary>Whether every change of records of this type is recorded elsewhere already (<see cref="HistoryInLedger"/>).</summary>
    public bool IsHistoryInLedger { get; private set; }

    /// <summary>
    /// Records whose every change is already an immutable entry of a ledger kept beside them (a stock balance or a hold and
    /// the movements that changed it, written in the same transaction): written under ETag and published to CDC like any
    /// record, but with no history entry of their own. The entry would repeat the ledger's at the cost of a row at a random
    /// place of the file's key index (two on a record's first change).
    /// </summary>
    public RecordType<T> HistoryInLedger()
    {
        IsHistoryInLedger = true;
        return this;
    }

    /// <summary>Whether a write of this type publishes a CDC change (neither <see cref="AppendOnly"/> nor <see cref="Derived"/>).</summary>
    public bool PublishesChanges => !IsAppendOnly && !IsDerived;

    /// <summary>Lists of one org filtered by these fields (record JSON names, in this order) seek instead of scanning.</summary>
    public RecordType<T> IndexBy(params string[] fields) => Declare(new RecordIndex(string.Join("_", fields).Replace('.', '_'), fields, AcrossOrgs: false));

    /// <summary>
    /// Like <see cref="IndexBy"/> for a first field most records leave empty (a cost centre, an optional reference): only
    /// records that have it get an entry. Lists naming a value of it read the index; a list asking for records without
    /// it cannot, and reads another index.
    /// </summary>
    public RecordType<T> IndexWhenPresent(params string[] fields) =>
        Declare(new RecordIndex(string.Join("_", fields).Replace('.', '_'), fields, AcrossOrgs: false, PresentOnly: true));

    /// <summary>Lookups by these fields across every org (a user's memberships, records due for a sweep).</summary>
    public RecordType<T> IndexAcrossOrgs(params string[] fields) =>
        Declare(new RecordIndex("all_" + string.Join("_", fields).Replace('.', '_'), fields, AcrossOrgs: true));

    // Declaring twice (a kit's default and the type's own) keeps one; types are shared by hosts built in parallel (tests).
    private RecordType<T> Declare(RecordIndex index)
    {
        lock (_indexes)
        {
            if (!_indexes.Any(i => i.Name == index.Name))
            {
                _indexes.Add(index);
            }
        }
        return this;
    }

    /// <summary>
    /// A value kept beside the record for indexing only (not part of the record): an epoch-millisecond due time,
    /// a flag derived from several fields. Filter and index it by <paramref name="name"/> like a field.
    /// </summary>
    public RecordType<T> Computed(string name, Func<T, object?> value)
    {
        _computed[name] = value;
        return this;
    }

    /// <summary>
    /// A multi-valued index (tags, members of a team): one index entry per value, written in the record's own
    /// transaction, listed with <see cref="RecordStore{T}.ListByValueAsync"/>.
    /// </summary>
    public RecordType<T> IndexValues(string name, Func<T, IEnumerable<string>> values)
    {
        _valueSets[name] = values;
        return this;
    }

    public bool IsComputed(string name) => _computed.ContainsKey(name);

    internal IReadOnlyDictionary<string, object?>? ComputedOf(T record) =>
        _computed.Count == 0 ? null : _computed.ToDictionary(c => c.Key, c => c.Value(record), StringComparer.Ordinal);

    internal IReadOnlyDictionary<string, Func<T, IEnumerable<string>>> ValueSets => _valueSets;

    /// <summary>The stored path of a field: computed values sit under <c>ix</c>, record fields under <c>data</c>.</summary>
    public string PathOf(string field) => (_computed.ContainsKey(field.Split('.')[0]) ? "ix." : "data.") + field;

    /// <summary>
    /// The declared index a list with these equality (and at most one trailing range) filters reads through: the one
    /// whose fields the filters cover from the first, longest first; null when none does (the built-in list index then).
    /// </summary>
    public string? IndexFor(IReadOnlyCollection<StateFilter> filters, bool acrossOrgs)
    {
        var equal = filters.Where(f => f.Op == FilterOp.In).Select(f => f.Path).ToHashSet(StringComparer.Ordinal);
        var ranged = filters.Where(f => f.IsRange).Select(f => f.Path).ToHashSet(StringComparer.Ordinal);
        return Indexes.Where(i => i.AcrossOrgs == acrossOrgs)
            .Select(i => (Index: i, Covered: i.Fields.TakeWhile(f => equal.Contains(PathOf(f))).Count()))
            .Select(c => (c.Index, Covered: c.Covered + (c.Covered < c.Index.Fields.Count && ranged.Contains(PathOf(c.Index.Fields[c.Covered])) ? 1 : 0)))
            .Where(c => c.Covered > 0)
            .Where(c => !c.Index.PresentOnly || !filters.Any(f => f.Path == PathOf(c.Index.Fields[0]) && f.Values.Any(IsNull)))
            .OrderByDescending(c => c.Covered)
            .Select(c => $"{Entity.Replace('.', '_')}_{c.Index.Name}")
            .FirstOrDefault();
    }

    /// <summary>A filter value asking for a missing field (which an index of present values cannot answer).</summary>
    private static bool IsNull(object? value) => value is null or System.Text.Json.JsonElement { ValueKind: System.Text.Json.JsonValueKind.Null };

    /// <summary>
    /// The state-store indexes this type needs: its declared ones and those of its value sets, each over this type's
    /// values only, so that a write of another entity never pays for them.
    /// </summary>
    public IEnumerable<StateIndex> StateIndexes()
    {
        var name = Entity.Replace('.', '_');
        foreach (var index in Indexes)
        {
            IEnumerable<string> scope = index.AcrossOrgs ? [] : ["orgcode"];
            yield return new StateIndex($"{name}_{index.Name}", [.. scope, .. index.Fields.Select(PathOf)], Entity,
                index.PresentOnly ? PathOf(index.Fields[0]) : null);
        }
        foreach (var set in _valueSets.Keys)
        {
            // Its entries' keys (ixv|{entity}#{set}|{org}|{value}|{key}) order them already: the embedded store reads the range.
            yield return new StateIndex($"{name}_by_{set}", ["orgcode", "data.value"], $"{Entity}#{set}", KeyOrdered: true);
        }
    }
}

/// <summary>A declared secondary index of a record type.</summary>
public sealed record RecordIndex(string Name, IReadOnlyList<string> Fields, bool AcrossOrgs, bool PresentOnly = false);
