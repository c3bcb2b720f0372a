using System.Collections.Concurrent;
using System.Text.Json;
using Dapr.Workflow;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Retail.Workflows.Embedded;
using Retail.Workflows.Scheduling;
using Retail.Workflows.Tests.Support;

namespace Retail.Workflows.Tests.Engine;

public sealed partial class EngineFeatureTests : IDisposable
{
    private readonly TempDataDir _dir = new();
    private readonly SideEffectLedger _ledger = new();

    public void Dispose() => _dir.Dispose();

    private EngineHost Start(ActivityGate? gate = null, ILoggerProvider? logs = null, Action<WorkflowRuntimeOptions>? extra = null) =>
        EngineHost.Start(_dir.Path, r =>
        {
            r.RegisterWorkflow<ThreeStepWorkflow>();
            r.RegisterWorkflow<TimerSagaWorkflow>();
            r.RegisterWorkflow<EventSagaWorkflow>();
            r.RegisterWorkflow<LateWaiterWorkflow>();
            r.RegisterWorkflow<EventWithTimeoutWorkflow>();
            r.RegisterWorkflow<FanOutWorkflow>();
            r.RegisterWorkflow<RetryWorkflow>();
            r.RegisterWorkflow<CatchFailureWorkflow>();
            r.RegisterWorkflow<UncaughtFailureWorkflow>();
            r.RegisterWorkflow<ParentWorkflow>();
            r.RegisterWorkflow<CounterWorkflow>();
            r.RegisterWorkflow<StatusWorkflow>();
            r.RegisterWorkflow<SenderWorkflow>();
            r.RegisterWorkflow<DeterminismWorkflow>();
            r.RegisterWorkflow<LoggingWorkflow>();
            r.RegisterWorkflow<DetachedStarterWorkflow>();
            r.RegisterWorkflow<RetryingParentWorkflow>();
            r.RegisterWorkflow<WaitingParentWorkflow>();
            r.RegisterActivity<RecordActivity>();
            r.RegisterActivity<BlockingRecordActivity>();
            r.RegisterActivity<FlakyActivity>();
            r.RegisterActivity<EchoKeyActivity>();
            r.RegisterActivity<SquareActivity>();
            extra?.Invoke(r);
        }, s =>
        {
            s.AddSingleton(_ledger);
            s.AddSingleton(gate ?? ActivityGate.Open());
        }, logs);

    private static JsonElement Json<T>(T value) => JsonSerializer.SerializeToElement(value);

    private static T Read<T>(JsonElement? element) => element!.Value.Deserialize<T>(Retail.Shared.Json.RetailJson.Storage)!;

    [Fact]
    public async Task sequential_activities_complete_in_order_with_stable_idempotency_keys()
    {
        await using var host = Start();
        var started = await host.Scheduler.StartAsync(nameof(ThreeStepWorkflow), "seq-1", Json("x"));
        Assert.Equal(WorkflowStartOutcome.Started, started.Outcome);

        var done = await host.WaitForFinishAsync("seq-1");

        Assert.Equal(WorkflowRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal("X-1,X-2,X-3", Read<string>(done.Output));
        Assert.Equal(["seq-1:0", "seq-1:1", "seq-1:2"], _ledger.Applied.Keys.Order());
        Assert.All(_ledger.AllAttempts.Values, n => Assert.Equal(1, n));
    }

    [Fact]
    public async Task wait_for_completion_returns_the_final_status()
    {
        await using var host = Start();
        await host.Scheduler.StartAsync(nameof(FanOutWorkflow), "wait-1", Json(new FanInput(3)));

        var done = await host.Scheduler.WaitForCompletionAsync("wait-1").Within();
        var unknown = await host.Scheduler.WaitForCompletionAsync("nobody");

        Assert.Equal(WorkflowRuntimeStatus.Completed, done!.RuntimeStatus);
        Assert.Equal(14, Read<int>(done.Output));
        Assert.Null(unknown);
    }

    [Fact]
    public async Task starting_a_running_instance_id_again_is_a_duplicate_and_an_unknown_name_is_refused()
    {
        await using var host = Start();
        await host.Scheduler.StartAsync(nameof(EventSagaWorkflow), "dup-1", Json("x"));

        var again = await host.Scheduler.StartAsync(nameof(EventSagaWorkflow), "dup-1", Json("x"));
        var unknown = await host.Scheduler.StartAsync("NoSuchWorkflow", null, null);

        Assert.Equal(WorkflowStartOutcome.Duplicate, again.Outcome);
        Assert.Equal(WorkflowStartOutcome.UnknownWorkflow, unknown.Outcome);
    }

    [Fact]
    public async Task a_failing_activity_is_retried_by_its_policy_under_one_key()
    {
        await using var host = Start();
        await host.Scheduler.StartAsync(nameof(RetryWorkflow), "retry-1", Json(3));

        var done = await host.WaitForFinishAsync("retry-1");

        Assert.Equal(WorkflowRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal(3, Read<int>(done.Output));
        Assert.Equal(3, _ledger.Attempts("retry-1:0"));
    }

    [Fact]
    public async Task retries_stop_at_the_policy_maximum_and_the_failure_is_recorded_with_details()
    {
        await using var host = Start();
        await host.Scheduler.StartAsync(nameof(RetryWorkflow), "retry-2", Json(10));

        var done = await host.WaitForFinishAsync("retry-2");

        Assert.Equal(WorkflowRuntimeStatus.Failed, done.RuntimeStatus);
        Assert.Equal(4, _ledger.Attempts("retry-2:0"));
        Assert.Equal(typeof(WorkflowTaskFailedException).FullName, done.Failure!.ErrorType);
        Assert.Contains("attempt 4 failed", done.Failure.ErrorMessage, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(done.Failure.StackTrace));
        var history = await host.Scheduler.GetHistoryAsync("retry-2");
        var taskFailed = Assert.Single(history!, e => e.Kind == "task_failed");
        Assert.Equal(typeof(InvalidOperationException).FullName, taskFailed.Data!.Value.GetProperty("errorType").GetString());
    }

    [Fact]
    public async Task a_workflow_can_catch_an_activity_failure_and_see_its_details()
    {
        await using var host = Start();
        await host.Scheduler.StartAsync(nameof(CatchFailureWorkflow), "catch-1", Json("x"));

        var done = await host.WaitForFinishAsync("catch-1");

        Assert.Equal(WorkflowRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal($"{typeof(InvalidOperationException).FullName}|attempt 1 failed|True", Read<string>(done.Output));
    }

    [Fact]
    public async Task an_uncaught_activity_failure_fails_the_instance()
    {
        await using var host = Start();
        await host.Scheduler.StartAsync(nameof(UncaughtFailureWorkflow), "fail-1", Json("x"));

        var done = await host.WaitForFinishAsync("fail-1");

        Assert.Equal(WorkflowRuntimeStatus.Failed, done.RuntimeStatus);
        Assert.Contains("FlakyActivity", done.Failure!.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_durable_timer_delays_the_workflow_by_its_own_clock()
    {
        await using var host = Start();
        await host.Scheduler.StartAsync(nameof(TimerSagaWorkflow), "timer-1", Json(150));

        var done = await host.WaitForFinishAsync("timer-1");

        Assert.Equal("waited", Read<string>(done.Output));
        var history = await host.Scheduler.GetHistoryAsync("timer-1");
        Assert.Contains(history!, e => e.Kind == "timer_created");
        Assert.Contains(history!, e => e.Kind == "timer_fired");
    }
}
