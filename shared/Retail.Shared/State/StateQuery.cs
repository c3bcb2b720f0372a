namespace Retail.Shared.State;

/// <summary>
/// A query over stored JSON values, the subset of Dapr's state query API that every store supports:
/// equality and IN filters joined by AND, sort, limit and an opaque page token.
/// Paths are dotted JSON field names ("orgcode", "status", "address.city").
/// </summary>
public sealed record StateQuery(
    IReadOnlyList<StateFilter> Filters,
    IReadOnlyList<StateSort> Sort,
    int Limit,
    string? Token = null);

public sealed record StateFilter(string Path, IReadOnlyList<object?> Values)
{
    public static StateFilter Eq(string path, object? value) => new(path, [value]);

    public static StateFilter In(string path, params object?[] values) => new(path, values);

    public bool IsEquality => Values.Count == 1;
}

public sealed record StateSort(string Path, bool Descending = false);

public sealed record StateQueryPage(IReadOnlyList<StateEntry> Items, string? Token);
