using Dapr.Workflow;

namespace Retail.Pmc.Runs.Activities;

public sealed record FailRunInput(string Orgcode, string RunGuid, string Failure);

/// <summary>A stage that kept failing after its retries: the run is marked failed with why (nothing of it goes online).</summary>
public sealed class FailRunActivity(RunLedger ledger) : WorkflowActivity<FailRunInput, RunPage>
{
    public override async Task<RunPage> RunAsync(WorkflowActivityContext context, FailRunInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        for (var attempt = 0; attempt < RunLedger.Attempts; attempt++)
        {
            var loaded = await ledger.Runs.GetAsync(input.Orgcode, input.RunGuid);
            if (loaded is null || loaded.Record.IsFinished)
            {
                return loaded is null ? new RunPage(RunStage.Done, RunStatus.Failed, false, true) : RunLedger.Where(loaded.Record);
            }
            var failed = loaded.Record with
            {
                Status = RunStatus.Failed,
                Failure = input.Failure.Length > 1000 ? input.Failure[..1000] : input.Failure,
                FinishedAt = ledger.Now,
            };
            var write = await ledger.Runs.UpdateAsync(input.Orgcode, loaded, failed, "status_changed",
                [RunLedger.Changed(PmcEvents.RunFinished, input.Orgcode, failed)]);
            if (write.Succeeded)
            {
                return RunLedger.Where(write.Record!);
            }
        }
        throw new InvalidOperationException($"publish run {input.RunGuid} kept changing while it was marked failed");
    }
}
