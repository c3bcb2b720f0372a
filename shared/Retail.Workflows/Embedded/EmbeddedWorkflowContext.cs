using System.Globalization;
using System.Text.Json;
using Dapr.Workflow;
using Microsoft.Extensions.Logging;

namespace Retail.Workflows.Embedded;

/// <summary>A command the workflow issued in this step that the journal does not hold yet.</summary>
internal sealed record WorkflowCommand(JournalEvent Event, WorkflowRetryPolicy? Retry, DateTime? NotBefore = null);

/// <summary>
/// Dapr's <see cref="WorkflowContext"/> over the embedded journal. The workflow function re-runs from the start
/// on every step; each command gets the next sequence number and is matched against the journal entry with that
/// number, completed results are fed back in journal order, and whatever is new is collected as commands.
/// </summary>
internal sealed partial class EmbeddedWorkflowContext : WorkflowContext
{
    private readonly JsonSerializerOptions _json;
    private readonly ILoggerFactory _loggerFactory;
    private readonly long _generation;
    private readonly Dictionary<int, JournalEvent> _journalCommands;
    private readonly HashSet<string> _journalPatches;
    private readonly Dictionary<int, Action<JournalEvent>> _open = [];
    private readonly HashSet<int> _issued = [];
    private readonly Dictionary<string, Queue<IEventWaiter>> _waiters = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<(string Name, string? Data)> _bufferedEvents = [];
    private readonly Dictionary<string, bool> _patchDecisions = new(StringComparer.Ordinal);
    private int _nextTaskId;
    private int _guidCounter;
    private DateTime _now;
    private bool _replaying;

