using Dapr.Workflow;
using Microsoft.Extensions.Logging;

namespace Retail.Workflows.Tests.Support;

// Small workflows and activities that exercise one engine feature each.

public sealed class RecordActivity(SideEffectLedger ledger) : WorkflowActivity<string, string>
{
    public override Task<string> RunAsync(WorkflowActivityContext context, string input)
    {
        ledger.Apply(context.TaskExecutionKey, input);
        return Task.FromResult(input.ToUpperInvariant());
    }
}

/// <summary>Applies its effect, then waits on the gate: a crash while it waits is a crash after the effect, before the result is journaled.</summary>
public sealed class BlockingRecordActivity(SideEffectLedger ledger, ActivityGate gate) : WorkflowActivity<string, string>
{
    public override async Task<string> RunAsync(WorkflowActivityContext context, string input)
    {
        ledger.Apply(context.TaskExecutionKey, input);
        gate.Entered.TrySetResult();
        await gate.Release.Task;
        return input.ToUpperInvariant();
    }
}

/// <summary>Fails until it has been attempted <c>input</c> times for the same key.</summary>
public sealed class FlakyActivity(SideEffectLedger ledger) : WorkflowActivity<int, int>
{
    public override Task<int> RunAsync(WorkflowActivityContext context, int input)
    {
        ledger.Apply(context.TaskExecutionKey, "attempt");
        var attempts = ledger.Attempts(context.TaskExecutionKey);
        if (attempts < input)
        {
            throw new InvalidOperationException($"attempt {attempts} failed");
        }
        return Task.FromResult(attempts);
    }
}

public sealed class EchoKeyActivity : WorkflowActivity<string, string>
{
    public override Task<string> RunAsync(WorkflowActivityContext context, string input) =>
        Task.FromResult($"{context.InstanceId}|{context.TaskExecutionKey}|{input}");
}

public sealed class ThreeStepWorkflow : Workflow<string, string>
{
    public override async Task<string> RunAsync(WorkflowContext context, string input)
    {
        var a = await context.CallActivityAsync<string>(nameof(RecordActivity), input + "-1");
        var b = await context.CallActivityAsync<string>(nameof(RecordActivity), input + "-2");
        var c = await context.CallActivityAsync<string>(nameof(RecordActivity), input + "-3");
        return string.Join(",", a, b, c);
    }
}

public sealed class CrashDuringActivityWorkflow : Workflow<string, string>
{
    public override async Task<string> RunAsync(WorkflowContext context, string input)
    {
        var a = await context.CallActivityAsync<string>(nameof(RecordActivity), input + "-1");
        var b = await context.CallActivityAsync<string>(nameof(BlockingRecordActivity), input + "-2");
        var c = await context.CallActivityAsync<string>(nameof(RecordActivity), input + "-3");
        return string.Join(",", a, b, c);
    }
}

public sealed class TimerSagaWorkflow : Workflow<int, string>
{
    public override async Task<string> RunAsync(WorkflowContext context, int delayMs)
    {
        var before = context.CurrentUtcDateTime;
        await context.CallActivityAsync<string>(nameof(RecordActivity), "before-timer");
        await context.CreateTimer(TimeSpan.FromMilliseconds(delayMs));
        await context.CallActivityAsync<string>(nameof(RecordActivity), "after-timer");
        return context.CurrentUtcDateTime - before >= TimeSpan.FromMilliseconds(delayMs) ? "waited" : "too-early";
    }
}

public sealed class EventSagaWorkflow : Workflow<string, string>
{
    public override async Task<string> RunAsync(WorkflowContext context, string input)
    {
        await context.CallActivityAsync<string>(nameof(RecordActivity), "before-event");
        var approval = await context.WaitForExternalEventAsync<string>("approve");
        await context.CallActivityAsync<string>(nameof(RecordActivity), "after-event:" + approval);
        return approval;
    }
}

/// <summary>Holds on an activity first, so a test can raise the event before the workflow waits for it.</summary>
public sealed class LateWaiterWorkflow : Workflow<string, string>
{
    public override async Task<string> RunAsync(WorkflowContext context, string input)
    {
        await context.CallActivityAsync<string>(nameof(BlockingRecordActivity), "hold");
        return await context.WaitForExternalEventAsync<string>("approve");
    }
}

