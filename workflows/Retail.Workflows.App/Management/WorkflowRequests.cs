using System.Text.Json;
using Dapr.Workflow;
using Retail.Shared.Contract;
using Retail.Workflows.Scheduling;

namespace Retail.Workflows.App.Management;

public sealed record StartWorkflowRequest(string? Name, string? InstanceId, JsonElement? Input);

public sealed record StartWorkflowResponse(string InstanceId, string Name);

public sealed record WorkflowInstanceRequest(string? InstanceId);

public sealed record ListWorkflowsRequest(WorkflowRuntimeStatus? Status, string? Name, int? Limit, string? NextToken);

public sealed record RaiseEventRequest(string? InstanceId, string? EventName, JsonElement? Payload);

public sealed record SuspendWorkflowRequest(string? InstanceId, string? Reason);

public sealed record ResumeWorkflowRequest(string? InstanceId, string? Reason);

public sealed record TerminateWorkflowRequest(string? InstanceId, JsonElement? Output);

public sealed record WorkflowInstanceResponse(
    string InstanceId,
    string Name,
    WorkflowRuntimeStatus RuntimeStatus,
    JsonElement? Input,
    JsonElement? Output,
    JsonElement? CustomStatus,
    WorkflowFailure? FailureDetails,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    string? ParentInstanceId)
{
    /// <param name="outside">Maps a stored instance id to the id the caller knows it by.</param>
    public static WorkflowInstanceResponse From(WorkflowInstanceStatus status, Func<string, string> outside)
    {
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(outside);
        return new(outside(status.InstanceId), status.Name, status.RuntimeStatus, status.Input, status.Output, status.CustomStatus,
            status.Failure, status.CreatedAt.UtcDateTime, status.UpdatedAt.UtcDateTime,
            status.ParentInstanceId is null ? null : outside(status.ParentInstanceId));
    }
}

public sealed record WorkflowListResponse(IReadOnlyList<WorkflowInstanceResponse> Items, string? NextToken);

public sealed record WorkflowHistoryResponse(string InstanceId, IReadOnlyList<WorkflowHistoryEventResponse> Events);

/// <summary>One journal entry; times in UTC with a <c>Z</c>, as the contract writes them.</summary>
public sealed record WorkflowHistoryEventResponse(long Sequence, string Kind, int? TaskId, string? Name, string? Target, JsonElement? Data, DateTime Timestamp)
{
    public static WorkflowHistoryEventResponse From(WorkflowHistoryEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new(entry.Sequence, entry.Kind, entry.TaskId, entry.Name, entry.Target, entry.Data, entry.Timestamp.UtcDateTime);
    }
}

public sealed record WorkflowOperationResponse(string InstanceId, WorkflowRuntimeStatus? RuntimeStatus);

// The management handlers check names and instance ids themselves, because an instance id is checked together with
// the caller's org scope it is stored under; these validators record that the request shapes need nothing more.

public sealed class StartWorkflowRequestValidator : NoFieldRules<StartWorkflowRequest>;

public sealed class WorkflowInstanceRequestValidator : NoFieldRules<WorkflowInstanceRequest>;

public sealed class ListWorkflowsRequestValidator : NoFieldRules<ListWorkflowsRequest>;

public sealed class RaiseEventRequestValidator : NoFieldRules<RaiseEventRequest>;

public sealed class SuspendWorkflowRequestValidator : NoFieldRules<SuspendWorkflowRequest>;

public sealed class ResumeWorkflowRequestValidator : NoFieldRules<ResumeWorkflowRequest>;

public sealed class TerminateWorkflowRequestValidator : NoFieldRules<TerminateWorkflowRequest>;
