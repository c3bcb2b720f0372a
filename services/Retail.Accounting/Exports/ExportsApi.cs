using System.Text.Json;
using Retail.Shared;
using Retail.Shared.Json;
using Retail.Workflows.Scheduling;

namespace Retail.Accounting.Exports;

/// <summary>An export as <c>get</c> shows it: the record, and once completed the signed MRS download URL of its file.</summary>
public sealed record ExportView(Export Export, string? DownloadUrl, DateTimeOffset? DownloadExpiresAt);

/// <summary>A batch with its parts (one per app) and, once completed, the signed download URL of its file.</summary>
public sealed record BatchView(ExportBatch Batch, IReadOnlyList<ExportPart> Parts, string? DownloadUrl, DateTimeOffset? DownloadExpiresAt);

/// <summary>
/// UC-ACC-002, operator-only, in the org of <c>x-orgcode</c>: one-off exports (<c>/export/create|get|list</c>), a day's batches
/// (<c>/export/batch/create|repair|get|list|status/set</c>) and schedules (<c>/export/schedule/create|get|list|status/set</c>).
/// </summary>
public static class ExportsApi
{
    public static RouteGroupBuilder MapExportEndpoints(this IEndpointRouteBuilder routes)
    {
        var exports = routes.MapGroup("/export").WithTags("Exports");
        exports.MapPost("/create", Create).RequireRole(Role.Operator).AsWrite()
            .WithSummary("Export the org's usage records or rollups over local days day_from..day_to as CSV or NDJSON to MRS (queued; a workflow runs it).");
        exports.MapPost("/get", Get).RequireRole(Role.Operator).WithSummary("An export by export_guid, with the signed MRS download URL once completed.");
        exports.MapPost("/list", List).RequireRole(Role.Operator).WithSummary("The org's exports, by status or schedule, in key (creation) order.");

        exports.MapPost("/batch/create", CreateBatch).RequireRole(Role.Operator).AsWrite()
            .WithSummary("A day's batch of a dataset in a format: 201 for a new one, 200 with the existing one for the same (day, dataset, format).");
        exports.MapPost("/batch/repair", RepairBatch).RequireRole(Role.Operator).AsWrite()
            .WithSummary("A failed batch runs again: only its failed parts, then the same assembly as a clean run.");
        exports.MapPost("/batch/get", GetBatch).RequireRole(Role.Operator).WithSummary("A batch with its parts and, once completed, its download URL.");
        exports.MapPost("/batch/list", ListBatches).RequireRole(Role.Operator).WithSummary("The org's batches by day range and status, by day.");
        exports.MapPost("/batch/status/set", SetBatchStatus).RequireRole(Role.Operator).AsWrite()
            .WithSummary("completed → published; queued, failed or completed → cancelled.");

        exports.MapPost("/schedule/create", CreateSchedule).RequireRole(Role.Operator).AsWrite()
            .WithSummary("A daily or weekly export at a local time: each occurrence exports the day (or week) before it.");
        exports.MapPost("/schedule/get", GetSchedule).RequireRole(Role.Operator).WithSummary("A schedule by schedule_guid.");
        exports.MapPost("/schedule/list", ListSchedules).RequireRole(Role.Operator).WithSummary("The org's schedules, by status.");
        exports.MapPost("/schedule/status/set", SetScheduleStatus).RequireRole(Role.Operator).AsWrite()
            .WithSummary("active ⇄ paused; active or paused → retired. Re-activating skips the occurrences missed while paused.");
        return exports;
    }

    public static async Task<Results<Created<Export>, ProblemHttpResult>> Create(ExportCreateRequest request, RecordStore<Export> exports,
        IWorkflowScheduler scheduler, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var export = new Export
        {
            ExportGuid = Ids.New(),
            Dataset = request.Dataset!.Value,
            Format = request.Format!.Value,
            Gzip = request.Gzip == true,
            DayFrom = request.DayFrom!.Value,
            DayTo = request.DayTo!.Value,
            RequestedBy = context.RequirePrincipal().Id,
        };
        var write = await exports.CreateAsync(orgcode, export, ct: ct);
        if (write.Succeeded)
        {
            await StartExportAsync(scheduler, orgcode, export.ExportGuid, ct);
        }
        return write.ToCreated();
    }

