namespace Retail.Ipm.Kpis;

/// <summary>The stats of some values: merged from rollups, read as one aggregate.</summary>
public readonly record struct KpiStats(long Count, double Sum, double Min, double Max)
{
    public static readonly KpiStats Empty = new(0, 0, double.PositiveInfinity, double.NegativeInfinity);

    public KpiStats Add(long count, double sum, double min, double max) =>
        count == 0 ? this : new(Count + count, Sum + sum, Math.Min(Min, min), Math.Max(Max, max));

    public KpiStats Add(double value) => Add(1, value, value, value);

    /// <summary>The aggregate; null when there are no values (count is then 0).</summary>
    public double? Of(KpiAggregate aggregate) => aggregate switch
    {
        KpiAggregate.Count => Count,
        _ when Count == 0 => null,
        KpiAggregate.Sum => Sum,
        KpiAggregate.Avg => Sum / Count,
        KpiAggregate.Min => Min,
        KpiAggregate.Max => Max,
        _ => throw new ArgumentOutOfRangeException(nameof(aggregate)),
    };
}

/// <summary>The pure rules of KPIs: buckets (UTC), rollups, dimension matching and alert crossings.</summary>
public static class KpiRules
{
    public static DateTimeOffset Floor(DateTimeOffset at, KpiInterval interval)
    {
        var utc = at.ToUniversalTime();
        return interval switch
        {
            KpiInterval.Minute => new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, utc.Minute, 0, TimeSpan.Zero),
            KpiInterval.Hour => new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero),
            KpiInterval.Day => new DateTimeOffset(utc.Year, utc.Month, utc.Day, 0, 0, 0, TimeSpan.Zero),
            _ => throw new ArgumentOutOfRangeException(nameof(interval)),
        };
    }

    public static DateTimeOffset Floor(DateTimeOffset at, KpiGrain grain) => Floor(at, grain == KpiGrain.Minute ? KpiInterval.Minute : KpiInterval.Hour);

    /// <summary>The rollup grain a query of this interval and window reads: hours when both the interval and the window allow it.</summary>
    public static KpiGrain GrainFor(KpiInterval interval, DateTimeOffset from, DateTimeOffset to) =>
        interval != KpiInterval.Minute && Floor(from, KpiInterval.Hour) == from && Floor(to, KpiInterval.Hour) == to ? KpiGrain.Hour : KpiGrain.Minute;

    /// <summary>A rollup with one more value.</summary>
    public static KpiRollup Add(KpiRollup rollup, double value) => rollup.Count == 0
        ? rollup with { Count = 1, Sum = value, Min = value, Max = value }
        : rollup with { Count = rollup.Count + 1, Sum = rollup.Sum + value, Min = Math.Min(rollup.Min, value), Max = Math.Max(rollup.Max, value) };

    /// <summary>Whether a value's dimensions hold every filter's value.</summary>
    public static bool Matches(IReadOnlyDictionary<string, string> dimensions, IReadOnlyDictionary<string, string>? filter) =>
        filter is null || filter.All(f => dimensions.TryGetValue(f.Key, out var v) && string.Equals(v, f.Value, StringComparison.Ordinal));

    public static bool Breaches(AlertCondition condition, double threshold, double? value) =>
        value is { } v && (condition == AlertCondition.Above ? v > threshold : v < threshold);

    /// <summary>
    /// The alert's next state for an aggregate just evaluated: a move (and which) only when the aggregate crosses the
    /// threshold, so a rule fires once per crossing, not on every value. No values in the window is not a breach.
    /// </summary>
    public static AlertState? Crossing(KpiAlert alert, double? value)
    {
        var breached = Breaches(alert.Condition, alert.Threshold, value);
        return (alert.State, breached) switch
        {
            (AlertState.Ok, true) => AlertState.Firing,
            (AlertState.Firing, false) => AlertState.Ok,
            _ => null,
        };
    }
}
