using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Dapr.Workflow;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Retail.Workflows.Scheduling;

namespace Retail.Workflows.Embedded;

/// <summary>
/// Runs Dapr.Workflow classes in this process over a SQLite journal. Workflow steps and activities are
/// dispatched from in-memory queues to a fixed number of workers; the journal is the truth, so after a crash
/// <see cref="Start"/> rebuilds the queues from it.
/// </summary>
public sealed class EmbeddedWorkflowEngine : IWorkflowScheduler, IAsyncDisposable
{
    private readonly EmbeddedWorkflowOptions _options;
    private readonly WorkflowRegistry _registry;
    private readonly IServiceProvider _services;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly WorkflowStore _store;
    private readonly WorkflowStepRunner _runner;
    private readonly Channel<string> _ready = Channel.CreateUnbounded<string>();
    private readonly Channel<ActivityWork> _activities = Channel.CreateUnbounded<ActivityWork>();
    private readonly Dictionary<string, SlotState> _slots = new(StringComparer.Ordinal);
    private readonly PriorityQueue<DelayedItem, DateTime> _delayed = new();
    private readonly SemaphoreSlim _delayedSignal = new(0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _workers = [];
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _finishWaiters = new(StringComparer.Ordinal);
    private int _started;
    private int _stopped;

    public EmbeddedWorkflowEngine(EmbeddedWorkflowOptions options, WorkflowRegistry registry, IServiceProvider services,
        ILoggerFactory loggerFactory, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _options = options;
        _registry = registry;
        _services = services;
        _logger = loggerFactory.CreateLogger<EmbeddedWorkflowEngine>();
        _time = time ?? TimeProvider.System;
        _store = new WorkflowStore(options.DatabasePath);
        _runner = new WorkflowStepRunner(registry, services, options.SerializerOptions, loggerFactory);
    }

    private enum SlotState
    {
        Queued,
        Running,
        RunningAgain,
    }

    private sealed record DelayedItem(string? InstanceId, ActivityWork? Activity);

    private DateTime UtcNow => _time.GetUtcNow().UtcDateTime;

    /// <summary>Recovers the queues from the journal and starts the workers. Idempotent.</summary>
    public void Start()
    {
        if (Interlocked.Exchange(ref _started, 1) == 1)
        {
            return;
        }
        var now = UtcNow;
        var (inboxes, activities) = _store.RecoverAsync().GetAwaiter().GetResult();
        foreach (var (visibleAt, instanceId) in inboxes)
        {
            if (visibleAt <= now)
            {
                Schedule(instanceId);
            }
            else
            {
                AddDelayed(visibleAt, new DelayedItem(instanceId, null));
            }
        }
        foreach (var (visibleAt, work) in activities)
        {
            if (visibleAt <= now)
            {
                _activities.Writer.TryWrite(work);
            }
            else
            {
                AddDelayed(visibleAt, new DelayedItem(null, work));
            }
        }
        var token = _stopping.Token;
        for (var i = 0; i < _options.MaxConcurrentWorkflows; i++)
        {
            _workers.Add(Task.Run(() => RunStepsAsync(token), CancellationToken.None));
        }
        for (var i = 0; i < _options.MaxConcurrentActivities; i++)
        {
            _workers.Add(Task.Run(() => RunActivitiesAsync(token), CancellationToken.None));
        }
        _workers.Add(Task.Run(() => RunDelayedAsync(token), CancellationToken.None));
        _logger.LogInformation("Embedded workflow engine started on {Path}: {Inboxes} inboxes and {Activities} activities recovered",
            _options.DatabasePath, inboxes.Count, activities.Count);
    }

    /// <summary>Stops taking work, waits a grace period for running activities, and closes the journal.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }
        await _stopping.CancelAsync();
        _ready.Writer.TryComplete();
        _activities.Writer.TryComplete();
        await Task.WhenAny(Task.WhenAll(_workers), Task.Delay(_options.ShutdownGrace));
        _store.Dispose();
    }

    /// <summary>Simulates a killed process: the journal is closed at once and nothing running may write to it again.</summary>
    internal void Kill()
    {
        Interlocked.Exchange(ref _stopped, 1);
        _stopping.Cancel();
        _store.Dispose();
        _ready.Writer.TryComplete();
        _activities.Writer.TryComplete();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stopping.Dispose();
        _delayedSignal.Dispose();
    }

    // ---- IWorkflowScheduler --------------------------------------------------------------------------------------

    public async Task<WorkflowStartResult> StartAsync(string name, string? instanceId, JsonElement? input, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var id = string.IsNullOrWhiteSpace(instanceId) ? Guid.CreateVersion7().ToString() : instanceId;
        if (!_registry.HasWorkflow(name))
        {
            return new WorkflowStartResult(WorkflowStartOutcome.UnknownWorkflow, id);
        }
        var created = await _store.CreateAsync(id, name, ToJson(input), UtcNow);
        if (created is null)
        {
            return new WorkflowStartResult(WorkflowStartOutcome.Duplicate, id);
        }
        Schedule(id);
        return new WorkflowStartResult(WorkflowStartOutcome.Started, id);
    }