public sealed class EventWithTimeoutWorkflow : Workflow<int, string>
{
    public override async Task<string> RunAsync(WorkflowContext context, int timeoutMs)
    {
        try
        {
            return await context.WaitForExternalEventAsync<string>("approve", TimeSpan.FromMilliseconds(timeoutMs));
        }
        catch (TaskCanceledException)
        {
            return "timed-out";
        }
    }
}

public sealed record FanInput(int Count);

public sealed class SquareActivity : WorkflowActivity<int, int>
{
    public override Task<int> RunAsync(WorkflowActivityContext context, int input) => Task.FromResult(input * input);
}

public sealed class FanOutWorkflow : Workflow<FanInput, int>
{
    public override async Task<int> RunAsync(WorkflowContext context, FanInput input)
    {
        var tasks = Enumerable.Range(1, input.Count).Select(i => context.CallActivityAsync<int>(nameof(SquareActivity), i)).ToList();
        var results = await Task.WhenAll(tasks);
        return results.Sum();
    }
}

public sealed class RetryWorkflow : Workflow<int, int>
{
    private static readonly WorkflowTaskOptions Retry = new(new WorkflowRetryPolicy(maxNumberOfAttempts: 4, firstRetryInterval: TimeSpan.FromMilliseconds(10)));

    public override Task<int> RunAsync(WorkflowContext context, int failuresBeforeSuccess) =>
        context.CallActivityAsync<int>(nameof(FlakyActivity), failuresBeforeSuccess, Retry);
}

public sealed class CatchFailureWorkflow : Workflow<string, string>
{
    public override async Task<string> RunAsync(WorkflowContext context, string input)
    {
        try
        {
            await context.CallActivityAsync<int>(nameof(FlakyActivity), 99);
            return "no-failure";
        }
        catch (WorkflowTaskFailedException ex)
        {
            return $"{ex.FailureDetails.ErrorType}|{ex.FailureDetails.ErrorMessage}|{ex.FailureDetails.IsCausedBy<InvalidOperationException>()}";
        }
    }
}

public sealed class UncaughtFailureWorkflow : Workflow<string, string>
{
    public override async Task<string> RunAsync(WorkflowContext context, string input)
    {
        await context.CallActivityAsync<int>(nameof(FlakyActivity), 99);
        return "unreachable";
    }
}

public sealed class ParentWorkflow : Workflow<string, string>
{
    public override async Task<string> RunAsync(WorkflowContext context, string input)
    {
        var child = await context.CallChildWorkflowAsync<string>(nameof(ThreeStepWorkflow), input);
        try
        {
            await context.CallChildWorkflowAsync<string>(nameof(UncaughtFailureWorkflow), input);
            return child + "|child-did-not-fail";
        }
        catch (WorkflowTaskFailedException)
        {
            return child + "|child-failed";
        }
    }
}

public sealed class CounterWorkflow : Workflow<int, int>
{
    public override async Task<int> RunAsync(WorkflowContext context, int count)
    {
        await context.CallActivityAsync<string>(nameof(RecordActivity), $"count-{count}");
        if (count < 3)
        {
            context.ContinueAsNew(count + 1);
        }
        return count;
    }
}

public sealed class StatusWorkflow : Workflow<string, string>
{
    public override async Task<string> RunAsync(WorkflowContext context, string input)
    {
        context.SetCustomStatus(new { stage = "waiting" });
        var value = await context.WaitForExternalEventAsync<string>("go");
        context.SetCustomStatus(new { stage = "done" });
        return value;
    }
}

public sealed class SenderWorkflow : Workflow<string, string>
{
    public override Task<string> RunAsync(WorkflowContext context, string target)
    {
        context.SendEvent(target, "approve", "from-sender");
        return Task.FromResult("sent");
    }
}

public sealed record DeterminismResult(Guid First, Guid Second, string ActivityEcho, long StartedAtTicks);

