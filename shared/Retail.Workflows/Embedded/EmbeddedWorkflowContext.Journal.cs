using System.Globalization;
using System.Text.Json;
using Dapr.Workflow;
using Microsoft.Extensions.Logging;

namespace Retail.Workflows.Embedded;

/// <summary>Replaying and extending the journal: delivering results and events, issuing commands.</summary>
internal sealed partial class EmbeddedWorkflowContext
{
    /// <summary>Feeds a result (activity, timer, child) from the journal or the inbox to the task waiting on it.</summary>
    internal void Deliver(JournalEvent entry)
    {
        if (NonDeterminism is not null)
        {
            return;
        }
        if (!_open.TryGetValue(entry.TaskId, out var complete))
        {
            NonDeterminism = $"The journal of workflow '{Name}' ({InstanceId}) holds a {entry.Kind} for step #{entry.TaskId}, " +
                "but the workflow did not schedule that step when replayed.";
            return;
        }
        _open.Remove(entry.TaskId);
        complete(entry);
    }

    internal void DeliverEvent(string name, string? data)
    {
        if (_waiters.TryGetValue(name, out var queue))
        {
            while (queue.TryDequeue(out var waiter))
            {
                if (waiter.TryDeliver(data))
                {
                    return;
                }
            }
        }
        _bufferedEvents.Add((name, data));
    }

    /// <summary>After a full replay every command of the journal must have been issued again.</summary>
    internal void VerifyJournalReplayed()
    {
        if (NonDeterminism is not null)
        {
            return;
        }
        foreach (var (taskId, entry) in _journalCommands)
        {
            if (!_issued.Contains(taskId))
            {
                NonDeterminism = $"The journal of workflow '{Name}' ({InstanceId}) holds {entry.Kind} '{entry.Name}' at step #{taskId}, " +
                    "but the workflow did not issue it when replayed. Workflow code must be deterministic; use IsPatched for changes to running workflows.";
                return;
            }
        }
    }

    private sealed record TimerData(DateTime FireAt);

    // Payloads are serialized only for new commands; a replayed command's payload is already in the journal.
    private int Issue(JournalKind kind, string name, string? target, object? payload, WorkflowRetryPolicy? retry, DateTime? notBefore = null)
    {
        if (NonDeterminism is not null)
        {
            return -1;
        }
        var taskId = _nextTaskId++;
        _issued.Add(taskId);
        if (_journalCommands.TryGetValue(taskId, out var recorded))
        {
            if (recorded.Kind != kind || !string.Equals(recorded.Name, name, StringComparison.Ordinal))
            {
                NonDeterminism = $"Non-deterministic workflow '{Name}' ({InstanceId}): the journal holds {recorded.Kind} '{recorded.Name}' " +
                    $"at step #{taskId}, but the replay issued {kind} '{name}'. Use IsPatched for changes to running workflows.";
                return -1;
            }
            return taskId;
        }
        if (_replaying)
        {
            NonDeterminism = $"Non-deterministic workflow '{Name}' ({InstanceId}): the replay issued {kind} '{name}' at step #{taskId}, " +
                "which the journal does not hold at that point.";
            return -1;
        }
        var data = payload is TimerData timer ? timer.FireAt.Ticks.ToString(CultureInfo.InvariantCulture) : Serialize(payload);
        NewCommands.Add(new WorkflowCommand(new JournalEvent(kind, taskId, name, target, data, _now), retry, notBefore));
        return taskId;
    }

    private string? Serialize(object? value) => value is null ? null : JsonSerializer.Serialize(value, value.GetType(), _json);

    private void SetFromJson<T>(TaskCompletionSource<T> source, string? json)
    {
        try
        {
            source.TrySetResult(string.IsNullOrEmpty(json) ? default! : JsonSerializer.Deserialize<T>(json, _json)!);
        }
        catch (JsonException ex)
        {
            source.TrySetException(ex);
        }
    }

    private static WorkflowTaskFailureDetails FailureDetails(string? json)
    {
        var failure = string.IsNullOrEmpty(json) ? null : JsonSerializer.Deserialize<StoredFailure>(json, WorkflowKeys.StorageJson);
        return new WorkflowTaskFailureDetails(failure?.ErrorType ?? "Unknown", failure?.ErrorMessage ?? "unknown failure", failure?.StackTrace);
    }

    private interface IEventWaiter
    {
        bool TryDeliver(string? data);
    }

    private sealed class EventWaiter<T>(EmbeddedWorkflowContext context) : IEventWaiter
    {
        public TaskCompletionSource<T> Source { get; } = new();

        public bool TryDeliver(string? data)
        {
            if (Source.Task.IsCompleted)
            {
                return false;
            }
            context.SetFromJson(Source, data);
            return true;
        }
    }
}