    /// <summary>Starts an export's workflow; a start already made (a retry, the sweeper's recovery) is a duplicate the scheduler refuses.</summary>
    public static Task StartExportAsync(IWorkflowScheduler scheduler, string orgcode, string exportGuid, CancellationToken ct) =>
        scheduler.StartAsync(nameof(UsageExportWorkflow), Export.InstanceIdOf(orgcode, exportGuid),
            JsonSerializer.SerializeToElement(new ExportInput(orgcode, exportGuid), RetailJson.Storage), ct);

    public static Task StartBatchAsync(IWorkflowScheduler scheduler, string orgcode, ExportBatch batch, CancellationToken ct) =>
        scheduler.StartAsync(nameof(ExportBatchWorkflow), ExportBatch.InstanceIdOf(orgcode, batch.BatchGuid, batch.Run),
            JsonSerializer.SerializeToElement(new BatchInput(orgcode, batch.BatchGuid, batch.Run), RetailJson.Storage), ct);

    public static async Task<Results<Ok<ExportView>, ProblemHttpResult>> Get(ExportKey request, RecordStore<Export> exports, MrsFiles files,
        RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var export = (await exports.GetAsync(orgcode, ExportRules.GuidKey(request.ExportGuid!), ct: ct))?.Record;
        if (export is null)
        {
            return ApiProblem.NotFound("No such export in this org.");
        }
        var (url, expires) = await DownloadAsync(files, orgcode, export.MrsRecordGuid, ct);
        return TypedResults.Ok(new ExportView(export, url, expires));
    }

    public static async Task<Ok<Page<Export>>> List(ExportListRequest request, RecordStore<Export> exports, RequestContext context, CancellationToken ct)
    {
        var filters = new List<StateFilter>();
        if (request.Status is { } status)
        {
            filters.Add(StateFilter.Eq("status", status));
        }
        if (request.ScheduleGuid is { } schedule)
        {
            filters.Add(StateFilter.Eq("schedule_guid", ExportRules.GuidKey(schedule)));
        }
        return TypedResults.Ok(await exports.ListAsync(context.RequireOrgcode(), filters, Paging.LimitOf(request), request.NextToken, ct: ct));
    }

    public static async Task<Results<Created<ExportBatch>, Ok<ExportBatch>, ProblemHttpResult>> CreateBatch(BatchCreateRequest request,
        RecordStore<ExportBatch> batches, IWorkflowScheduler scheduler, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var slot = ExportBatch.SlotOf(request.Day!.Value, request.Dataset!.Value, request.Format!.Value);
        if (await batches.FindAsync(orgcode, "slot", slot, ct) is { } existing)
        {
            return TypedResults.Ok(existing.Record);
        }
        var batch = new ExportBatch
        {
            BatchGuid = Ids.New(),
            Day = request.Day.Value,
            Dataset = request.Dataset.Value,
            Format = request.Format.Value,
            RequestedBy = context.RequirePrincipal().Id,
        };
        var write = await batches.CreateAsync(orgcode, batch, [ExportBatchRules.Changed(orgcode, batch with { Revision = 1 })], ct);
        if (write.Outcome == RecordWriteOutcome.Duplicate && await batches.FindAsync(orgcode, "slot", slot, ct) is { } raced)
        {
            return TypedResults.Ok(raced.Record);
        }
        if (!write.Succeeded)
        {
            return write.Problem();
        }
        await StartBatchAsync(scheduler, orgcode, write.Record!, ct);
        return TypedResults.Created((string?)null, write.Record!);
    }

