using Retail.Accounting.Exports;

namespace Retail.Accounting.Tests;

/// <summary>UC-ACC-002: when a schedule's occurrences fall (local time, time zone, weekday, DST) and which days each exports.</summary>
public sealed class ExportScheduleRulesTests
{
    private static readonly DateTimeOffset March10At0100Utc = new(2026, 3, 10, 1, 0, 0, TimeSpan.Zero);

    [Fact]
    public void a_daily_schedule_falls_at_its_local_time_today_when_that_is_still_ahead()
    {
        var next = ScheduleRules.NextAfter(ScheduleCadence.Daily, "02:00", null, "UTC", March10At0100Utc);
        Assert.Equal(new DateTimeOffset(2026, 3, 10, 2, 0, 0, TimeSpan.Zero), next);
    }

    [Fact]
    public void an_occurrence_is_strictly_after_the_instant_so_firing_at_it_moves_to_the_next_day()
    {
        var at = new DateTimeOffset(2026, 3, 10, 2, 0, 0, TimeSpan.Zero);
        Assert.Equal(at.AddDays(1), ScheduleRules.NextAfter(ScheduleCadence.Daily, "02:00", null, "UTC", at));
    }

    [Fact]
    public void the_local_time_is_read_in_the_schedules_time_zone()
    {
        // 06:30 in Berlin in March (before the switch) is 05:30 UTC.
        var next = ScheduleRules.NextAfter(ScheduleCadence.Daily, "06:30", null, "Europe/Berlin", March10At0100Utc);
        Assert.Equal(new DateTimeOffset(2026, 3, 10, 5, 30, 0, TimeSpan.Zero), next);
        // After the switch to summer time (29 March 2026) the same local time is 04:30 UTC.
        var summer = ScheduleRules.NextAfter(ScheduleCadence.Daily, "06:30", null, "Europe/Berlin", new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero));
        Assert.Equal(new DateTimeOffset(2026, 4, 1, 4, 30, 0, TimeSpan.Zero), summer);
    }

    [Fact]
    public void a_local_time_in_the_spring_forward_gap_moves_to_the_hour_after()
    {
        var next = ScheduleRules.NextAfter(ScheduleCadence.Daily, "02:30", null, "Europe/Berlin", new DateTimeOffset(2026, 3, 29, 0, 0, 0, TimeSpan.Zero));
        Assert.Equal(new DateTimeOffset(2026, 3, 29, 1, 30, 0, TimeSpan.Zero), next);
    }

    [Fact]
    public void a_weekly_schedule_falls_on_its_weekday()
    {
        // 10 March 2026 is a Tuesday; the next Monday is the 16th.
        var next = ScheduleRules.NextAfter(ScheduleCadence.Weekly, "03:00", DayOfWeek.Monday, "UTC", March10At0100Utc);
        Assert.Equal(new DateTimeOffset(2026, 3, 16, 3, 0, 0, TimeSpan.Zero), next);
        Assert.Equal(next.AddDays(7), ScheduleRules.NextAfter(ScheduleCadence.Weekly, "03:00", DayOfWeek.Monday, "UTC", next));
    }

    [Fact]
    public void a_daily_occurrence_exports_the_local_day_before_and_a_weekly_one_the_seven_days_before()
    {
        var occurrence = new DateTimeOffset(2026, 3, 16, 3, 0, 0, TimeSpan.Zero);
        Assert.Equal((new DateOnly(2026, 3, 15), new DateOnly(2026, 3, 15)), ScheduleRules.DaysOf(ScheduleCadence.Daily, "UTC", occurrence));
        Assert.Equal((new DateOnly(2026, 3, 9), new DateOnly(2026, 3, 15)), ScheduleRules.DaysOf(ScheduleCadence.Weekly, "UTC", occurrence));
        // 23:30 UTC on the 15th is already the 16th in Tokyo: the day before is the 15th there.
        Assert.Equal((new DateOnly(2026, 3, 15), new DateOnly(2026, 3, 15)),
            ScheduleRules.DaysOf(ScheduleCadence.Daily, "Asia/Tokyo", new DateTimeOffset(2026, 3, 15, 23, 30, 0, TimeSpan.Zero)));
    }

    [Theory]
    [InlineData("00:00", true)]
    [InlineData("23:59", true)]
    [InlineData("24:00", false)]
    [InlineData("7:00", false)]
    [InlineData("07:60", false)]
    public void a_local_time_is_hh_mm(string text, bool valid) => Assert.Equal(valid, ExportRules.IsLocalTime(text));
}

/// <summary>The lifecycles of batches and schedules, as data.</summary>
public sealed class ExportLifecycleTests
{
    [Theory]
    [InlineData(ExportBatchStatus.Completed, ExportBatchStatus.Published, true)]
    [InlineData(ExportBatchStatus.Failed, ExportBatchStatus.Running, true)]
    [InlineData(ExportBatchStatus.Failed, ExportBatchStatus.Cancelled, true)]
    [InlineData(ExportBatchStatus.Failed, ExportBatchStatus.Published, false)]
    [InlineData(ExportBatchStatus.Published, ExportBatchStatus.Cancelled, false)]
    [InlineData(ExportBatchStatus.Cancelled, ExportBatchStatus.Running, false)]
    [InlineData(ExportBatchStatus.Running, ExportBatchStatus.Published, false)]
    public void batch_moves(ExportBatchStatus from, ExportBatchStatus to, bool allowed) => Assert.Equal(allowed, ExportBatch.Lifecycle.CanMove(from, to));

    [Theory]
    [InlineData(ExportScheduleStatus.Active, ExportScheduleStatus.Paused, true)]
    [InlineData(ExportScheduleStatus.Paused, ExportScheduleStatus.Active, true)]
    [InlineData(ExportScheduleStatus.Paused, ExportScheduleStatus.Retired, true)]
    [InlineData(ExportScheduleStatus.Retired, ExportScheduleStatus.Active, false)]
    [InlineData(ExportScheduleStatus.Active, ExportScheduleStatus.Active, false)]
    public void schedule_moves(ExportScheduleStatus from, ExportScheduleStatus to, bool allowed) =>
        Assert.Equal(allowed, ExportSchedule.Lifecycle.CanMove(from, to));

    [Fact]
    public void a_batch_slot_names_day_dataset_and_format() =>
        Assert.Equal("2026-03-09:usage_rollups:ndjson", ExportBatch.SlotOf(new DateOnly(2026, 3, 9), ExportDataset.UsageRollups, ExportFormat.Ndjson));

    [Fact]
    public void the_csv_header_lists_the_columns_and_ndjson_has_none()
    {
        Assert.Equal("day,app,cccode,count,bytes,duration_ms,error_count\n",
            System.Text.Encoding.UTF8.GetString(UsageFileWriter.Header(ExportDataset.UsageRollups, ExportFormat.Csv)));
        Assert.Empty(UsageFileWriter.Header(ExportDataset.UsageRecords, ExportFormat.Ndjson));
    }
}
