using System.Collections.Concurrent;
using System.Text.Json;
using Dapr.Workflow;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Retail.Workflows.Embedded;
using Retail.Workflows.Scheduling;
using Retail.Workflows.Tests.Support;

namespace Retail.Workflows.Tests.Engine;

/// <summary>External events, timers, child workflows and the instance lifecycle.</summary>
public sealed partial class EngineFeatureTests
{
    [Fact]
    public async Task an_external_event_resumes_a_waiting_workflow()
    {
        await using var host = Start();
        await host.Scheduler.StartAsync(nameof(EventSagaWorkflow), "event-1", Json("x"));
        await host.WaitForJournalAsync("event-1", h => h.Any(e => e.Kind == "task_completed"));

        var raised = await host.Scheduler.RaiseEventAsync("event-1", "approve", Json("yes"));
        var done = await host.WaitForFinishAsync("event-1");

        Assert.Equal(WorkflowOperationOutcome.Done, raised.Outcome);
        Assert.Equal("yes", Read<string>(done.Output));
    }

    [Fact]
    public async Task an_event_raised_before_the_workflow_waits_for_it_is_kept()
    {
        var gate = new ActivityGate();
        await using var host = Start(gate);
        await host.Scheduler.StartAsync(nameof(LateWaiterWorkflow), "early-1", Json("x"));
        await gate.Entered.Task.Within();

        await host.Scheduler.RaiseEventAsync("early-1", "APPROVE", Json("early"));
        await host.WaitForJournalAsync("early-1", h => h.Any(e => e.Kind == "event_raised"));
        gate.Release.SetResult();
        var done = await host.WaitForFinishAsync("early-1");

        Assert.Equal("early", Read<string>(done.Output));
    }

    [Fact]
    public async Task waiting_for_an_event_times_out_on_a_durable_timer()
    {
        await using var host = Start();
        await host.Scheduler.StartAsync(nameof(EventWithTimeoutWorkflow), "timeout-1", Json(50));

        var done = await host.WaitForFinishAsync("timeout-1");

        Assert.Equal("timed-out", Read<string>(done.Output));
    }

    [Fact]
    public async Task an_event_that_arrives_before_the_timeout_wins()
    {
        await using var host = Start();
        await host.Scheduler.StartAsync(nameof(EventWithTimeoutWorkflow), "timeout-2", Json(60_000));
        await host.WaitForJournalAsync("timeout-2", h => h.Any(e => e.Kind == "timer_created"));

        await host.Scheduler.RaiseEventAsync("timeout-2", "approve", Json("in-time"));
        var done = await host.WaitForFinishAsync("timeout-2");

        Assert.Equal("in-time", Read<string>(done.Output));
    }

    [Fact]
    public async Task send_event_delivers_to_another_instance()
    {
        await using var host = Start();
        await host.Scheduler.StartAsync(nameof(EventWithTimeoutWorkflow), "receiver-1", Json(60_000));
        await host.WaitForJournalAsync("receiver-1", h => h.Any(e => e.Kind == "timer_created"));

        await host.Scheduler.StartAsync(nameof(SenderWorkflow), "sender-1", Json("receiver-1"));
        var done = await host.WaitForFinishAsync("receiver-1");

        Assert.Equal("from-sender", Read<string>(done.Output));
    }

    [Fact]
    public async Task fan_out_and_fan_in_records_the_branches_in_call_order()
    {
        await using var host = Start();
        await host.Scheduler.StartAsync(nameof(FanOutWorkflow), "fan-1", Json(new FanInput(10)));

        var done = await host.WaitForFinishAsync("fan-1");

        Assert.Equal(385, Read<int>(done.Output));
        var history = await host.Scheduler.GetHistoryAsync("fan-1");
        var scheduled = history!.Where(e => e.Kind == "task_scheduled").Select(e => e.TaskId).ToList();
        Assert.Equal(Enumerable.Range(0, 10).Cast<int?>(), scheduled);
        Assert.Equal(10, history!.Count(e => e.Kind == "task_completed"));
    }

    [Fact]
    public async Task child_workflows_return_their_output_and_their_failures_to_the_parent()
    {
        await using var host = Start();
        await host.Scheduler.StartAsync(nameof(ParentWorkflow), "parent-1", Json("kid"));

        var done = await host.WaitForFinishAsync("parent-1");

        Assert.Equal("KID-1,KID-2,KID-3|child-failed", Read<string>(done.Output));
        var child = await host.Scheduler.GetAsync("parent-1:0");
        Assert.Equal(WorkflowRuntimeStatus.Completed, child!.RuntimeStatus);
        Assert.Equal("parent-1", child.ParentInstanceId);
        Assert.Equal(WorkflowRuntimeStatus.Failed, (await host.Scheduler.GetAsync("parent-1:1"))!.RuntimeStatus);
    }

