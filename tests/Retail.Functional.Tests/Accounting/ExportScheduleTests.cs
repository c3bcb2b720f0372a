using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Retail.Functional.Tests.Ofm;

namespace Retail.Functional.Tests.Accounting;

/// <summary>
/// UC-ACC-002: schedules as durable timers. The next occurrence is data swept on the host's clock (a fake one here): a
/// schedule fires at its local time, and fires again at the next one in a host started afresh on the same data.
/// </summary>
public sealed class ExportScheduleTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 10, 1, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task UC_ACC_002_a_daily_schedule_fires_at_its_time_and_again_after_a_restart()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "retail-tests", Guid.NewGuid().ToString("N"));
        try
        {
            string orgcode, scheduleGuid;
            var clock = new FakeTimeProvider(Start);
            var first = Host(dataDir, clock);
            try
            {
                using var @operator = first.CreateOperatorClient();
                (orgcode, _) = await ExportSteps.NewOrgAsync(first, @operator, "accs");
                await ExportSteps.SeedAsync(first, orgcode, ExportSteps.Records("2026-03-09", 3, "ofm", "scm").ToList());
                await ExportSteps.SeedAsync(first, orgcode, ExportSteps.Records("2026-03-10", 2, "pvm").ToList());
                var schedule = await @operator.Post("/accounting/export/schedule/create",
                    new { cadence = "daily", at_local_time = "02:00", dataset = "usage_rollups", format = "csv" }, orgcode).Ok(HttpStatusCode.Created);
                scheduleGuid = schedule.GetProperty("schedule_guid").GetString()!;
                Assert.Equal(("active", Start.AddHours(1)), (schedule.GetProperty("status").GetString(), schedule.GetProperty("next_due_at").GetDateTimeOffset()));

                // Before its time nothing fires; at 02:05 the sweep exports the day before.
                clock.Advance(TimeSpan.FromMinutes(50));
                await Task.Delay(300, TestContext.Current.CancellationToken);
                Assert.Equal(0, await ExportsOf(@operator, orgcode, scheduleGuid));
                clock.Advance(TimeSpan.FromMinutes(15));
                var fired = await ScheduledExportAsync(@operator, orgcode, scheduleGuid, 1);
                Assert.Equal(("2026-03-09", "2026-03-09"), (fired.Export().GetProperty("day_from").GetString(), fired.Export().GetProperty("day_to").GetString()));
                var lines = Encoding.UTF8.GetString(await ExportSteps.DownloadAsync(@operator, fired)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
                Assert.Equal(1 + ExportSteps.RollupsOf(ExportSteps.Records("2026-03-09", 3, "ofm", "scm")).Count(), lines.Length);
                var moved = await @operator.Post("/accounting/export/schedule/get", new { schedule_guid = scheduleGuid }, orgcode).Ok();
                Assert.Equal((1L, Start.AddHours(25)), (moved.GetProperty("occurrences").GetInt64(), moved.GetProperty("next_due_at").GetDateTimeOffset()));
            }
            finally
            {
                await first.DisposeAsync();
            }

            // A host started afresh on the same data (and a clock a day on) fires the next occurrence.
            var later = new FakeTimeProvider(Start.AddHours(24));
            await using var second = Host(dataDir, later);
            using var restarted = second.CreateOperatorClient();
            await restarted.Post("/accounting/export/schedule/get", new { schedule_guid = scheduleGuid }, orgcode).Ok();
            later.Advance(TimeSpan.FromMinutes(65));
            var again = await ScheduledExportAsync(restarted, orgcode, scheduleGuid, 2);
            Assert.Equal("2026-03-10", again.Export().GetProperty("day_from").GetString());
            // The day holds the seeded pvm rollups, and also the usage of this test's own requests of that day (the operator's
            // calls to OFM and Accounting are metered too); the seeded ones are exported as seeded.
            var rows = Encoding.UTF8.GetString(await ExportSteps.DownloadAsync(restarted, again)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(ExportSteps.RollupsOf(ExportSteps.Records("2026-03-10", 2, "pvm")).Count(), rows.Count(l => l.Contains(",pvm,", StringComparison.Ordinal)));
            Assert.All(rows.Skip(1), l => Assert.Matches("^2026-03-10,(pvm|ofm|accounting),", l));
            var schedule2 = await restarted.Post("/accounting/export/schedule/get", new { schedule_guid = scheduleGuid }, orgcode).Ok();
            Assert.Equal((2L, Start.AddHours(49)), (schedule2.GetProperty("occurrences").GetInt64(), schedule2.GetProperty("next_due_at").GetDateTimeOffset()));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            RetailHostFactory.TryDelete(dataDir);
        }
    }

    [Fact]
    public async Task UC_ACC_002_a_paused_schedule_does_not_fire_and_a_retired_one_never_comes_back()
    {
        var clock = new FakeTimeProvider(Start);
        await using var factory = AccountingHost.Start(s => s.AddSingleton<TimeProvider>(clock));
        factory.Settings["Accounting:Exports:SweepInterval"] = "00:05:00";
        using var @operator = factory.CreateOperatorClient();
        var (orgcode, owner) = await ExportSteps.NewOrgAsync(factory, @operator, "accs");
        var created = await @operator.Post("/accounting/export/schedule/create",
            new { cadence = "weekly", weekday = "wednesday", at_local_time = "06:30", time_zone = "Europe/Berlin", dataset = "usage_records", format = "ndjson" },
            orgcode).Ok(HttpStatusCode.Created);
        var guid = created.GetProperty("schedule_guid").GetString()!;
        // Wednesday 11 March 2026, 06:30 in Berlin (UTC+1).
        Assert.Equal(new DateTimeOffset(2026, 3, 11, 5, 30, 0, TimeSpan.Zero), created.GetProperty("next_due_at").GetDateTimeOffset());

        var paused = await @operator.Post("/accounting/export/schedule/status/set", new { schedule_guid = guid, status = "paused", expected_revision = 1 }, orgcode)
            .Ok();
        clock.Advance(TimeSpan.FromDays(2));
        await Task.Delay(300, TestContext.Current.CancellationToken);
        Assert.Equal(0, await ExportsOf(@operator, orgcode, guid));

        // Re-activated, it skips what it missed: the next Wednesday.
        var active = await @operator.Post("/accounting/export/schedule/status/set",
            new { schedule_guid = guid, status = "active", expected_revision = paused.GetProperty("revision").GetInt64() }, orgcode).Ok();
        Assert.Equal(new DateTimeOffset(2026, 3, 18, 5, 30, 0, TimeSpan.Zero), active.GetProperty("next_due_at").GetDateTimeOffset());
        var retired = await @operator.Post("/accounting/export/schedule/status/set",
            new { schedule_guid = guid, status = "retired", expected_revision = active.GetProperty("revision").GetInt64() }, orgcode).Ok();
        await @operator.Post("/accounting/export/schedule/status/set",
            new { schedule_guid = guid, status = "active", expected_revision = retired.GetProperty("revision").GetInt64() }, orgcode)
            .Problem(HttpStatusCode.Conflict, "invalid_transition");
        await @operator.Post("/accounting/export/schedule/status/set",
            new { schedule_guid = guid, status = "paused", expected_revision = 1 }, orgcode).Problem(HttpStatusCode.Conflict, "revision_mismatch");
        var listed = await @operator.Post("/accounting/export/schedule/list", new { status = "retired" }, orgcode).Ok();
        Assert.Equal([guid], listed.GetProperty("items").EnumerateArray().Select(s => s.GetProperty("schedule_guid").GetString()));
        // (The outbox keeps delivered events for a while only, and days have passed: the latest ones are still there.)
        Assert.Equal(["active", "retired"],
            factory.OutboxEvents("accounting", orgcode, "export.schedule_status_changed").Select(e => e.GetProperty("status").GetString()).TakeLast(2));

        // Bad input, and no org role.
        await @operator.Post("/accounting/export/schedule/create", new { cadence = "weekly", at_local_time = "06:30", dataset = "usage_records", format = "csv" },
            orgcode).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await @operator.Post("/accounting/export/schedule/create", new { cadence = "daily", at_local_time = "25:00", dataset = "usage_records", format = "csv" },
            orgcode).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await @operator.Post("/accounting/export/schedule/create",
            new { cadence = "daily", at_local_time = "01:00", time_zone = "Mars/Olympus", dataset = "usage_records", format = "csv" }, orgcode)
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await @operator.Post("/accounting/export/schedule/create", new { cadence = "hourly", at_local_time = "01:00", dataset = "usage_records", format = "csv" },
            orgcode).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await @operator.Post("/accounting/export/schedule/get", new { schedule_guid = Guid.NewGuid() }, orgcode).Problem(HttpStatusCode.NotFound, "not_found");
        await owner.Client.Post("/accounting/export/schedule/create", new { cadence = "daily", at_local_time = "01:00", dataset = "usage_records", format = "csv" },
            orgcode).Problem(HttpStatusCode.Forbidden, "forbidden");
    }

    private static RetailHostFactory Host(string dataDir, TimeProvider clock)
    {
        var factory = new RetailHostFactory(dataDir)
        {
            ConfigureServices = s =>
            {
                TestSessions.Add(s);
                s.AddSingleton(clock);
            },
            Modules = AccountingHost.Modules,
        };
        factory.Settings["Accounting:Exports:SweepInterval"] = "00:05:00";
        return factory;
    }

    private static async Task<int> ExportsOf(HttpClient @operator, string orgcode, string scheduleGuid) =>
        (await @operator.Post("/accounting/export/list", new { schedule_guid = scheduleGuid }, orgcode).Ok()).GetProperty("items").GetArrayLength();

    /// <summary>Waits for the schedule's <paramref name="nth"/> export and its completion; answers its view.</summary>
    private static async Task<JsonElement> ScheduledExportAsync(HttpClient @operator, string orgcode, string scheduleGuid, int nth)
    {
        JsonElement items = default;
        await Waits.UntilAsync(async () =>
        {
            items = (await @operator.Post("/accounting/export/list", new { schedule_guid = scheduleGuid }, orgcode).Ok()).GetProperty("items");
            return items.GetArrayLength() >= nth;
        }, $"the schedule's export number {nth}");
        Assert.Equal(nth, items.GetArrayLength());
        return await ExportSteps.CompletedExportAsync(@operator, orgcode, items[nth - 1].GetProperty("export_guid").GetString()!);
    }
}
