using System.Globalization;

namespace Retail.Accounting.Exports;

/// <summary>When a schedule's occurrences fall and which local days each exports; pure, so unit-tested without a host.</summary>
public static class ScheduleRules
{
    /// <summary>The first occurrence strictly after <paramref name="after"/>: the local time on each day (daily) or on the weekday (weekly).</summary>
    public static DateTimeOffset NextAfter(ScheduleCadence cadence, string atLocalTime, DayOfWeek? weekday, string timeZone, DateTimeOffset after)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(timeZone);
        var time = TimeOnly.ParseExact(atLocalTime, "HH:mm", CultureInfo.InvariantCulture);
        var local = TimeZoneInfo.ConvertTime(after, zone);
        var date = DateOnly.FromDateTime(local.DateTime);
        for (var i = 0; i < 9; i++, date = date.AddDays(1))
        {
            if (cadence == ScheduleCadence.Weekly && date.DayOfWeek != weekday)
            {
                continue;
            }
            var wall = date.ToDateTime(time, DateTimeKind.Unspecified);
            if (zone.IsInvalidTime(wall))
            {
                // In a spring-forward gap the occurrence moves to the first valid minute after it.
                wall = wall.AddHours(1);
            }
            var occurrence = new DateTimeOffset(wall, zone.GetUtcOffset(wall));
            if (occurrence > after)
            {
                return occurrence;
            }
        }
        throw new InvalidOperationException("no occurrence within nine days");
    }

    /// <summary>The local days an occurrence exports: the day before it (daily), or the seven days before it (weekly).</summary>
    public static (DateOnly From, DateOnly To) DaysOf(ScheduleCadence cadence, string timeZone, DateTimeOffset occurrence)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(timeZone);
        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(occurrence, zone).DateTime);
        return cadence == ScheduleCadence.Daily ? (day.AddDays(-1), day.AddDays(-1)) : (day.AddDays(-7), day.AddDays(-1));
    }
}
