using System.Text.Json;
using Dapr.Workflow;
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
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string? ParentInstanceId)
{
    public static WorkflowInstanceResponse From(WorkflowInstanceStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        return new(status.InstanceId, status.Name, status.RuntimeStatus, status.Input, status.Output, status.CustomStatus,
            status.Failure, status.CreatedAt, status.UpdatedAt, status.ParentInstanceId);
    }
}

public sealed record WorkflowListResponse(IReadOnlyList<WorkflowInstanceResponse> Items, string? NextToken);

public sealed record WorkflowHistoryResponse(string InstanceId, IReadOnlyList<WorkflowHistoryEntry> Events);

public sealed record WorkflowOperationResponse(string InstanceId, WorkflowRuntimeStatus? RuntimeStatus);
