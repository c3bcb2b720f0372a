using System.Text.Json;
using Dapr.Workflow;
using Microsoft.Extensions.DependencyInjection;
using Retail.Workflows.Tests.Support;

namespace Retail.Workflows.Tests.Engine;

/// <summary>
/// Kill the engine in the middle of a saga, start a new one on the same data folder, and the saga completes with
/// each side effect applied once (activities that were in flight run again; their idempotency key dedupes them).
/// </summary>
public sealed class CrashRecoveryTests : IDisposable
{
    private readonly TempDataDir _dir = new();
    private readonly SideEffectLedger _ledger = new();

    public void Dispose() => _dir.Dispose();

    private EngineHost Start(ActivityGate gate) => EngineHost.Start(_dir.Path, r =>
    {
        r.RegisterWorkflow<CrashDuringActivityWorkflow>();
        r.RegisterWorkflow<TimerSagaWorkflow>();
        r.RegisterWorkflow<EventSagaWorkflow>();
        r.RegisterActivity<RecordActivity>();
        r.RegisterActivity<BlockingRecordActivity>();
    }, s =>
    {
        s.AddSingleton(_ledger);
        s.AddSingleton(gate);
    });

    private void AssertEachEffectAppliedOnce(int expectedEffects)
    {
        Assert.Equal(expectedEffects, _ledger.Applied.Count);
        Assert.Equal(_ledger.Applied.Count, _ledger.Applied.Values.Distinct().Count());
    }

    [Fact]
    public async Task a_crash_during_an_activity_runs_that_activity_again_and_nothing_before_it()
    {
        var stuck = new ActivityGate();
        var first = Start(stuck);
        await first.Scheduler.StartAsync(nameof(CrashDuringActivityWorkflow), "crash-activity", JsonSerializer.SerializeToElement("o"));
        await stuck.Entered.Task.Within();

        first.Kill();
        stuck.Release.SetResult(); // the abandoned attempt finishes, but may no longer write to the journal
        await first.DisposeAsync();

        await using var second = Start(ActivityGate.Open());
        var done = await second.WaitForFinishAsync("crash-activity");

        Assert.Equal(WorkflowRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal("O-1,O-2,O-3", done.Output!.Value.GetString());
        Assert.Equal(1, _ledger.Attempts("crash-activity:0"));
        Assert.Equal(2, _ledger.Attempts("crash-activity:1"));
        Assert.Equal(1, _ledger.Attempts("crash-activity:2"));
        AssertEachEffectAppliedOnce(3);
    }

    [Fact]
    public async Task a_crash_while_a_timer_waits_fires_the_timer_after_the_restart()
    {
        var first = Start(ActivityGate.Open());
        await first.Scheduler.StartAsync(nameof(TimerSagaWorkflow), "crash-timer", JsonSerializer.SerializeToElement(300));
        await first.WaitForJournalAsync("crash-timer", h => h.Any(e => e.Kind == "timer_created"));

        first.Kill();
        await first.DisposeAsync();

        await using var second = Start(ActivityGate.Open());
        var done = await second.WaitForFinishAsync("crash-timer");

        Assert.Equal(WorkflowRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal("waited", done.Output!.Value.GetString());
        Assert.Equal(1, _ledger.Attempts("crash-timer:0"));
        Assert.Equal(1, _ledger.Attempts("crash-timer:2"));
        AssertEachEffectAppliedOnce(2);
    }

    [Fact]
    public async Task a_crash_while_waiting_for_an_event_keeps_waiting_and_the_event_completes_it()
    {
        var first = Start(ActivityGate.Open());
        await first.Scheduler.StartAsync(nameof(EventSagaWorkflow), "crash-event", JsonSerializer.SerializeToElement("x"));
        await first.WaitForJournalAsync("crash-event", h => h.Any(e => e.Kind == "task_completed"));

        first.Kill();
        await first.DisposeAsync();

        await using var second = Start(ActivityGate.Open());
        await second.Scheduler.RaiseEventAsync("crash-event", "approve", JsonSerializer.SerializeToElement("after-restart"));
        var done = await second.WaitForFinishAsync("crash-event");

        Assert.Equal("after-restart", done.Output!.Value.GetString());
        Assert.Equal(1, _ledger.Attempts("crash-event:0"));
        Assert.Equal(1, _ledger.Attempts("crash-event:1"));
        AssertEachEffectAppliedOnce(2);
    }

    [Fact]
    public async Task an_event_raised_just_before_a_crash_is_not_lost()
    {
        var first = Start(ActivityGate.Open());
        await first.Scheduler.StartAsync(nameof(EventSagaWorkflow), "crash-raised", JsonSerializer.SerializeToElement("x"));
        await first.WaitForJournalAsync("crash-raised", h => h.Any(e => e.Kind == "task_completed"));

        first.Engine.Kill();
        await first.DisposeAsync();
        await using (var offline = Start(ActivityGate.Open()))
        {
            await offline.Scheduler.RaiseEventAsync("crash-raised", "approve", JsonSerializer.SerializeToElement("kept"));
            offline.Kill();
        }

        await using var third = Start(ActivityGate.Open());
        var done = await third.WaitForFinishAsync("crash-raised");

        Assert.Equal("kept", done.Output!.Value.GetString());
        AssertEachEffectAppliedOnce(2);
    }
}
