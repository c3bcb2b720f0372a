namespace Retail.Shared.State;

/// <summary>
/// A query over stored JSON values, the subset of Dapr's state query API that every store supports:
/// equality, IN and less-than filters joined by AND, sort, limit and an opaque page token.
/// Paths are dotted JSON field names ("orgcode", "status", "address.city").
/// </summary>
public sealed record StateQuery(
    IReadOnlyList<StateFilter> Filters,
    IReadOnlyList<StateSort> Sort,
    int Limit,
    string? Token = null);

public sealed record StateFilter(string Path, IReadOnlyList<object?> Values)
{
    /// <summary>Match (equal to one of <see cref="Values"/>), or a strict upper bound (Dapr's LT) on one value.</summary>
    public StateFilterOp Op { get; init; } = StateFilterOp.Match;

    public static StateFilter Eq(string path, object? value) => new(path, [value]);

    public static StateFilter In(string path, params object?[] values) => new(path, values);

    /// <summary>Values below <paramref name="bound"/>; a missing or null field never matches. Timestamps compare as stored (RFC 3339 UTC text).</summary>
    public static StateFilter Lt(string path, object bound) => new(path, [bound]) { Op = StateFilterOp.LessThan };

    public bool IsEquality => Op == StateFilterOp.Match && Values.Count == 1;
}

public enum StateFilterOp
{
    Match,
    LessThan,
}

public sealed record StateSort(string Path, bool Descending = false);

public sealed record StateQueryPage(IReadOnlyList<StateEntry> Items, string? Token);
