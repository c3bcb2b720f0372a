using Dapr.Workflow;
using Microsoft.Extensions.Logging;
using Retail.Pmc.Runs.Activities;

namespace Retail.Pmc.Runs.Workflow;

/// <summary>
/// The workflow's input: the run, the stage it is on (a generation after ContinueAsNew starts there) and how many pages a
/// generation runs before it continues as new.
/// </summary>
public sealed record RunWorkflowInput(string Orgcode, string RunGuid, RunStage Stage, int PagesPerGeneration = PublishRunWorkflow.PagesPerGeneration);

/// <summary>
/// A publish run: select → evaluate → write → manifest → finish, each stage a loop of page activities. Every activity
/// reads the run record for where it stands and commits its page with the run's counts in one ETag-checked batch, so a
/// repeated activity (after a crash) takes up what is left and a cancelled run stops at the next page. Manual runs wait
/// for the <see cref="StepEvent"/> after each stage. The journal is kept short with ContinueAsNew every
/// <see cref="RunWorkflowInput.PagesPerGeneration"/> pages (<see cref="PagesPerGeneration"/> by default), so 100,000 variants do not replay thousands of steps on each page.
/// </summary>
public sealed class PublishRunWorkflow : Workflow<RunWorkflowInput, string>
{
    public const string StepEvent = "step";
    public const int PagesPerGeneration = 100;

    private static readonly WorkflowTaskOptions PageRetry = new(new WorkflowRetryPolicy(
        maxNumberOfAttempts: 6, firstRetryInterval: TimeSpan.FromMilliseconds(500), backoffCoefficient: 2, maxRetryInterval: TimeSpan.FromSeconds(15)));

    public override async Task<string> RunAsync(WorkflowContext context, RunWorkflowInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var logger = context.CreateReplaySafeLogger<PublishRunWorkflow>();
        var stage = input.Stage;
        var page = new RunPageInput(input.Orgcode, input.RunGuid);
        for (var pages = 0; ; pages++)
        {
            if (pages >= Math.Max(1, input.PagesPerGeneration))
            {
                context.ContinueAsNew(input with { Stage = stage });
                return "continued";
            }
            context.SetCustomStatus(new { stage });
            RunPage done;
            try
            {
                done = await context.CallActivityAsync<RunPage>(ActivityOf(stage), page, PageRetry);
            }
            catch (WorkflowTaskFailedException failed)
            {
                logger.LogWarning("Publish run {RunGuid} failed at {Stage}: {Message}", input.RunGuid, stage, failed.Message);
                await context.CallActivityAsync<RunPage>(nameof(FailRunActivity), new FailRunInput(input.Orgcode, input.RunGuid, failed.Message), PageRetry);
                return "failed";
            }
            if (done.Ended)
            {
                return Retail.Shared.Json.SnakeCase.Name(done.Status);
            }
            if (done.Stage != stage)
            {
                stage = done.Stage;
                if (done.AwaitStep)
                {
                    await context.WaitForExternalEventAsync<object?>(StepEvent);
                }
            }
        }
    }

    private static string ActivityOf(RunStage stage) => stage switch
    {
        RunStage.Select => nameof(SelectPageActivity),
        RunStage.Evaluate => nameof(EvaluatePageActivity),
        RunStage.Write => nameof(WritePageActivity),
        RunStage.Manifest => nameof(ManifestPartActivity),
        _ => nameof(FinishRunActivity),
    };
}
