using Dapr.Workflow;
using Microsoft.Extensions.Logging;

namespace Retail.Accounting.Exports;

/// <summary>
/// Writes the export's file and uploads it: queued → running (committed first, so a list shows it), then completed with the
/// file's size, count and SHA-256 and <c>export.completed</c>, or failed with the reason and <c>export.failed</c>. An export
/// no longer queued or running was finished by an earlier attempt: nothing happens.
/// </summary>
public sealed class UsageExportActivity(RecordStore<Export> exports, UsageFileWriter writer, MrsFiles files, TimeProvider clock,
    ILogger<UsageExportActivity> logger) : WorkflowActivity<ExportInput, string>
{
    public override async Task<string> RunAsync(WorkflowActivityContext context, ExportInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var org = input.Orgcode;
        var loaded = await exports.GetAsync(org, input.ExportGuid) ?? throw new InvalidOperationException($"export {input.ExportGuid} is gone");
        if (loaded.Record.Status is ExportStatus.Completed or ExportStatus.Failed)
        {
            return Retail.Shared.Json.SnakeCase.Name(loaded.Record.Status);
        }
        if (loaded.Record.Status == ExportStatus.Queued)
        {
            var running = await exports.UpdateAsync(org, loaded, loaded.Record with { Status = ExportStatus.Running }, "status_changed");
            if (!running.Succeeded)
            {
                throw new InvalidOperationException($"export {input.ExportGuid} changed while it started");
            }
            loaded = await exports.GetAsync(org, input.ExportGuid) ?? throw new InvalidOperationException($"export {input.ExportGuid} is gone");
        }
        var export = loaded.Record;
        Export next;
        DomainEvent done;
        try
        {
            var content = await writer.WriteAsync(org, export.Dataset, export.Format, export.DayFrom, export.DayTo, default);
            var name = $"usage-{Retail.Shared.Json.SnakeCase.Name(export.Dataset).Replace('_', '-')}-{export.DayFrom:yyyy-MM-dd}-{export.DayTo:yyyy-MM-dd}"
                + MrsFiles.ExtensionOf(export.Format, export.Gzip);
            var contentType = MrsFiles.ContentTypeOf(export.Format, export.Gzip);
            var (recordGuid, stored) = await files.UploadAsync(org, content.Bytes, contentType, name, ["accounting:export", $"export:{export.ExportGuid}"],
                $"acc-export:{export.ExportGuid}", default);
            next = export with
            {
                Status = ExportStatus.Completed, RecordCount = content.RecordCount, SizeBytes = content.Bytes.LongLength, StoredBytes = stored,
                Sha256 = content.Sha256, MrsRecordGuid = recordGuid, FileName = name, ContentType = contentType, CompletedAt = clock.GetUtcNow(),
            };
            done = new DomainEvent(AccountingEvents.ExportCompleted, new ExportCompleted(org, export.ExportGuid, export.Dataset, export.Format,
                export.DayFrom, export.DayTo, export.ScheduleGuid, recordGuid, content.RecordCount, content.Bytes.LongLength, content.Sha256));
        }
        catch (Exception ex) when (ex is ExportFileException or Retail.Shared.Invocation.DependencyUnavailableException or HttpRequestException)
        {
            logger.LogWarning(ex, "Export {ExportGuid} failed", export.ExportGuid);
            var reason = ex.Message.Length > 500 ? ex.Message[..500] : ex.Message;
            next = export with { Status = ExportStatus.Failed, Error = reason, CompletedAt = clock.GetUtcNow() };
            done = new DomainEvent(AccountingEvents.ExportFailed, new ExportFailed(org, export.ExportGuid, export.ScheduleGuid, reason));
        }
        var write = await exports.UpdateAsync(org, loaded, next, "status_changed", [done]);
        if (!write.Succeeded)
        {
            throw new InvalidOperationException($"export {export.ExportGuid} changed while it ran");
        }
        return Retail.Shared.Json.SnakeCase.Name(next.Status);
    }
}

