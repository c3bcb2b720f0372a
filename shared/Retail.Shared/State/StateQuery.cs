namespace Retail.Shared.State;

/// <summary>
/// A query over stored JSON values: filters joined by AND, sort, limit and an opaque page token.
/// Paths are dotted JSON field names ("orgcode", "status", "address.city"). Equality and IN are what Dapr's
/// state query API offers; the range operators are for ordered values (numbers, fixed-width text).
/// </summary>
/// <param name="Index">
/// The declared <see cref="StateIndex"/> the query is meant for. A store whose planner has no statistics to go by (the
/// embedded SQLite file) reads through it; one that plans by real statistics (PostgreSQL) may ignore it.
/// </param>
/// <param name="KeyPrefix">
/// A prefix that the key of every entry the query can match starts with, and after which the keys order those entries
/// as their record key (<c>key</c> in the sort) does: a record's key family (<c>rec|{entity}|{org}|</c>). A store that
/// keeps its keys in order (the embedded one) reads that key range when no <see cref="Index"/> applies, instead of an
/// index over the entity and org that every write would pay for; the filters still hold for each entry read.
/// </param>
public sealed record StateQuery(
    IReadOnlyList<StateFilter> Filters,
    IReadOnlyList<StateSort> Sort,
    int Limit,
    string? Token = null,
    string? Index = null,
    string? KeyPrefix = null);

public enum FilterOp
{
    /// <summary>Equal to one of <see cref="StateFilter.Values"/> (a null value matches a missing field).</summary>
    In,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
}

public sealed record StateFilter(string Path, IReadOnlyList<object?> Values, FilterOp Op = FilterOp.In)
{
    public static StateFilter Eq(string path, object? value) => new(path, [value]);

    public static StateFilter In(string path, params object?[] values) => new(path, values);

    public static StateFilter Below(string path, object value, bool inclusive = false) =>
        new(path, [value], inclusive ? FilterOp.LessOrEqual : FilterOp.Less);

    public static StateFilter Above(string path, object value, bool inclusive = false) =>
        new(path, [value], inclusive ? FilterOp.GreaterOrEqual : FilterOp.Greater);

    public bool IsEquality => Op == FilterOp.In && Values.Count == 1;

    public bool IsRange => Op != FilterOp.In;

    /// <summary>Values below <paramref name="bound"/>; a missing or null field never matches.</summary>
    public static StateFilter Lt(string path, object bound) => Below(path, bound);
}

public sealed record StateSort(string Path, bool Descending = false);

public sealed record StateQueryPage(IReadOnlyList<StateEntry> Items, string? Token);

/// <summary>
/// A secondary index a record type declares: the stored JSON paths, in order, that its lists filter and sort by, over
/// the values of one <paramref name="Entity"/> only (a partial index: other values cost it nothing), or over all values.
/// The embedded store builds it as a SQLite expression index; in Dapr mode the same paths are a PostgreSQL expression
/// index on the state table (see components/README.md). With a <paramref name="PresentOnly"/> path the index holds only
/// the values where that path is present (not null): a field most values leave out costs those values no entry, and
/// only lists comparing it with a value can read the index.
/// <para>
/// A <paramref name="KeyOrdered"/> index serves only queries that also name a <see cref="StateQuery.KeyPrefix"/>: a store
/// that can read a key range answers them that way and does not build it (the embedded one); the others build it as
/// usual (Dapr's PostgreSQL table, whose query API filters values only).
/// </para>
/// </summary>
public sealed record StateIndex(string Name, IReadOnlyList<string> Paths, string? Entity = null, string? PresentOnly = null, bool KeyOrdered = false);
