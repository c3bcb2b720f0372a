using Retail.Accounting.Usage;

namespace Retail.Accounting.Tests;

public sealed class UsageRulesTests
{
    private static UsageRecord Record(string id, string day, string app, string? cccode, int status = 200, long bytes = 0, double ms = 1) =>
        UsageRules.RecordOf(new UsageIngest(id, "org-1", app, "/x", cccode, "u", "user", status, ms, bytes, 0, null, null,
            DateTimeOffset.Parse(day + "T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture)), day);

    [Fact]
    public void The_day_is_the_local_calendar_day_of_the_zone()
    {
        var at = new DateTimeOffset(2026, 12, 1, 23, 30, 0, TimeSpan.Zero);
        Assert.Equal("2026-12-01", UsageRules.DayOf(at, TimeZoneInfo.Utc));
        Assert.Equal("2026-12-02", UsageRules.DayOf(at, TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin")));
        Assert.Equal("2026-12-01", UsageRules.DayOf(at, TimeZoneInfo.FindSystemTimeZoneById("America/New_York")));
    }

    [Fact]
    public void An_org_without_a_known_zone_counts_in_utc()
    {
        Assert.Equal(TimeZoneInfo.Utc, OfmOrgTimeZones.ZoneOf(null));
        Assert.Equal(TimeZoneInfo.Utc, OfmOrgTimeZones.ZoneOf("Mars/Olympus"));
        Assert.Equal("Europe/Berlin", OfmOrgTimeZones.ZoneOf("Europe/Berlin").Id);
    }

    [Fact]
    public void Rollups_sum_count_bytes_duration_and_errors_by_day_app_and_cost_centre()
    {
        var rollups = UsageRules.RollupsOf([
            Record("a", "2026-11-30", "scm", "cc", 200, 10, 1.5),
            Record("b", "2026-11-30", "scm", "cc", 404, 5, 2),
            Record("c", "2026-11-30", "scm", null, 500),
            Record("d", "2026-12-01", "scm", "cc"),
        ]);
        Assert.Equal(3, rollups.Count);
        var cc = rollups["2026-11-30:scm:cc"];
        Assert.Equal((2L, 15L, 1L, 3.5), (cc.Count, cc.Bytes, cc.ErrorCount, cc.DurationMs));
        Assert.Equal(1, rollups["2026-11-30:scm:-"].ErrorCount);
    }

    [Fact]
    public void Adding_to_a_rollup_keeps_what_it_held()
    {
        var first = UsageRules.Add(UsageRules.EmptyFor(Record("a", "2026-11-30", "pvm", null)), [Record("a", "2026-11-30", "pvm", null, bytes: 3)]);
        var second = UsageRules.Add(first, [Record("b", "2026-11-30", "pvm", null, 503, 4)]);
        Assert.Equal((2L, 7L, 1L), (second.Count, second.Bytes, second.ErrorCount));
    }

    [Fact]
    public void Compare_lists_every_key_where_records_and_rollups_differ_a_missing_one_counting_zero()
    {
        var fromRecords = UsageRules.RollupsOf([Record("a", "2026-11-30", "scm", null), Record("b", "2026-11-30", "pvm", null)]);
        var stored = new[]
        {
            fromRecords["2026-11-30:scm:-"],
            new UsageRollup { RollupKey = "2026-11-30:ghost:-", Day = "2026-11-30", App = "ghost", Count = 2 },
            new UsageRollup { RollupKey = "2026-11-30:zero:-", Day = "2026-11-30", App = "zero" },
        };
        var mismatches = UsageRules.Compare(fromRecords, stored);
        Assert.Equal([("ghost", 0L, 2L), ("pvm", 1L, 0L)], mismatches.Select(m => (m.App, m.RecordCount, m.RollupCount)));
    }

    [Fact]
    public void Days_are_strict_dates()
    {
        Assert.True(UsageRules.IsDay("2026-02-28"));
        Assert.False(UsageRules.IsDay("2026-02-30"));
        Assert.False(UsageRules.IsDay("2026-2-3"));
        Assert.Equal(30, UsageRules.DaysBetween("2026-11-01", "2026-12-01"));
    }
}
