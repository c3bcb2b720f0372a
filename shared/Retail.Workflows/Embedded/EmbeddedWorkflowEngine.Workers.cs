using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Dapr.Workflow;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Retail.Workflows.Scheduling;

namespace Retail.Workflows.Embedded;

/// <summary>The workers: steps, activities and delayed work.</summary>
public sealed partial class EmbeddedWorkflowEngine
{
    private void Schedule(string instanceId)
    {
        lock (_slots)
        {
            if (_slots.TryGetValue(instanceId, out var state))
            {
                if (state == SlotState.Running)
                {
                    _slots[instanceId] = SlotState.RunningAgain;
                }
                return;
            }
            _slots[instanceId] = SlotState.Queued;
        }
        _ready.Writer.TryWrite(instanceId);
    }

    private async Task RunStepsAsync(CancellationToken token)
    {
        var reader = _ready.Reader;
        try
        {
            while (await reader.WaitToReadAsync(token))
            {
                while (!token.IsCancellationRequested && reader.TryRead(out var instanceId))
                {
                    lock (_slots)
                    {
                        _slots[instanceId] = SlotState.Running;
                    }
                    try
                    {
                        await StepAsync(instanceId);
                    }
                    catch (Exception ex) when (ex is not OutOfMemoryException)
                    {
                        _logger.LogError(ex, "Workflow step of {InstanceId} failed; it is retried on the next message or restart", instanceId);
                    }
                    bool again;
                    lock (_slots)
                    {
                        again = _slots[instanceId] == SlotState.RunningAgain;
                        if (again)
                        {
                            _slots[instanceId] = SlotState.Queued;
                        }
                        else
                        {
                            _slots.Remove(instanceId);
                        }
                    }
                    if (again)
                    {
                        _ready.Writer.TryWrite(instanceId);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // stopping
        }
    }

    private async Task StepAsync(string instanceId)
    {
        var now = UtcNow;
        var input = await _store.LoadStepAsync(instanceId, now);
        if (input is null)
        {
            return;
        }
        var instance = input.Instance;
        // Results addressed to an earlier run (before ContinueAsNew) are consumed without being delivered.
        var deliverable = input.Messages.Where(m => m.Generation < 0 || m.Generation == instance.Generation).ToList();
        var outcome = _runner.Run(instance.Name, instanceId, instance.Generation, input.Journal, deliverable, now);
        var effects = await _store.CommitStepAsync(instance, input.Messages, outcome, now);
        if (effects is null)
        {
            return;
        }
        if (outcome.Result is StepResult.Completed or StepResult.Failed)
        {
            WorkflowMetrics.InstanceFinished(instance.Name, outcome.Result == StepResult.Completed);
            SignalFinished(instanceId);
        }
        if (outcome.Result == StepResult.Failed)
        {
            _logger.LogWarning("Workflow {Name} ({InstanceId}) failed: {ErrorType}: {Message}", instance.Name, instanceId,
                outcome.Failure?.ErrorType, outcome.Failure?.ErrorMessage);
        }
        foreach (var work in effects.Activities)
        {
            _activities.Writer.TryWrite(work);
        }
        foreach (var (dueAt, target) in effects.Timers)
        {
            if (dueAt <= now)
            {
                Schedule(target);
            }
            else
            {
                AddDelayed(dueAt, new DelayedItem(target, null));
            }
        }
        effects.InstancesToRun.ForEach(Schedule);
    }

    private async Task RunActivitiesAsync(CancellationToken token)
    {
        var reader = _activities.Reader;
        try
        {
            while (await reader.WaitToReadAsync(token))
            {
                while (!token.IsCancellationRequested && reader.TryRead(out var work))
                {
                    await RunActivityAsync(work);
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // stopping
        }
    }

    private async Task RunActivityAsync(ActivityWork work)
    {
        string? output = null;
        StoredFailure? failure;
        var retryable = true;
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        await using (var scope = _services.CreateAsyncScope())
        {
            if (!_registry.TryCreateActivity(work.Name, scope.ServiceProvider, out var activity, out var activationError) || activity is null)
            {
                failure = activationError is null
                    ? new StoredFailure("ActivityNotRegistered", $"No activity named '{work.Name}' is registered.", null)
                    : StoredFailure.From(activationError);
                retryable = false;
            }
            else
            {
                try
                {
                    var key = WorkflowKeys.TaskExecutionKey(work.InstanceId, work.Generation, work.TaskId);
                    var input = string.IsNullOrEmpty(work.Input)
                        ? (activity.InputType.IsValueType ? Activator.CreateInstance(activity.InputType) : null)
                        : JsonSerializer.Deserialize(work.Input, activity.InputType, _options.SerializerOptions);
                    var result = await activity.RunAsync(new EmbeddedActivityContext(work.Name, work.InstanceId, key, work.TaskId), input);
                    output = result is null ? null : JsonSerializer.Serialize(result, activity.OutputType, _options.SerializerOptions);
                    failure = null;
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    failure = StoredFailure.From(ex);
                }
            }
        }
        var now = UtcNow;
        var ran = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        if (failure is null)
        {
            WorkflowMetrics.ActivityRan(work.Name, "completed", ran);
            if (await _store.CompleteActivityAsync(work, true, output, now))
            {
                Schedule(work.InstanceId);
            }
            return;
        }
        if (retryable && work.Retry?.NextDelay(work.Attempt, work.FirstAttemptAt, now) is { } delay)
        {
            WorkflowMetrics.ActivityRan(work.Name, "retried", ran);
            var next = work with { Attempt = work.Attempt + 1 };
            if (await _store.RescheduleActivityAsync(next, now + delay))
            {
                AddDelayed(now + delay, new DelayedItem(null, next));
            }
            return;
        }
        WorkflowMetrics.ActivityRan(work.Name, "failed", ran);
        if (await _store.CompleteActivityAsync(work, false, failure.ToJson(), now))
        {
            Schedule(work.InstanceId);
        }
    }

    private void AddDelayed(DateTime dueAt, DelayedItem item)
    {
        lock (_delayed)
        {
            _delayed.Enqueue(item, dueAt);
        }
        if (_delayedSignal.CurrentCount == 0)
        {
            _delayedSignal.Release();
        }
    }

    private async Task RunDelayedAsync(CancellationToken token)
    {
        var due = new List<DelayedItem>();
        try
        {
            while (!token.IsCancellationRequested)
            {
                TimeSpan wait;
                lock (_delayed)
                {
                    var now = UtcNow;
                    while (_delayed.TryPeek(out var item, out var at) && at <= now)
                    {
                        _delayed.Dequeue();
                        due.Add(item);
                    }
                    wait = _delayed.TryPeek(out _, out var next) ? next - now : TimeSpan.FromSeconds(1);
                }
                foreach (var item in due)
                {
                    if (item.Activity is { } work)
                    {
                        _activities.Writer.TryWrite(work);
                    }
                    else if (item.InstanceId is { } instanceId)
                    {
                        Schedule(instanceId);
                    }
                }
                due.Clear();
                var clamped = wait < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1)
                    : wait > TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : wait;
                await _delayedSignal.WaitAsync(clamped, token);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // stopping
        }
    }

    // ---- mapping -------------------------------------------------------------------------------------------------

    private static string? ToJson(JsonElement? element) =>
        element is { ValueKind: not JsonValueKind.Undefined } value ? value.GetRawText() : null;

    private static JsonElement? ToElement(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private static JsonElement? HistoryData(JournalEvent entry)
    {
        if (entry.Kind == JournalKind.TimerCreated && long.TryParse(entry.Data, out var ticks))
        {
            return JsonSerializer.SerializeToElement(new DateTime(ticks, DateTimeKind.Utc));
        }
        return ToElement(entry.Data);
    }

    private static WorkflowInstanceStatus ToStatus(InstanceRow row) => new(
        row.InstanceId, row.Name, row.Status, ToElement(row.Input), ToElement(row.Output), ToElement(row.CustomStatus),
        row.Failure is { } f ? new WorkflowFailure(f.ErrorType, f.ErrorMessage, f.StackTrace) : null,
        new DateTimeOffset(row.CreatedAt), new DateTimeOffset(row.UpdatedAt), row.ParentInstanceId);

    private static WorkflowOperationResult ToResult(WorkflowOperationOutcomeRow result) => result switch
    {
        { Instance: null } => WorkflowOperationResult.NotFound,
        { Applied: true } => WorkflowOperationResult.Done(result.Instance.Status),
        _ => WorkflowOperationResult.Invalid(result.Instance.Status),
    };
}
