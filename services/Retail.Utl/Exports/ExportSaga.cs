using Dapr.Workflow;
using Microsoft.Extensions.Options;
using Retail.Shared.Json;
using Retail.Utl.Sources;

namespace Retail.Utl.Exports;

public sealed record ExportInput(string ExportGuid, string Orgcode, IReadOnlyList<string> Services);

public sealed record ExportServiceInput(string ExportGuid, string Orgcode, string App);

public sealed record ExportFailInput(string ExportGuid, string Failure);

/// <summary>The steps of an export, shared by <see cref="ExportWorkflow"/> and the offboarding: one activity per service, then the manifest.</summary>
public static class ExportSteps
{
    public static readonly WorkflowTaskOptions Retry = new(new WorkflowRetryPolicy(
        maxNumberOfAttempts: 8, firstRetryInterval: TimeSpan.FromMilliseconds(500), backoffCoefficient: 2, maxRetryInterval: TimeSpan.FromSeconds(30)));

    /// <summary>Runs the export; answers the manifest's SHA-256, or throws when a step failed for good (the export is marked failed).</summary>
    public static async Task<string> RunAsync(WorkflowContext context, ExportInput input)
    {
        try
        {
            foreach (var app in input.Services)
            {
                context.SetCustomStatus(new { step = "export", app });
                await context.CallActivityAsync<ExportService>(nameof(ExportServiceActivity), new ExportServiceInput(input.ExportGuid, input.Orgcode, app), Retry);
            }
            context.SetCustomStatus(new { step = "manifest" });
            return await context.CallActivityAsync<string>(nameof(WriteManifestActivity), input, Retry);
        }
        catch (WorkflowTaskFailedException e)
        {
            await context.CallActivityAsync<string>(nameof(FailExportActivity), new ExportFailInput(input.ExportGuid, e.Message), Retry);
            throw;
        }
    }
}

/// <summary>An export requested through /export/request (instance <see cref="Export.InstanceIdOf"/>), resumable after a restart.</summary>
public sealed class ExportWorkflow : Workflow<ExportInput, string>
{
    public override Task<string> RunAsync(WorkflowContext context, ExportInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        return ExportSteps.RunAsync(context, input);
    }
}

/// <summary>
/// One service's share: pages through its /orgdata/export, writes gzip NDJSON parts to the org's MRS (keys derived from the
/// export, the part and its content, so a step run again after a crash stores the same files once) and records the files
/// and count on the export. A service already done is not exported again.
/// </summary>
public sealed class ExportServiceActivity(RecordStore<Export> exports, UtlCalls calls, IOptions<UtlOptions> options) : WorkflowActivity<ExportServiceInput, ExportService>
{
    public override async Task<ExportService> RunAsync(WorkflowActivityContext context, ExportServiceInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var export = (await exports.GetAsync(null, input.ExportGuid))?.Record ?? throw new InvalidOperationException($"export {input.ExportGuid} is gone");
        if (export.Services.FirstOrDefault(s => s.App == input.App) is { Status: "done" } done)
        {
            return done;
        }
        var settings = options.Value;
        var parts = new ExportParts(settings.MaxPartBytes);
        var files = new List<ExportFile>();
        long total = 0;
        string? part = null;
        string? token = null;
        while (true)
        {
            var page = await calls.ExportPageAsync(input.Orgcode, input.App, part, token, settings.ExportPageSize, CancellationToken.None);
            foreach (var item in page.Items)
            {
                if (parts.Add(item) is { } closed)
                {
                    files.Add(await StoreAsync(input, closed));
                }
                total++;
            }
            if (page.NextToken is null && page.NextPart is null)
            {
                break;
            }
            part = page.NextPart ?? part;
            token = page.NextToken;
        }
        if (parts.Finish() is { } last)
        {
            files.Add(await StoreAsync(input, last));
        }
        var result = new ExportService(input.App, "done", total, files);
        await UtlRecords.ChangeAsync(exports, input.ExportGuid, e =>
            (e with { Services = [.. e.Services.Select(s => s.App == input.App ? result : s)] }, null));
        return result;
    }

    private async Task<ExportFile> StoreAsync(ExportServiceInput input, ExportPart part)
    {
        var gzip = UtlCalls.Gzip(part.Ndjson);
        var sha = UtlCalls.Sha256(gzip);
        var name = ExportParts.FileName(input.App, part.Number);
        var guid = await calls.UploadAsync(input.Orgcode, gzip, "application/gzip", $"export-{input.ExportGuid}/{name}",
            $"utl-export:{input.ExportGuid}:{input.App}:{part.Number}:{sha[..16]}", CancellationToken.None);
        return new ExportFile(name, guid, part.Records, sha, gzip.LongLength);
    }
}

/// <summary>Writes the manifest (every file with its count and SHA-256) to MRS, completes the export and publishes export.completed.</summary>
public sealed class WriteManifestActivity(RecordStore<Export> exports, UtlCalls calls, TimeProvider clock) : WorkflowActivity<ExportInput, string>
{
    public override async Task<string> RunAsync(WorkflowActivityContext context, ExportInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var export = (await exports.GetAsync(null, input.ExportGuid))?.Record ?? throw new InvalidOperationException($"export {input.ExportGuid} is gone");
        if (export is { Status: ExportStatus.Completed, ManifestSha256: { } sha })
        {
            return sha;
        }
        var total = export.Services.Sum(s => s.Records);
        var manifest = new ExportManifest(export.ExportGuid, export.Orgcode, export.CreatedAt, total, export.Services);
        var gzip = UtlCalls.Gzip(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(manifest, RetailJson.Storage));
        var manifestSha = UtlCalls.Sha256(gzip);
        var guid = await calls.UploadAsync(export.Orgcode, gzip, "application/gzip", $"export-{export.ExportGuid}/manifest.json.gz",
            $"utl-export:{export.ExportGuid}:manifest:{manifestSha[..16]}", CancellationToken.None);
        var now = clock.GetUtcNow();
        await UtlRecords.ChangeAsync(exports, input.ExportGuid, e => e.Status == ExportStatus.Completed ? null :
            (e with { Status = ExportStatus.Completed, ManifestRecordGuid = guid, ManifestSha256 = manifestSha, TotalRecords = total, CompletedAt = now },
                [new DomainEvent(UtlEvents.ExportCompleted,
                    new ExportCompleted(e.Orgcode, e.ExportGuid, total, e.Services.Sum(s => s.Files.Count), manifestSha, e.OffboardingGuid),
                    $"export/{e.ExportGuid}")]), "status_changed");
        return manifestSha;
    }
}

public sealed class FailExportActivity(RecordStore<Export> exports) : WorkflowActivity<ExportFailInput, string>
{
    public override async Task<string> RunAsync(WorkflowActivityContext context, ExportFailInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var failure = input.Failure.Length > 1000 ? input.Failure[..1000] : input.Failure;
        await UtlRecords.ChangeAsync(exports, input.ExportGuid, e => e.Status != ExportStatus.Running ? null
            : (e with { Status = ExportStatus.Failed, Failure = failure }, null), "status_changed");
        return "failed";
    }
}