    public static async Task<Results<Ok<ExportBatch>, ProblemHttpResult>> RepairBatch(BatchRepairRequest request, RecordStore<ExportBatch> batches,
        IWorkflowScheduler scheduler, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await batches.LoadForChangeAsync(orgcode, ExportRules.GuidKey(request.BatchGuid!), request.ExpectedRevision, ct: ct);
        if (problem is not null)
        {
            return problem;
        }
        var current = loaded!.Record;
        if (current.Status != ExportBatchStatus.Failed)
        {
            // Only a failed batch is repaired; the move is failed → running.
            return ApiProblem.InvalidTransition(SnakeCase.Name(current.Status), SnakeCase.Name(ExportBatchStatus.Running),
                ExportBatch.Lifecycle.AllowedFrom(current.Status).Where(s => s != ExportBatchStatus.Running).Select(SnakeCase.Name).ToList());
        }
        var next = current with { Status = ExportBatchStatus.Running, Run = current.Run + 1, PartsFailed = 0, StatusReason = "repair" };
        var write = await batches.UpdateAsync(orgcode, loaded, next, "status_changed",
            [ExportBatchRules.Changed(orgcode, next with { Revision = current.Revision + 1 })], ct);
        if (write.Succeeded)
        {
            await StartBatchAsync(scheduler, orgcode, write.Record!, ct);
        }
        return write.ToOk();
    }

    public static async Task<Results<Ok<BatchView>, ProblemHttpResult>> GetBatch(BatchKey request, RecordStore<ExportBatch> batches,
        RecordStore<ExportPart> parts, MrsFiles files, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var batch = (await batches.GetAsync(orgcode, ExportRules.GuidKey(request.BatchGuid!), ct: ct))?.Record;
        if (batch is null)
        {
            return ApiProblem.NotFound("No such export batch in this org.");
        }
        var (url, expires) = await DownloadAsync(files, orgcode, batch.Status is ExportBatchStatus.Completed or ExportBatchStatus.Published ? batch.MrsRecordGuid : null, ct);
        return TypedResults.Ok(new BatchView(batch, await ExportBatchRules.PartsAsync(parts, orgcode, batch.BatchGuid), url, expires));
    }

    public static async Task<Ok<Page<ExportBatch>>> ListBatches(BatchListRequest request, RecordStore<ExportBatch> batches, RequestContext context,
        CancellationToken ct)
    {
        var filters = new List<StateFilter>();
        if (request.Status is { } status)
        {
            filters.Add(StateFilter.Eq("status", status));
        }
        if (request.DayFrom is { } from)
        {
            filters.Add(StateFilter.Above("day", UsageFileWriter.Day(from), inclusive: true));
        }
        if (request.DayTo is { } to)
        {
            filters.Add(StateFilter.Below("day", UsageFileWriter.Day(to), inclusive: true));
        }
        return TypedResults.Ok(await batches.ListAsync(context.RequireOrgcode(), filters, Paging.LimitOf(request), request.NextToken,
            sort: [new StateSort("day"), new StateSort("batch_guid")], ct: ct));
    }

    public static async Task<Results<Ok<ExportBatch>, ProblemHttpResult>> SetBatchStatus(BatchStatusRequest request, RecordStore<ExportBatch> batches,
        RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await batches.LoadForChangeAsync(orgcode, ExportRules.GuidKey(request.BatchGuid!), request.ExpectedRevision, ct: ct);
        if (problem is not null)
        {
            return problem;
        }
        var current = loaded!.Record;
        if (ExportBatch.Lifecycle.Check(current.Status, request.Status!.Value) is { } refused)
        {
            return refused;
        }
        var next = current with { Status = request.Status.Value, StatusReason = RequestRules.Trimmed(request.Reason) };
        return (await batches.UpdateAsync(orgcode, loaded, next, "status_changed",
            [ExportBatchRules.Changed(orgcode, next with { Revision = current.Revision + 1 })], ct)).ToOk();
    }

