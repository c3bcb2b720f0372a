using System.Globalization;

namespace Retail.Accounting.Usage;

/// <summary>One usage event to store: from the <c>usage</c> topic or from <c>/event/record</c>, its id given.</summary>
public sealed record UsageIngest(
    string EventId,
    string Orgcode,
    string App,
    string Operation,
    string? Cccode,
    string PrincipalId,
    string PrincipalKind,
    int Status,
    double DurationMs,
    long RequestBytes,
    long ResponseBytes,
    string? TraceId,
    string? RequestId,
    DateTimeOffset At);

/// <summary>What a write of usage events did: stored now, or found stored already (a redelivery).</summary>
public sealed record UsageWritten(int Recorded, int Duplicates);

/// <summary>A difference between a day's usage records and its rollup for one app and cost centre.</summary>
public sealed record RollupMismatch(string Day, string App, string? Cccode, long RecordCount, long RollupCount, long RecordErrors,
    long RollupErrors, long RecordBytes, long RollupBytes);

/// <summary>The pure rules of usage: days, records, rollup arithmetic and the reconcile comparison.</summary>
public static class UsageRules
{
    public const string DayFormat = "yyyy-MM-dd";

    /// <summary>The local calendar day of <paramref name="at"/> in <paramref name="zone"/>.</summary>
    public static string DayOf(DateTimeOffset at, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(at, zone).ToString(DayFormat, CultureInfo.InvariantCulture);

    public static bool IsDay(string? text) =>
        text is { Length: 10 } && DateOnly.TryParseExact(text, DayFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out _);

    public static int DaysBetween(string from, string to) =>
        DateOnly.ParseExact(to, DayFormat, CultureInfo.InvariantCulture).DayNumber - DateOnly.ParseExact(from, DayFormat, CultureInfo.InvariantCulture).DayNumber;

    public static UsageRecord RecordOf(UsageIngest e, string day) => new()
    {
        EventId = e.EventId,
        App = e.App,
        Operation = e.Operation,
        Cccode = e.Cccode,
        PrincipalId = e.PrincipalId,
        PrincipalKind = e.PrincipalKind,
        Status = e.Status,
        RequestBytes = e.RequestBytes,
        ResponseBytes = e.ResponseBytes,
        DurationMs = e.DurationMs,
        TraceId = e.TraceId,
        RequestId = e.RequestId,
        At = e.At,
        Day = day,
    };

    public static string RollupKeyOf(UsageRecord r) => UsageRollup.KeyOf(r.Day, r.App, r.Cccode);

    public static bool IsError(int status) => status >= 400;

    /// <summary>An empty rollup for the key of <paramref name="r"/>.</summary>
    public static UsageRollup EmptyFor(UsageRecord r) =>
        new() { RollupKey = RollupKeyOf(r), Day = r.Day, App = r.App, Cccode = r.Cccode };

    /// <summary><paramref name="rollup"/> with <paramref name="records"/> (all of its key) counted in.</summary>
    public static UsageRollup Add(UsageRollup rollup, IEnumerable<UsageRecord> records)
    {
        long count = 0, bytes = 0, errors = 0;
        double duration = 0;
        foreach (var r in records)
        {
            count++;
            bytes += r.RequestBytes + r.ResponseBytes;
            duration += r.DurationMs;
            errors += IsError(r.Status) ? 1 : 0;
        }
        return rollup with
        {
            Count = rollup.Count + count,
            Bytes = rollup.Bytes + bytes,
            DurationMs = rollup.DurationMs + duration,
            ErrorCount = rollup.ErrorCount + errors,
        };
    }

    /// <summary>The rollups that <paramref name="records"/> make, by key: what a recompute stores.</summary>
    public static Dictionary<string, UsageRollup> RollupsOf(IEnumerable<UsageRecord> records) =>
        records.GroupBy(RollupKeyOf, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => Add(EmptyFor(g.First()), g), StringComparer.Ordinal);

    /// <summary>
    /// Every day × app × cost centre where the records and the stored rollup disagree on count, errors or bytes (a rollup
    /// missing counts as zero; a stored rollup with no records behind it must be zero too). In key order.
    /// </summary>
    public static List<RollupMismatch> Compare(IReadOnlyDictionary<string, UsageRollup> fromRecords, IEnumerable<UsageRollup> stored)
    {
        var storedByKey = stored.ToDictionary(r => r.RollupKey, StringComparer.Ordinal);
        var mismatches = new List<RollupMismatch>();
        foreach (var key in fromRecords.Keys.Union(storedByKey.Keys).Order(StringComparer.Ordinal))
        {
            fromRecords.TryGetValue(key, out var expected);
            storedByKey.TryGetValue(key, out var actual);
            var shape = expected ?? actual!;
            if ((expected?.Count ?? 0) != (actual?.Count ?? 0) || (expected?.ErrorCount ?? 0) != (actual?.ErrorCount ?? 0)
                || (expected?.Bytes ?? 0) != (actual?.Bytes ?? 0))
            {
                mismatches.Add(new RollupMismatch(shape.Day, shape.App, shape.Cccode, expected?.Count ?? 0, actual?.Count ?? 0,
                    expected?.ErrorCount ?? 0, actual?.ErrorCount ?? 0, expected?.Bytes ?? 0, actual?.Bytes ?? 0));
            }
        }
        return mismatches;
    }
}