    [Fact]
    public async Task a_child_workflow_is_retried_by_its_policy_over_a_durable_timer()
    {
        await using var host = Start();
        await host.Scheduler.StartAsync(nameof(RetryingParentWorkflow), "retry-parent", Json("x"));

        var done = await host.WaitForFinishAsync("retry-parent");

        Assert.Equal("gave-up", Read<string>(done.Output));
        var history = await host.Scheduler.GetHistoryAsync("retry-parent");
        Assert.Equal(2, history!.Count(e => e.Kind == "child_created"));
        Assert.Equal(1, history!.Count(e => e.Kind == "timer_created"));
    }

    [Fact]
    public async Task terminating_a_parent_terminates_its_running_child()
    {
        await using var host = Start();
        await host.Scheduler.StartAsync(nameof(WaitingParentWorkflow), "term-parent", Json("x"));
        await host.WaitForStatusAsync("term-parent:0", WorkflowRuntimeStatus.Running);

        await host.Scheduler.TerminateAsync("term-parent", null);

        Assert.Equal(WorkflowRuntimeStatus.Terminated, (await host.Scheduler.GetAsync("term-parent"))!.RuntimeStatus);
        Assert.Equal(WorkflowRuntimeStatus.Terminated, (await host.Scheduler.GetAsync("term-parent:0"))!.RuntimeStatus);
    }

    [Fact]
    public async Task a_detached_workflow_runs_on_its_own_without_a_parent()
    {
        await using var host = Start();
        await host.Scheduler.StartAsync(nameof(DetachedStarterWorkflow), "starter-1", Json("d"));

        var starter = await host.WaitForFinishAsync("starter-1");
        var detached = await host.WaitForFinishAsync("d-detached");

        Assert.Equal("d-detached", Read<string>(starter.Output));
        Assert.Equal("D-1,D-2,D-3", Read<string>(detached.Output));
        Assert.Null(detached.ParentInstanceId);
    }

    [Fact]
    public async Task continue_as_new_restarts_with_a_fresh_journal_and_new_keys()
    {
        await using var host = Start();
        await host.Scheduler.StartAsync(nameof(CounterWorkflow), "counter-1", Json(0));

        var done = await host.WaitForFinishAsync("counter-1");

        Assert.Equal(3, Read<int>(done.Output));
        Assert.Equal(3, Read<int>(done.Input));
        Assert.Equal(["counter-1:0", "counter-1:1:0", "counter-1:2:0", "counter-1:3:0"], _ledger.Applied.Keys.Order(StringComparer.Ordinal));
        var history = await host.Scheduler.GetHistoryAsync("counter-1");
        Assert.Single(history!, e => e.Kind == "execution_started");
    }

    [Fact]
    public async Task custom_status_is_visible_while_running_and_after_completion()
    {
        await using var host = Start();
        await host.Scheduler.StartAsync(nameof(StatusWorkflow), "status-1", Json("x"));
        await host.WaitForJournalAsync("status-1", h => h.Count > 0);
        var waiting = await host.WaitForStatusAsync("status-1", WorkflowRuntimeStatus.Running);

        await host.Scheduler.RaiseEventAsync("status-1", "go", Json("went"));
        var done = await host.WaitForFinishAsync("status-1");

        Assert.Equal("waiting", waiting.CustomStatus!.Value.GetProperty("stage").GetString());
        Assert.Equal("done", done.CustomStatus!.Value.GetProperty("stage").GetString());
    }

    [Fact]
    public async Task new_guid_and_current_time_are_the_same_on_every_replay()
    {
        await using var host = Start();
        await host.Scheduler.StartAsync(nameof(DeterminismWorkflow), "det-1", Json("x"));

        var done = await host.WaitForFinishAsync("det-1");
        var result = Read<DeterminismResult>(done.Output);

        Assert.Equal($"det-1|det-1:0|{result.First}|{result.StartedAtTicks}", result.ActivityEcho);
        Assert.NotEqual(result.First, result.Second);
        Assert.NotEqual(Guid.Empty, result.First);
    }

    [Fact]
    public async Task the_replay_safe_logger_writes_each_line_once_and_is_replaying_tells_replays_apart()
    {
        var logs = new CapturingLoggerProvider();
        await using var host = Start(logs: logs);
        await host.Scheduler.StartAsync(nameof(LoggingWorkflow), "log-1", Json("x"));

        var done = await host.WaitForFinishAsync("log-1");

        // The output is written by the last replay: the first two points were replayed, the last ran new.
        Assert.Equal("True,True,False", Read<string>(done.Output));
        Assert.Single(logs.Messages, m => m.StartsWith("saga started", StringComparison.Ordinal));
        Assert.Single(logs.Messages, m => m == "saga finished");
    }