/// <summary>
/// A run's start: the first run makes one pending part per app with usage that day, and the batch <c>running</c>, in one batch
/// of writes; a repair (run &gt; 1) finds the batch already <c>running</c>. Answers the parts not yet completed, in app order.
/// </summary>
public sealed class ExportBatchPlanActivity(RecordStore<ExportBatch> batches, RecordStore<ExportPart> parts, UsageFileWriter writer)
    : WorkflowActivity<BatchInput, List<string>>
{
    public override async Task<List<string>> RunAsync(WorkflowActivityContext context, BatchInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var org = input.Orgcode;
        var loaded = await batches.GetAsync(org, input.BatchGuid) ?? throw new InvalidOperationException($"batch {input.BatchGuid} is gone");
        if (loaded.Record.Status == ExportBatchStatus.Queued)
        {
            var apps = await writer.AppsOfDayAsync(org, loaded.Record.Day, default);
            var batch = new RecordBatch();
            foreach (var app in apps)
            {
                parts.Create(batch, org, new ExportPart { PartKey = ExportPart.KeyOf(input.BatchGuid, app), BatchGuid = input.BatchGuid, App = app });
            }
            batches.Update(batch, org, loaded, loaded.Record with { Status = ExportBatchStatus.Running, PartsTotal = apps.Count }, "status_changed",
                [ExportBatchRules.Changed(org, loaded.Record with { Status = ExportBatchStatus.Running, Revision = loaded.Record.Revision + 1 })]);
            var write = await batch.CommitAsync();
            if (!write.Succeeded)
            {
                throw new InvalidOperationException($"batch {input.BatchGuid} changed while it was planned");
            }
        }
        else if (loaded.Record.Status != ExportBatchStatus.Running || loaded.Record.Run != input.Run)
        {
            return [];
        }
        return (await ExportBatchRules.PartsAsync(parts, org, input.BatchGuid)).Where(p => p.Status != ExportPartStatus.Completed).Select(p => p.PartKey).ToList();
    }
}

/// <summary>
/// One part: its app's rows of the day, uploaded to MRS (keyed by part and attempt), then <c>completed</c> with count and
/// SHA-256. Any failure (the failure point, MRS) makes the part <c>failed</c> with the reason; the batch learns it at finish.
/// </summary>
public sealed class ExportBatchPartActivity(RecordStore<ExportBatch> batches, RecordStore<ExportPart> parts, UsageFileWriter writer, MrsFiles files,
    IExportFailurePoint failures, ILogger<ExportBatchPartActivity> logger) : WorkflowActivity<PartInput, string>
{
    public override async Task<string> RunAsync(WorkflowActivityContext context, PartInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var org = input.Orgcode;
        var loaded = await parts.GetAsync(org, input.PartKey) ?? throw new InvalidOperationException($"part {input.PartKey} is gone");
        if (loaded.Record.Status == ExportPartStatus.Completed)
        {
            return "completed";
        }
        var batch = (await batches.GetAsync(org, input.BatchGuid))?.Record ?? throw new InvalidOperationException($"batch {input.BatchGuid} is gone");
        var part = loaded.Record;
        var attempt = part.Attempts + 1;
        ExportPart next;
        try
        {
            await failures.BeforePartAsync(org, input.BatchGuid, part.App, default);
            var content = await writer.WritePartAsync(org, batch.Dataset, batch.Format, batch.Day, part.App, default);
            var (recordGuid, _) = await files.UploadAsync(org, content.Bytes, "application/octet-stream",
                $"usage-batch-{batch.BatchGuid}-{part.App}.part", ["accounting:export-part", $"batch:{batch.BatchGuid}"],
                $"acc-part:{part.PartKey}:{input.Run}", default);
            next = part with
            {
                Status = ExportPartStatus.Completed, Attempts = attempt, RecordCount = content.RecordCount, SizeBytes = content.Bytes.LongLength,
                Sha256 = content.Sha256, MrsRecordGuid = recordGuid, Error = null,
            };
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Export batch {BatchGuid}: part {App} failed", input.BatchGuid, part.App);
            next = part with { Status = ExportPartStatus.Failed, Attempts = attempt, Error = ex.Message.Length > 500 ? ex.Message[..500] : ex.Message };
        }
        var write = await parts.UpdateAsync(org, loaded, next, "status_changed");
        if (!write.Succeeded)
        {
            throw new InvalidOperationException($"part {input.PartKey} changed while it ran");
        }
        return Retail.Shared.Json.SnakeCase.Name(next.Status);
    }
}

