using System.Text.Json;
using Dapr.Workflow;
using Grpc.Core;
using Retail.Shared;
using Retail.Shared.Dapr;
using Retail.Shared.Invocation;
using Retail.Workflows.Embedded;

namespace Retail.Workflows.Scheduling;

/// <summary>
/// The scheduling port over Dapr's workflow client (Dapr mode): the sidecar runs the same workflow classes.
/// Listing and history exist only from Dapr runtime 1.17; an older sidecar answers them Unimplemented, and they then
/// fail as the unavailable dependency <see cref="ListingOnOlderRuntime"/>, which says what is needed.
/// </summary>
public sealed class DaprWorkflowScheduler(DaprWorkflowClient client, WorkflowRegistry registry) : IWorkflowScheduler
{
    /// <summary>The dependency named when the sidecar's runtime has no workflow listing or history.</summary>
    public const string ListingOnOlderRuntime =
        "workflow listing and history (need Dapr runtime " + DaprRuntime.MinimumForWorkflowListing + " or later)";

    public async Task<WorkflowStartResult> StartAsync(string name, string? instanceId, JsonElement? input, CancellationToken cancellationToken = default)
    {
        var id = string.IsNullOrWhiteSpace(instanceId) ? Ids.New() : instanceId;
        if (!registry.HasWorkflow(name))
        {
            return new WorkflowStartResult(WorkflowStartOutcome.UnknownWorkflow, id);
        }
        var existing = await GetStateAsync(id, cancellationToken);
        if (existing is { Exists: true, RuntimeStatus: WorkflowRuntimeStatus.Running or WorkflowRuntimeStatus.Pending or WorkflowRuntimeStatus.Suspended })
        {
            return new WorkflowStartResult(WorkflowStartOutcome.Duplicate, id);
        }
        await client.ScheduleNewWorkflowAsync(name, id, input, (DateTimeOffset?)null, cancellationToken);
        return new WorkflowStartResult(WorkflowStartOutcome.Started, id);
    }

