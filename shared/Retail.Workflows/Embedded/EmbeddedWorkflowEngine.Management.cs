using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Dapr.Workflow;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Retail.Shared;
using Retail.Workflows.Scheduling;

namespace Retail.Workflows.Embedded;

/// <summary>The scheduling port: start, read, list, control and wait for instances.</summary>
public sealed partial class EmbeddedWorkflowEngine
{
    public async Task<WorkflowStartResult> StartAsync(string name, string? instanceId, JsonElement? input, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var id = string.IsNullOrWhiteSpace(instanceId) ? Ids.New() : instanceId;
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
        var rows = await _store.ListAsync(query.Status, query.Name, query.InstanceIdPrefix, limit + 1, query.NextToken);
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
}