/// <summary>
/// A run's end: with a failed part the batch is <c>failed</c> (partial: the completed parts are kept for the repair); with all
/// parts completed, the header and the parts in app order are assembled into the final file, uploaded, and the batch is
/// <c>completed</c> with its count and SHA-256. Each with <c>export.batch_status_changed</c>.
/// </summary>
public sealed class ExportBatchFinishActivity(RecordStore<ExportBatch> batches, RecordStore<ExportPart> parts, MrsFiles files,
    ILogger<ExportBatchFinishActivity> logger) : WorkflowActivity<BatchInput, string>
{
    public override async Task<string> RunAsync(WorkflowActivityContext context, BatchInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var org = input.Orgcode;
        var loaded = await batches.GetAsync(org, input.BatchGuid) ?? throw new InvalidOperationException($"batch {input.BatchGuid} is gone");
        var batch = loaded.Record;
        if (batch.Status != ExportBatchStatus.Running || batch.Run != input.Run)
        {
            return Retail.Shared.Json.SnakeCase.Name(batch.Status);
        }
        var all = await ExportBatchRules.PartsAsync(parts, org, input.BatchGuid);
        var failed = all.Count(p => p.Status != ExportPartStatus.Completed);
        ExportBatch next;
        if (failed > 0)
        {
            next = batch with { Status = ExportBatchStatus.Failed, PartsFailed = failed, StatusReason = $"{failed} of {all.Count} parts failed" };
        }
        else
        {
            try
            {
                using var buffer = new MemoryStream();
                buffer.Write(UsageFileWriter.Header(batch.Dataset, batch.Format));
                foreach (var part in all.OrderBy(p => p.App, StringComparer.Ordinal))
                {
                    if (part.RecordCount > 0 || part.SizeBytes > 0)
                    {
                        buffer.Write(await files.DownloadAsync(org, part.MrsRecordGuid!, default));
                    }
                }
                var content = new ExportContent(buffer.ToArray(), all.Sum(p => p.RecordCount));
                var name = $"usage-{Retail.Shared.Json.SnakeCase.Name(batch.Dataset).Replace('_', '-')}-{batch.Day:yyyy-MM-dd}" + MrsFiles.ExtensionOf(batch.Format, false);
                var (recordGuid, _) = await files.UploadAsync(org, content.Bytes, MrsFiles.ContentTypeOf(batch.Format, false), name,
                    ["accounting:export-batch", $"batch:{batch.BatchGuid}"], $"acc-batch:{batch.BatchGuid}:{input.Run}", default);
                next = batch with
                {
                    Status = ExportBatchStatus.Completed, PartsFailed = 0, RecordCount = content.RecordCount, SizeBytes = content.Bytes.LongLength,
                    Sha256 = content.Sha256, MrsRecordGuid = recordGuid, FileName = name, StatusReason = null,
                };
            }
            catch (Exception ex) when (ex is ExportFileException or Retail.Shared.Invocation.DependencyUnavailableException or HttpRequestException)
            {
                logger.LogWarning(ex, "Export batch {BatchGuid}: assembling failed", batch.BatchGuid);
                next = batch with { Status = ExportBatchStatus.Failed, PartsFailed = 0, StatusReason = "assembling the file failed: " + ex.Message };
            }
        }
        var write = await batches.UpdateAsync(org, loaded, next, "status_changed",
            [ExportBatchRules.Changed(org, next with { Revision = batch.Revision + 1 })]);
        if (!write.Succeeded)
        {
            throw new InvalidOperationException($"batch {input.BatchGuid} changed while it finished");
        }
        return Retail.Shared.Json.SnakeCase.Name(next.Status);
    }
}

public static class ExportBatchRules
{
    public static DomainEvent Changed(string orgcode, ExportBatch batch) =>
        new(AccountingEvents.ExportBatchStatusChanged, new ExportBatchStatusChanged(orgcode, batch.BatchGuid, batch.Day, batch.Dataset, batch.Format,
            batch.Status, batch.PartsFailed, batch.Sha256, batch.Revision));

    /// <summary>A batch's parts (one per app, so a few dozen at most), through the batch_guid index.</summary>
    public static async Task<IReadOnlyList<ExportPart>> PartsAsync(RecordStore<ExportPart> parts, string orgcode, string batchGuid)
    {
        var all = new List<ExportPart>();
        string? token = null;
        do
        {
            var page = await parts.ListAsync(orgcode, [StateFilter.Eq("batch_guid", batchGuid)], Paging.MaxLimit, token,
                sort: [new StateSort("app")]);
            all.AddRange(page.Items);
            token = page.NextToken;
        }
        while (token is not null);
        return all;
    }
}
