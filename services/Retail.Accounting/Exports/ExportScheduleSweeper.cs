using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Retail.Shared;
using Retail.Shared.Hosting;
using Retail.Workflows.Scheduling;

namespace Retail.Accounting.Exports;

/// <summary>Exports' settings (configuration section <c>Accounting:Exports</c>).</summary>
public sealed class ExportOptions
{
    public const string Section = "Accounting:Exports";

    /// <summary>How often the sweep looks for schedules due and exports or batches whose workflow never started.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(1);
}

public sealed class ExportOptionsValidator : IValidateOptions<ExportOptions>
{
    public ValidateOptionsResult Validate(string? name, ExportOptions options) =>
        options.SweepInterval > TimeSpan.Zero
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{ExportOptions.Section}:{nameof(options.SweepInterval)} must be positive");
}

/// <summary>
/// Schedules as durable timers: each schedule's next occurrence is data (<c>next_due_at</c>, indexed across orgs as
/// <c>due_ms</c>), so this sweep fires what fell due (while the host ran, or while it was stopped) in the same way in both
/// runtimes. Firing an occurrence is one transaction: the occurrence's export (queued) and the schedule moved to its next
/// occurrence after now (missed ones are not replayed one by one: the latest is exported). The export's workflow starts after
/// the commit; the same pass starts any queued export or batch whose workflow never started (a stop in between).
/// </summary>
public sealed class ExportScheduleSweeper(IServiceProvider services, TimeProvider clock, IOptions<ExportOptions> options,
    ILogger<ExportScheduleSweeper> logger) : PeriodicSweep(clock, logger)
{
    public const int PageSize = 100;

    protected override TimeSpan Interval => options.Value.SweepInterval;

    protected override string Name => "Export schedule sweep";

    protected override Task PassAsync(CancellationToken ct) => SweepOnceAsync(ct);

    /// <summary>One pass; answers how many occurrences it fired.</summary>
    public async Task<int> SweepOnceAsync(CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var schedules = scope.ServiceProvider.GetRequiredService<RecordStore<ExportSchedule>>();
        var exports = scope.ServiceProvider.GetRequiredService<RecordStore<Export>>();
        var batches = scope.ServiceProvider.GetRequiredService<RecordStore<ExportBatch>>();
        var scheduler = scope.ServiceProvider.GetRequiredService<IWorkflowScheduler>();
        var now = Clock.GetUtcNow();
        var fired = 0;
        // Each fired schedule leaves the due range, so the first page is read again until it is empty.
        while (true)
        {
            var page = await schedules.ListAcrossOrgsAsync([StateFilter.Below("due_ms", now.ToUnixTimeMilliseconds(), inclusive: true)], PageSize, ct: ct);
            var progressed = false;
            foreach (var (orgcode, schedule) in page.Items)
            {
                if (await FireAsync(schedules, exports, scheduler, orgcode, schedule, now, ct))
                {
                    fired++;
                    progressed = true;
                }
            }
            if (!progressed || page.NextToken is null && page.Items.Count < PageSize)
            {
                break;
            }
        }
        await StartStrandedAsync(exports, batches, scheduler, ct);
        return fired;
    }

    private async Task<bool> FireAsync(RecordStore<ExportSchedule> schedules, RecordStore<Export> exports, IWorkflowScheduler scheduler, string orgcode,
        ExportSchedule due, DateTimeOffset now, CancellationToken ct)
    {
        var loaded = await schedules.GetAsync(orgcode, due.ScheduleGuid, ct: ct);
        if (loaded is null || loaded.Record.Status != ExportScheduleStatus.Active || loaded.Record.NextDueAt > now)
        {
            return false;
        }
        var schedule = loaded.Record;
        var (from, to) = ScheduleRules.DaysOf(schedule.Cadence, schedule.TimeZone, schedule.NextDueAt);
        var export = new Export
        {
            ExportGuid = Ids.New(),
            Dataset = schedule.Dataset,
            Format = schedule.Format,
            Gzip = schedule.Gzip,
            DayFrom = from,
            DayTo = to,
            ScheduleGuid = schedule.ScheduleGuid,
            RequestedBy = $"schedule:{schedule.ScheduleGuid}",
        };
        var batch = new RecordBatch();
        exports.Create(batch, orgcode, export);
        schedules.Update(batch, orgcode, loaded, schedule with
        {
            NextDueAt = ScheduleRules.NextAfter(schedule.Cadence, schedule.AtLocalTime, schedule.Weekday, schedule.TimeZone, now),
            Occurrences = schedule.Occurrences + 1,
            LastExportGuid = export.ExportGuid,
            LastFiredAt = now,
        });
        var write = await batch.CommitAsync(ct);
        if (!write.Succeeded)
        {
            // Changed meanwhile (paused, retired, fired by another instance): the next pass decides again.
            return false;
        }
        logger.LogInformation("Export schedule {ScheduleGuid} of {Orgcode} fired: export {ExportGuid} of {From}..{To}", schedule.ScheduleGuid, orgcode,
            export.ExportGuid, from, to);
        await ExportsApi.StartExportAsync(scheduler, orgcode, export.ExportGuid, ct);
        return true;
    }

    private static async Task StartStrandedAsync(RecordStore<Export> exports, RecordStore<ExportBatch> batches, IWorkflowScheduler scheduler,
        CancellationToken ct)
    {
        string? token = null;
        do
        {
            var page = await exports.ListAcrossOrgsAsync([StateFilter.Eq("status", ExportStatus.Queued)], PageSize, token, ct: ct);
            foreach (var (orgcode, export) in page.Items)
            {
                if (await scheduler.GetAsync(Export.InstanceIdOf(orgcode, export.ExportGuid), ct) is null)
                {
                    await ExportsApi.StartExportAsync(scheduler, orgcode, export.ExportGuid, ct);
                }
            }
            token = page.NextToken;
        }
        while (token is not null);
        do
        {
            var page = await batches.ListAcrossOrgsAsync([StateFilter.In("status", ExportBatchStatus.Queued, ExportBatchStatus.Running)], PageSize, token, ct: ct);
            foreach (var (orgcode, batch) in page.Items)
            {
                if (await scheduler.GetAsync(ExportBatch.InstanceIdOf(orgcode, batch.BatchGuid, batch.Run), ct) is null)
                {
                    await ExportsApi.StartBatchAsync(scheduler, orgcode, batch, ct);
                }
            }
            token = page.NextToken;
        }
        while (token is not null);
    }
}
