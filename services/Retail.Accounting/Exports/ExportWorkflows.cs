using Dapr.Workflow;
using Microsoft.Extensions.Logging;

namespace Retail.Accounting.Exports;

public sealed record ExportInput(string Orgcode, string ExportGuid);

/// <summary>
/// One export (instance <see cref="Export.InstanceIdOf"/>): a single activity that writes the file, uploads it to MRS under
/// keys derived from the export and records the outcome. Run by the embedded engine (or Dapr), it resumes after a restart; the
/// activity checks the export's status first, so a repeat after a crash finishes it once.
/// </summary>
public sealed class UsageExportWorkflow : Workflow<ExportInput, string>
{
    public static readonly WorkflowTaskOptions Retry = new(new WorkflowRetryPolicy(
        maxNumberOfAttempts: 5, firstRetryInterval: TimeSpan.FromMilliseconds(500), backoffCoefficient: 2, maxRetryInterval: TimeSpan.FromSeconds(30)));

    public override async Task<string> RunAsync(WorkflowContext context, ExportInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.SetCustomStatus(new { step = "export" });
        return await context.CallActivityAsync<string>(nameof(UsageExportActivity), input, Retry);
    }
}

public sealed record BatchInput(string Orgcode, string BatchGuid, int Run);

public sealed record PartInput(string Orgcode, string BatchGuid, string PartKey, int Run);

/// <summary>
/// One run of a day's batch (instance <see cref="ExportBatch.InstanceIdOf"/>, one per run): plan (the first run makes one part
/// per app that had usage that day; a repair keeps them), each part not yet completed, then finish: any failed part leaves the
/// batch <c>failed</c>, else its parts are assembled in app order into the final file.
/// </summary>
public sealed class ExportBatchWorkflow : Workflow<BatchInput, string>
{
    public override async Task<string> RunAsync(WorkflowContext context, BatchInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var logger = context.CreateReplaySafeLogger<ExportBatchWorkflow>();
        context.SetCustomStatus(new { step = "plan" });
        var parts = await context.CallActivityAsync<List<string>>(nameof(ExportBatchPlanActivity), input, UsageExportWorkflow.Retry);
        foreach (var part in parts)
        {
            context.SetCustomStatus(new { step = "part", part });
            await context.CallActivityAsync<string>(nameof(ExportBatchPartActivity), new PartInput(input.Orgcode, input.BatchGuid, part, input.Run),
                UsageExportWorkflow.Retry);
        }
        context.SetCustomStatus(new { step = "finish" });
        var outcome = await context.CallActivityAsync<string>(nameof(ExportBatchFinishActivity), input, UsageExportWorkflow.Retry);
        logger.LogInformation("Export batch {BatchGuid} run {Run}: {Outcome}", input.BatchGuid, input.Run, outcome);
        return outcome;
    }
}