    public async Task<WorkflowInstanceStatus?> GetAsync(string instanceId, CancellationToken cancellationToken = default) =>
        await _store.GetAsync(instanceId) is { } row ? ToStatus(row) : null;

    public async Task<WorkflowInstanceList> ListAsync(WorkflowListQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var limit = Math.Clamp(query.Limit, 1, 500);
        var rows = await _store.ListAsync(query.Status, query.Name, limit + 1, query.NextToken);
        var items = rows.Take(limit).Select(ToStatus).ToList();
        return new WorkflowInstanceList(items, rows.Count > limit ? items[^1].InstanceId : null);
    }

    public async Task<IReadOnlyList<WorkflowHistoryEntry>?> GetHistoryAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        var journal = await _store.HistoryAsync(instanceId);
        IReadOnlyList<WorkflowHistoryEntry>? entries = journal?.Select(x => new WorkflowHistoryEntry(
            x.Seq, JsonNamingPolicy.SnakeCaseLower.ConvertName(x.Event.Kind.ToString()), x.Event.TaskId < 0 ? null : x.Event.TaskId,
            x.Event.Name, x.Event.Target, HistoryData(x.Event), new DateTimeOffset(x.Event.Timestamp))).ToList();
        return entries;
    }

    public async Task<WorkflowOperationResult> RaiseEventAsync(string instanceId, string eventName, JsonElement? payload,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventName);
        var result = await _store.RaiseEventAsync(instanceId, eventName, ToJson(payload), UtcNow);
        if (result.Applied && result.Instance!.Status != WorkflowRuntimeStatus.Suspended)
        {
            Schedule(instanceId);
        }
        return ToResult(result);
    }

    public async Task<WorkflowOperationResult> SuspendAsync(string instanceId, string? reason, CancellationToken cancellationToken = default)
    {
        var result = await _store.TransitionAsync(instanceId, [WorkflowRuntimeStatus.Pending, WorkflowRuntimeStatus.Running],
            WorkflowRuntimeStatus.Suspended, UtcNow);
        return result.Instance?.Status == WorkflowRuntimeStatus.Suspended
            ? WorkflowOperationResult.Done(WorkflowRuntimeStatus.Suspended)
            : ToResult(result);
    }

    public async Task<WorkflowOperationResult> ResumeAsync(string instanceId, string? reason, CancellationToken cancellationToken = default)
    {
        var result = await _store.TransitionAsync(instanceId, [WorkflowRuntimeStatus.Suspended], WorkflowRuntimeStatus.Running, UtcNow);
        if (result.Applied)
        {
            Schedule(instanceId);
        }
        return result.Instance?.Status is WorkflowRuntimeStatus.Running or WorkflowRuntimeStatus.Pending
            ? WorkflowOperationResult.Done(result.Instance.Status)
            : ToResult(result);
    }

    public async Task<WorkflowOperationResult> TerminateAsync(string instanceId, JsonElement? output, CancellationToken cancellationToken = default)
    {
        var parents = new List<string>();
        var result = await _store.TerminateAsync(instanceId, ToJson(output), UtcNow, parents);
        parents.ForEach(Schedule);
        if (result.Applied)
        {
            SignalFinished(instanceId);
        }
        return ToResult(result);
    }

    public async Task<WorkflowOperationResult> PurgeAsync(string instanceId, CancellationToken cancellationToken = default) =>
        ToResult(await _store.PurgeAsync(instanceId));

    public async Task<WorkflowInstanceStatus?> WaitForCompletionAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        var finished = _finishWaiters.GetOrAdd(instanceId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        // Registered before the check, so a finish between the two is not missed.
        var status = await GetAsync(instanceId, cancellationToken);
        if (status is null || status.IsFinished)
        {
            return status;
        }
        await finished.Task.WaitAsync(cancellationToken);
        return await GetAsync(instanceId, cancellationToken);
    }

    private void SignalFinished(string instanceId)
    {
        if (_finishWaiters.TryRemove(instanceId, out var finished))
        {
            finished.TrySetResult();
        }
    }

    // ---- dispatch ------------------------------------------------------------------------------------------------

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
        if (failure is null)
        {
            if (await _store.CompleteActivityAsync(work, true, output, now))
            {
                Schedule(work.InstanceId);
            }
            return;
        }
        if (retryable && work.Retry?.NextDelay(work.Attempt, work.FirstAttemptAt, now) is { } delay)
        {
            var next = work with { Attempt = work.Attempt + 1 };
            if (await _store.RescheduleActivityAsync(next, now + delay))
            {
                AddDelayed(now + delay, new DelayedItem(null, next));
            }
            return;
        }
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