    public async Task<WorkflowInstanceStatus?> GetAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        var state = await GetStateAsync(instanceId, cancellationToken);
        return state is { Exists: true } ? ToStatus(instanceId, state) : null;
    }

    public async Task<WorkflowInstanceList> ListAsync(WorkflowListQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var page = await NeedsListingAsync(() => client.ListInstanceIdsAsync(query.NextToken, Math.Clamp(query.Limit, 1, 500), cancellationToken));
        var items = new List<WorkflowInstanceStatus>();
        foreach (var id in page.InstanceIds.Where(id => query.InstanceIdPrefix is null || id.StartsWith(query.InstanceIdPrefix, StringComparison.Ordinal)))
        {
            if (await GetAsync(id, cancellationToken) is { } status
                && (query.Status is null || status.RuntimeStatus == query.Status)
                && (query.Name is null || status.Name == query.Name))
            {
                items.Add(status);
            }
        }
        return new WorkflowInstanceList(items, string.IsNullOrEmpty(page.ContinuationToken) ? null : page.ContinuationToken);
    }

    public async Task<IReadOnlyList<WorkflowHistoryEntry>?> GetHistoryAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        if (await GetStateAsync(instanceId, cancellationToken) is not { Exists: true })
        {
            return null;
        }
        var events = await NeedsListingAsync(() => client.GetInstanceHistoryAsync(instanceId, cancellationToken));
        return events.Select(e => new WorkflowHistoryEntry(e.EventId, JsonNamingPolicy.SnakeCaseLower.ConvertName(e.EventType.ToString()),
            null, null, null, null, new DateTimeOffset(DateTime.SpecifyKind(e.Timestamp, DateTimeKind.Utc)))).ToList();
    }

    public Task<WorkflowOperationResult> RaiseEventAsync(string instanceId, string eventName, JsonElement? payload,
        CancellationToken cancellationToken = default) =>
        WhenAsync(instanceId, IsActive, () => client.RaiseEventAsync(instanceId, eventName, payload, cancellationToken), cancellationToken);

    public Task<WorkflowOperationResult> SuspendAsync(string instanceId, string? reason, CancellationToken cancellationToken = default) =>
        WhenAsync(instanceId, IsActive, () => client.SuspendWorkflowAsync(instanceId, reason, cancellationToken), cancellationToken);

    public Task<WorkflowOperationResult> ResumeAsync(string instanceId, string? reason, CancellationToken cancellationToken = default) =>
        WhenAsync(instanceId, IsActive, () => client.ResumeWorkflowAsync(instanceId, reason, cancellationToken), cancellationToken);

    public Task<WorkflowOperationResult> TerminateAsync(string instanceId, JsonElement? output, CancellationToken cancellationToken = default) =>
        WhenAsync(instanceId, IsActive, () => client.TerminateWorkflowAsync(instanceId, output, cancellationToken), cancellationToken);

    public Task<WorkflowOperationResult> PurgeAsync(string instanceId, CancellationToken cancellationToken = default) =>
        WhenAsync(instanceId, s => !IsActive(s), () => client.PurgeInstanceAsync(instanceId, cancellationToken), cancellationToken);

    public async Task<WorkflowInstanceStatus?> WaitForCompletionAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        if (await GetStateAsync(instanceId, cancellationToken) is not { Exists: true })
        {
            return null;
        }
        var state = await client.WaitForWorkflowCompletionAsync(instanceId, getInputsAndOutputs: true, cancellationToken);
        return ToStatus(instanceId, state);
    }

    private static async Task<T> NeedsListingAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception ex) when (IsUnimplemented(ex))
        {
            throw new DependencyUnavailableException(ListingOnOlderRuntime, ex);
        }
    }

    private static bool IsUnimplemented(Exception? exception) =>
        exception switch
        {
            null => false,
            RpcException rpc => rpc.StatusCode == StatusCode.Unimplemented,
            _ => IsUnimplemented(exception.InnerException),
        };

    private static bool IsActive(WorkflowRuntimeStatus status) =>
        status is WorkflowRuntimeStatus.Running or WorkflowRuntimeStatus.Pending or WorkflowRuntimeStatus.Suspended;

    private async Task<WorkflowOperationResult> WhenAsync(string instanceId, Func<WorkflowRuntimeStatus, bool> allowed, Func<Task> operation,
        CancellationToken cancellationToken)
    {
        var state = await GetStateAsync(instanceId, cancellationToken);
        if (state is not { Exists: true })
        {
            return WorkflowOperationResult.NotFound;
        }
        if (!allowed(state.RuntimeStatus))
        {
            return WorkflowOperationResult.Invalid(state.RuntimeStatus);
        }
        await operation();
        return WorkflowOperationResult.Done(state.RuntimeStatus);
    }

    private async Task<WorkflowState?> GetStateAsync(string instanceId, CancellationToken cancellationToken)
    {
        try
        {
            return await client.GetWorkflowStateAsync(instanceId, getInputsAndOutputs: true, cancellationToken);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
        {
            return null;
        }
    }

    private static WorkflowInstanceStatus ToStatus(string instanceId, WorkflowState state) => new(
        instanceId, state.WorkflowName ?? string.Empty, state.RuntimeStatus, Read(state.ReadInputAs<JsonElement?>), Read(state.ReadOutputAs<JsonElement?>),
        Read(state.ReadCustomStatusAs<JsonElement?>),
        state.FailureDetails is { } f ? new WorkflowFailure(f.ErrorType, f.ErrorMessage, f.StackTrace) : null,
        state.CreatedAt, state.LastUpdatedAt, null);

    private static JsonElement? Read(Func<JsonElement?> read)
    {
        var value = read();
        return value is { ValueKind: JsonValueKind.Undefined } ? null : value;
    }
}