    public static async Task<Results<Created<ExportSchedule>, ProblemHttpResult>> CreateSchedule(ScheduleCreateRequest request,
        RecordStore<ExportSchedule> schedules, RequestContext context, TimeProvider clock, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var zone = request.TimeZone ?? "UTC";
        var cadence = request.Cadence!.Value;
        var schedule = new ExportSchedule
        {
            ScheduleGuid = Ids.New(),
            Cadence = cadence,
            AtLocalTime = request.AtLocalTime!,
            Weekday = request.Weekday,
            TimeZone = zone,
            Dataset = request.Dataset!.Value,
            Format = request.Format!.Value,
            Gzip = request.Gzip == true,
            NextDueAt = ScheduleRules.NextAfter(cadence, request.AtLocalTime!, request.Weekday, zone, clock.GetUtcNow()),
            CreatedBy = context.RequirePrincipal().Id,
        };
        return (await schedules.CreateAsync(orgcode, schedule,
            [new DomainEvent(AccountingEvents.ExportScheduleStatusChanged, new ExportScheduleStatusChanged(orgcode, schedule.ScheduleGuid, schedule.Status, 1))],
            ct)).ToCreated();
    }

    public static async Task<Results<Ok<ExportSchedule>, ProblemHttpResult>> GetSchedule(ScheduleKey request, RecordStore<ExportSchedule> schedules,
        RequestContext context, CancellationToken ct) =>
        (await schedules.GetAsync(context.RequireOrgcode(), ExportRules.GuidKey(request.ScheduleGuid!), ct: ct))?.Record is { } found
            ? TypedResults.Ok(found)
            : ApiProblem.NotFound("No such export schedule in this org.");

    public static async Task<Ok<Page<ExportSchedule>>> ListSchedules(ScheduleListRequest request, RecordStore<ExportSchedule> schedules,
        RequestContext context, CancellationToken ct) =>
        TypedResults.Ok(await schedules.ListAsync(context.RequireOrgcode(),
            request.Status is { } status ? [StateFilter.Eq("status", status)] : [], Paging.LimitOf(request), request.NextToken, ct: ct));

    public static async Task<Results<Ok<ExportSchedule>, ProblemHttpResult>> SetScheduleStatus(ScheduleStatusRequest request,
        RecordStore<ExportSchedule> schedules, RequestContext context, TimeProvider clock, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await schedules.LoadForChangeAsync(orgcode, ExportRules.GuidKey(request.ScheduleGuid!), request.ExpectedRevision, ct: ct);
        if (problem is not null)
        {
            return problem;
        }
        var current = loaded!.Record;
        var to = request.Status!.Value;
        if (ExportSchedule.Lifecycle.Check(current.Status, to) is { } refused)
        {
            return refused;
        }
        var next = current with { Status = to, StatusReason = RequestRules.Trimmed(request.Reason) };
        if (to == ExportScheduleStatus.Active)
        {
            next = next with { NextDueAt = ScheduleRules.NextAfter(current.Cadence, current.AtLocalTime, current.Weekday, current.TimeZone, clock.GetUtcNow()) };
        }
        return (await schedules.UpdateAsync(orgcode, loaded, next, "status_changed",
            [new DomainEvent(AccountingEvents.ExportScheduleStatusChanged,
                new ExportScheduleStatusChanged(orgcode, current.ScheduleGuid, to, current.Revision + 1))], ct)).ToOk();
    }

    private static async Task<(string? Url, DateTimeOffset? ExpiresAt)> DownloadAsync(MrsFiles files, string orgcode, string? recordGuid,
        CancellationToken ct)
    {
        if (recordGuid is null)
        {
            return (null, null);
        }
        try
        {
            var meta = await files.MetaAsync(orgcode, recordGuid, ct);
            return (meta?.DownloadUrl, meta?.DownloadExpiresAt);
        }
        catch (Exception ex) when (ex is ExportFileException or Retail.Shared.Invocation.DependencyUnavailableException)
        {
            // The record is answered without its URL when MRS cannot sign one now; get again later.
            return (null, null);
        }
    }
}