    public EmbeddedWorkflowContext(string name, string instanceId, long generation, IEnumerable<JournalEvent> journal,
        JsonSerializerOptions json, ILoggerFactory loggerFactory)
    {
        Name = name;
        InstanceId = instanceId;
        _generation = generation;
        _json = json;
        _loggerFactory = loggerFactory;
        _journalCommands = [];
        _journalPatches = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in journal)
        {
            if (entry.IsCommand)
            {
                _journalCommands[entry.TaskId] = entry;
            }
            else if (entry.Kind == JournalKind.PatchApplied && entry.Name is not null)
            {
                _journalPatches.Add(entry.Name);
            }
        }
    }

    public override string Name { get; }

    public override string InstanceId { get; }

    public override DateTime CurrentUtcDateTime => _now;

    public override bool IsReplaying => _replaying;

    public List<WorkflowCommand> NewCommands { get; } = [];

    public List<string> NewPatches { get; } = [];

    public string? NonDeterminism { get; private set; }

    public object? CustomStatus { get; private set; }

    public bool ContinueAsNewRequested { get; private set; }

    public object? ContinueAsNewInput { get; private set; }

    public bool PreserveUnprocessedEvents { get; private set; }

    public IReadOnlyList<(string Name, string? Data)> BufferedEvents => _bufferedEvents;

    internal string TaskKey(int taskId) => WorkflowKeys.TaskExecutionKey(InstanceId, _generation, taskId);

    internal void SetClock(DateTime utcNow) => _now = utcNow;

    internal void SetReplaying(bool replaying) => _replaying = replaying;

    public override bool IsPatched(string patchName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(patchName);
        if (_patchDecisions.TryGetValue(patchName, out var decided))
        {
            return decided;
        }
        // A patch is taken when the journal says so, or when this code runs past the journal (new work);
        // an instance that already replayed past this point without the patch keeps the old path.
        var recorded = _journalPatches.Contains(patchName);
        var decision = recorded || !_replaying;
        if (decision && !recorded)
        {
            NewPatches.Add(patchName);
        }
        _patchDecisions[patchName] = decision;
        return decision;
    }

    public override Task<T> CallActivityAsync<T>(string name, object? input = null, WorkflowTaskOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var taskId = Issue(JournalKind.TaskScheduled, name, null, input, options?.RetryPolicy);
        if (taskId < 0)
        {
            return new TaskCompletionSource<T>().Task;
        }
        var source = new TaskCompletionSource<T>();
        _open[taskId] = entry =>
        {
            if (entry.Kind == JournalKind.TaskCompleted)
            {
                SetFromJson(source, entry.Data);
            }
            else
            {
                var details = FailureDetails(entry.Data);
                source.TrySetException(new WorkflowTaskFailedException(
                    $"Task '{name}' (#{taskId}) failed with an unhandled exception: {details.ErrorMessage}", details));
            }
        };
        return source.Task;
    }

    public override Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken)
    {
        var utc = fireAt.Kind == DateTimeKind.Local ? fireAt.ToUniversalTime() : DateTime.SpecifyKind(fireAt, DateTimeKind.Utc);
        var taskId = Issue(JournalKind.TimerCreated, "timer", null, new TimerData(utc), null);
        if (taskId < 0)
        {
            return new TaskCompletionSource().Task;
        }
        var source = new TaskCompletionSource();
        _open[taskId] = _ => source.TrySetResult();
        if (cancellationToken.CanBeCanceled)
        {
            cancellationToken.Register(() => source.TrySetCanceled(cancellationToken));
        }
        return source.Task;
    }

    public override Task<T> WaitForExternalEventAsync<T>(string eventName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventName);
        var buffered = _bufferedEvents.FindIndex(e => string.Equals(e.Name, eventName, StringComparison.OrdinalIgnoreCase));
        if (buffered >= 0)
        {
            var data = _bufferedEvents[buffered].Data;
            _bufferedEvents.RemoveAt(buffered);
            var ready = new TaskCompletionSource<T>();
            SetFromJson(ready, data);
            return ready.Task;
        }
        var waiter = new EventWaiter<T>(this);
        if (!_waiters.TryGetValue(eventName, out var queue))
        {
            queue = new Queue<IEventWaiter>();
            _waiters[eventName] = queue;
        }
        queue.Enqueue(waiter);
        if (cancellationToken.CanBeCanceled)
        {
            cancellationToken.Register(() => waiter.Source.TrySetCanceled(cancellationToken));
        }
        return waiter.Source.Task;
    }

    public override Task<T> WaitForExternalEventAsync<T>(string eventName, TimeSpan timeout)
    {
        // Dapr treats a negative timeout as "wait indefinitely"; no timer is needed for that.
        return timeout < TimeSpan.Zero
            ? WaitForExternalEventAsync<T>(eventName, CancellationToken.None)
            : WaitWithTimeoutAsync<T>(eventName, timeout);
    }

    // Cancels synchronously: a continuation that ran on another thread would escape the step's replay.
    private async Task<T> WaitWithTimeoutAsync<T>(string eventName, TimeSpan timeout)
    {
        using var eventCancellation = new CancellationTokenSource();
        var received = WaitForExternalEventAsync<T>(eventName, eventCancellation.Token);
        if (received.IsCompleted)
        {
            return await received;
        }
        using var timerCancellation = new CancellationTokenSource();
        var timer = CreateTimer(CurrentUtcDateTime.Add(timeout), timerCancellation.Token);
        var first = await Task.WhenAny(received, timer);
        if (first == received)
        {
            timerCancellation.Cancel();
            return await received;
        }
        eventCancellation.Cancel();
        throw new TaskCanceledException($"No '{eventName}' event arrived within {timeout}.");
    }

    public override void SendEvent(string instanceId, string eventName, object payload)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(instanceId);
        ArgumentException.ThrowIfNullOrWhiteSpace(eventName);
        Issue(JournalKind.EventSent, eventName, instanceId, payload, null);
    }

    public override void SetCustomStatus(object? customStatus) => CustomStatus = customStatus;

    public override Task<TResult> CallChildWorkflowAsync<TResult>(string workflowName, object? input = null,
        ChildWorkflowTaskOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(workflowName);
        return options?.RetryPolicy is { } retry
            ? CallChildWithRetryAsync<TResult>(workflowName, input, options.InstanceId, retry)
            : CallChildOnceAsync<TResult>(workflowName, input, options?.InstanceId);
    }

    // Retries are plain workflow code over durable timers, so they replay like everything else.
    private async Task<TResult> CallChildWithRetryAsync<TResult>(string workflowName, object? input, string? instanceId,
        WorkflowRetryPolicy retry)
    {
        var started = CurrentUtcDateTime;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await CallChildOnceAsync<TResult>(workflowName, input, instanceId);
            }
            catch (WorkflowTaskFailedException) when (attempt < retry.MaxNumberOfAttempts)
            {
                var delay = RetryDelays.Next(retry, attempt);
                if (retry.RetryTimeout != Timeout.InfiniteTimeSpan && CurrentUtcDateTime + delay - started > retry.RetryTimeout)
                {
                    throw;
                }
                await CreateTimer(delay);
            }
        }
    }

    private Task<TResult> CallChildOnceAsync<TResult>(string workflowName, object? input, string? instanceId)
    {
        var childId = instanceId ?? TaskKey(_nextTaskId);
        var taskId = Issue(JournalKind.ChildCreated, workflowName, childId, input, null);
        if (taskId < 0)
        {
            return new TaskCompletionSource<TResult>().Task;
        }
        var source = new TaskCompletionSource<TResult>();
        _open[taskId] = entry =>
        {
            if (entry.Kind == JournalKind.ChildCompleted)
            {
                SetFromJson(source, entry.Data);
            }
            else
            {
                var details = FailureDetails(entry.Data);
                source.TrySetException(new WorkflowTaskFailedException(
                    $"Child workflow '{workflowName}' ({childId}) failed: {details.ErrorMessage}", details));
            }
        };
        return source.Task;
    }

    public override Task<string> ScheduleNewDetachedWorkflowAsync(string workflowName, string? instanceId = null, object? input = null,
        DateTimeOffset? startTime = null) => ScheduleNewDetachedWorkflowAsync(workflowName, instanceId, input, startTime, null);

    /// <summary>Starts an independent instance (no parent link; its end is not reported back), optionally at a later time.</summary>
    public override Task<string> ScheduleNewDetachedWorkflowAsync(string workflowName, string? instanceId, object? input,
        DateTimeOffset? startTime, WorkflowTaskOptions? options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(workflowName);
        var detachedId = instanceId ?? NewGuid().ToString();
        Issue(JournalKind.DetachedStarted, workflowName, detachedId, input, null, startTime?.UtcDateTime);
        return Task.FromResult(detachedId);
    }

    public override ILogger CreateReplaySafeLogger(string categoryName) =>
        new ReplaySafeLogger(_loggerFactory.CreateLogger(categoryName), () => _replaying);

    public override ILogger CreateReplaySafeLogger(Type type) =>
        new ReplaySafeLogger(_loggerFactory.CreateLogger(type), () => _replaying);

    public override ILogger CreateReplaySafeLogger<T>() =>
        new ReplaySafeLogger(_loggerFactory.CreateLogger<T>(), () => _replaying);

    public override void ContinueAsNew(object? newInput = null, bool preserveUnprocessedEvents = true)
    {
        ContinueAsNewRequested = true;
        ContinueAsNewInput = newInput;
        PreserveUnprocessedEvents = preserveUnprocessedEvents;
    }

    public override Guid NewGuid() =>
        DeterministicGuid.Create(string.Create(CultureInfo.InvariantCulture, $"{InstanceId}:{_generation}:{_guidCounter++}"));

    /// <summary>History propagation is a Dapr runtime feature between apps; the embedded engine propagates none.</summary>
    public override PropagatedHistory? GetPropagatedHistory() => null;
}