    [Fact]
    public async Task suspend_holds_an_instance_and_resume_lets_it_finish()
    {
        await using var host = Start();
        await host.Scheduler.StartAsync(nameof(StatusWorkflow), "suspend-1", Json("x"));
        await host.WaitForStatusAsync("suspend-1", WorkflowRuntimeStatus.Running);

        var suspended = await host.Scheduler.SuspendAsync("suspend-1", "maintenance");
        await host.Scheduler.RaiseEventAsync("suspend-1", "go", Json("later"));
        var held = await host.Scheduler.GetAsync("suspend-1");
        var resumed = await host.Scheduler.ResumeAsync("suspend-1", null);
        var done = await host.WaitForFinishAsync("suspend-1");

        Assert.Equal(WorkflowOperationOutcome.Done, suspended.Outcome);
        Assert.Equal(WorkflowRuntimeStatus.Suspended, held!.RuntimeStatus);
        Assert.Equal(WorkflowOperationOutcome.Done, resumed.Outcome);
        Assert.Equal("later", Read<string>(done.Output));
    }

    [Fact]
    public async Task terminate_ends_an_instance_and_purge_removes_it()
    {
        await using var host = Start();
        await host.Scheduler.StartAsync(nameof(StatusWorkflow), "term-1", Json("x"));

        var purgeWhileRunning = await host.Scheduler.PurgeAsync("term-1");
        var terminated = await host.Scheduler.TerminateAsync("term-1", Json("stopped"));
        var status = await host.Scheduler.GetAsync("term-1");
        var resume = await host.Scheduler.ResumeAsync("term-1", null);
        var raise = await host.Scheduler.RaiseEventAsync("term-1", "go", null);
        var purged = await host.Scheduler.PurgeAsync("term-1");

        Assert.Equal(WorkflowOperationOutcome.InvalidTransition, purgeWhileRunning.Outcome);
        Assert.Equal(WorkflowOperationOutcome.Done, terminated.Outcome);
        Assert.Equal(WorkflowRuntimeStatus.Terminated, status!.RuntimeStatus);
        Assert.Equal("stopped", Read<string>(status.Output));
        Assert.Equal(WorkflowOperationOutcome.InvalidTransition, resume.Outcome);
        Assert.Equal(WorkflowOperationOutcome.InvalidTransition, raise.Outcome);
        Assert.Equal(WorkflowOperationOutcome.Done, purged.Outcome);
        Assert.Null(await host.Scheduler.GetAsync("term-1"));
        Assert.Null(await host.Scheduler.GetHistoryAsync("term-1"));
        Assert.Equal(WorkflowOperationOutcome.NotFound, (await host.Scheduler.SuspendAsync("term-1", null)).Outcome);
    }

    [Fact]
    public async Task a_finished_instance_id_can_be_started_again()
    {
        await using var host = Start();
        await host.Scheduler.StartAsync(nameof(ThreeStepWorkflow), "again-1", Json("a"));
        await host.WaitForFinishAsync("again-1");

        var second = await host.Scheduler.StartAsync(nameof(ThreeStepWorkflow), "again-1", Json("b"));
        var done = await host.WaitForStatusAsync("again-1", WorkflowRuntimeStatus.Completed);

        Assert.Equal(WorkflowStartOutcome.Started, second.Outcome);
        Assert.Equal("B-1,B-2,B-3", Read<string>(done.Output));
    }

    [Fact]
    public async Task list_pages_through_instances_in_a_stable_order()
    {
        await using var host = Start();
        foreach (var id in new[] { "list-c", "list-a", "list-b" })
        {
            await host.Scheduler.StartAsync(nameof(StatusWorkflow), id, Json("x"));
        }

        var first = await host.Scheduler.ListAsync(new WorkflowListQuery(Limit: 2));
        var second = await host.Scheduler.ListAsync(new WorkflowListQuery(Limit: 2, NextToken: first.NextToken));
        var byName = await host.Scheduler.ListAsync(new WorkflowListQuery(Name: nameof(ThreeStepWorkflow)));

        Assert.Equal(["list-a", "list-b"], first.Items.Select(i => i.InstanceId));
        Assert.Equal(["list-c"], second.Items.Select(i => i.InstanceId));
        Assert.Null(second.NextToken);
        Assert.Empty(byName.Items);
    }
}

internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<string> Messages { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Capturing(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Capturing(CapturingLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (category.Contains("LoggingWorkflow", StringComparison.Ordinal))
            {
                provider.Messages.Enqueue(formatter(state, exception));
            }
        }
    }
}
