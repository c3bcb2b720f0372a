using System.Text.Json;
using Dapr.Workflow;
using Microsoft.Extensions.DependencyInjection;
using Retail.Workflows.Embedded;
using Retail.Workflows.Tests.Support;

namespace Retail.Workflows.Tests.Engine;

/// <summary>New code over old journals: IsPatched keeps running instances on their path; unguarded changes fail loudly.</summary>
public sealed class VersioningTests : IDisposable
{
    private const string FlowName = "OrderFlow";
    private readonly TempDataDir _dir = new();
    private readonly SideEffectLedger _ledger = new();

    public void Dispose() => _dir.Dispose();

    private EngineHost Deploy<TWorkflow>() where TWorkflow : class, IWorkflow => EngineHost.Start(_dir.Path, r =>
    {
        r.RegisterWorkflow<TWorkflow>(FlowName);
        r.RegisterActivity<RecordActivity>();
        r.RegisterActivity<EchoKeyActivity>();
    }, s => s.AddSingleton(_ledger));

    private async Task StartOnV1(string instanceId)
    {
        await using var v1 = Deploy<OrderFlowV1>();
        await v1.Scheduler.StartAsync(FlowName, instanceId, JsonSerializer.SerializeToElement("x"));
        await v1.WaitForJournalAsync(instanceId, h => h.Any(e => e.Kind == "task_completed"));
    }

    [Fact]
    public async Task is_patched_is_false_for_an_instance_that_ran_past_the_patch_and_true_for_new_ones()
    {
        await StartOnV1("old-run");
        await using var v2 = Deploy<OrderFlowV2Patched>();

        await v2.Scheduler.RaiseEventAsync("old-run", "go", JsonSerializer.SerializeToElement("go"));
        var old = await v2.WaitForFinishAsync("old-run");
        await v2.Scheduler.StartAsync(FlowName, "new-run", JsonSerializer.SerializeToElement("x"));
        await v2.WaitForJournalAsync("new-run", h => h.Count(e => e.Kind == "task_completed") == 2);
        await v2.Scheduler.RaiseEventAsync("new-run", "go", JsonSerializer.SerializeToElement("go"));
        var fresh = await v2.WaitForFinishAsync("new-run");

        Assert.Equal("go|patched=False", old.Output!.Value.GetString());
        Assert.Equal("go|patched=True", fresh.Output!.Value.GetString());
        Assert.Equal(0, _ledger.Attempts("old-run:1"));
        Assert.Equal(1, _ledger.Attempts("new-run:1"));
    }

    [Fact]
    public async Task an_unguarded_new_step_fails_the_instance_with_a_non_determinism_error()
    {
        await StartOnV1("drift-1");
        await using var v3 = Deploy<OrderFlowV3Unpatched>();

        await v3.Scheduler.RaiseEventAsync("drift-1", "go", JsonSerializer.SerializeToElement("go"));
        var done = await v3.WaitForFinishAsync("drift-1");

        Assert.Equal(WorkflowRuntimeStatus.Failed, done.RuntimeStatus);
        Assert.Equal(typeof(NonDeterministicWorkflowException).FullName, done.Failure!.ErrorType);
        Assert.Contains("RecordActivity", done.Failure.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_replay_that_calls_a_different_activity_fails_with_a_non_determinism_error()
    {
        await StartOnV1("drift-2");
        await using var v4 = Deploy<OrderFlowV4Renamed>();

        await v4.Scheduler.RaiseEventAsync("drift-2", "go", JsonSerializer.SerializeToElement("go"));
        var done = await v4.WaitForFinishAsync("drift-2");

        Assert.Equal(WorkflowRuntimeStatus.Failed, done.RuntimeStatus);
        Assert.Equal(typeof(NonDeterministicWorkflowException).FullName, done.Failure!.ErrorType);
        Assert.Contains("'RecordActivity' at step #0", done.Failure.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("'EchoKeyActivity'", done.Failure.ErrorMessage, StringComparison.Ordinal);
    }
}