public sealed class DeterminismWorkflow : Workflow<string, DeterminismResult>
{
    public override async Task<DeterminismResult> RunAsync(WorkflowContext context, string input)
    {
        var first = context.NewGuid();
        var startedAt = context.CurrentUtcDateTime;
        // The activity sees the values of the first run; the result holds those of the last replay.
        var echo = await context.CallActivityAsync<string>(nameof(EchoKeyActivity), $"{first}|{startedAt.Ticks}");
        await context.CreateTimer(TimeSpan.FromMilliseconds(20));
        var second = context.NewGuid();
        return new DeterminismResult(first, second, echo, startedAt.Ticks);
    }
}

public sealed class LoggingWorkflow : Workflow<string, string>
{
    public override async Task<string> RunAsync(WorkflowContext context, string input)
    {
        var logger = context.CreateReplaySafeLogger<LoggingWorkflow>();
        logger.LogInformation("saga started {Input}", input);
        var replayFlags = new List<bool> { context.IsReplaying };
        await context.CallActivityAsync<string>(nameof(RecordActivity), "one");
        replayFlags.Add(context.IsReplaying);
        await context.CallActivityAsync<string>(nameof(RecordActivity), "two");
        replayFlags.Add(context.IsReplaying);
        logger.LogInformation("saga finished");
        return string.Join(",", replayFlags);
    }
}

// Versions of one workflow, registered under the same name by different "deployments".

public sealed class OrderFlowV1 : Workflow<string, string>
{
    public override async Task<string> RunAsync(WorkflowContext context, string input)
    {
        await context.CallActivityAsync<string>(nameof(RecordActivity), "a");
        return await context.WaitForExternalEventAsync<string>("go");
    }
}

public sealed class OrderFlowV2Patched : Workflow<string, string>
{
    public override async Task<string> RunAsync(WorkflowContext context, string input)
    {
        await context.CallActivityAsync<string>(nameof(RecordActivity), "a");
        var patched = context.IsPatched("add-step-b");
        if (patched)
        {
            await context.CallActivityAsync<string>(nameof(RecordActivity), "b");
        }
        var go = await context.WaitForExternalEventAsync<string>("go");
        return $"{go}|patched={patched}";
    }
}

public sealed class OrderFlowV3Unpatched : Workflow<string, string>
{
    public override async Task<string> RunAsync(WorkflowContext context, string input)
    {
        await context.CallActivityAsync<string>(nameof(RecordActivity), "a");
        await context.CallActivityAsync<string>(nameof(RecordActivity), "b");
        return await context.WaitForExternalEventAsync<string>("go");
    }
}

public sealed class OrderFlowV4Renamed : Workflow<string, string>
{
    public override async Task<string> RunAsync(WorkflowContext context, string input)
    {
        await context.CallActivityAsync<string>(nameof(EchoKeyActivity), "a");
        return await context.WaitForExternalEventAsync<string>("go");
    }
}

public sealed class DetachedStarterWorkflow : Workflow<string, string>
{
    public override async Task<string> RunAsync(WorkflowContext context, string input)
    {
        var id = await context.ScheduleNewDetachedWorkflowAsync(nameof(ThreeStepWorkflow), input + "-detached", input);
        return id;
    }
}

public sealed class RetryingParentWorkflow : Workflow<string, string>
{
    private static readonly ChildWorkflowTaskOptions Retry = new(null!, new WorkflowRetryPolicy(2, TimeSpan.FromMilliseconds(10)), null!, HistoryPropagationScope.None);

    public override async Task<string> RunAsync(WorkflowContext context, string input)
    {
        try
        {
            await context.CallChildWorkflowAsync<string>(nameof(UncaughtFailureWorkflow), input, Retry);
            return "child-succeeded";
        }
        catch (WorkflowTaskFailedException)
        {
            return "gave-up";
        }
    }
}

public sealed class WaitingParentWorkflow : Workflow<string, string>
{
    public override Task<string> RunAsync(WorkflowContext context, string input) =>
        context.CallChildWorkflowAsync<string>(nameof(StatusWorkflow), input);
}
