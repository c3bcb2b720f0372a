using System.Text.Json;
using Dapr.Workflow;

namespace Retail.Workflows.Scheduling;

/// <summary>
/// Starts and steers workflow instances; the same port over the embedded engine and over Dapr's workflow client.
/// Payloads are JSON (<see cref="JsonElement"/>) so the port never needs the workflow's own types.
/// </summary>
public interface IWorkflowScheduler
{
    Task<WorkflowStartResult> StartAsync(string name, string? instanceId, JsonElement? input, CancellationToken cancellationToken = default);

    Task<WorkflowInstanceStatus?> GetAsync(string instanceId, CancellationToken cancellationToken = default);

    Task<WorkflowInstanceList> ListAsync(WorkflowListQuery query, CancellationToken cancellationToken = default);

    /// <summary>The journal of the instance's current run, or null when the instance is unknown.</summary>
    Task<IReadOnlyList<WorkflowHistoryEntry>?> GetHistoryAsync(string instanceId, CancellationToken cancellationToken = default);

    Task<WorkflowOperationResult> RaiseEventAsync(string instanceId, string eventName, JsonElement? payload, CancellationToken cancellationToken = default);

    Task<WorkflowOperationResult> SuspendAsync(string instanceId, string? reason, CancellationToken cancellationToken = default);

    Task<WorkflowOperationResult> ResumeAsync(string instanceId, string? reason, CancellationToken cancellationToken = default);

    Task<WorkflowOperationResult> TerminateAsync(string instanceId, JsonElement? output, CancellationToken cancellationToken = default);

    /// <summary>Deletes a finished instance and its journal.</summary>
    Task<WorkflowOperationResult> PurgeAsync(string instanceId, CancellationToken cancellationToken = default);

    /// <summary>Waits until the instance has completed, failed or been terminated; null when it is unknown.</summary>
    Task<WorkflowInstanceStatus?> WaitForCompletionAsync(string instanceId, CancellationToken cancellationToken = default);
}

public enum WorkflowStartOutcome
{
    Started,

    /// <summary>An instance with that id exists and has not finished.</summary>
    Duplicate,

    /// <summary>No workflow of that name is registered.</summary>
    UnknownWorkflow,
}

public sealed record WorkflowStartResult(WorkflowStartOutcome Outcome, string InstanceId);

public enum WorkflowOperationOutcome
{
    Done,
    NotFound,

    /// <summary>The instance's status does not allow the operation (for example resuming a completed instance).</summary>
    InvalidTransition,
}

public sealed record WorkflowOperationResult(WorkflowOperationOutcome Outcome, WorkflowRuntimeStatus? Status = null)
{
    public static WorkflowOperationResult Done(WorkflowRuntimeStatus status) => new(WorkflowOperationOutcome.Done, status);

    public static WorkflowOperationResult NotFound { get; } = new(WorkflowOperationOutcome.NotFound);

    public static WorkflowOperationResult Invalid(WorkflowRuntimeStatus status) => new(WorkflowOperationOutcome.InvalidTransition, status);
}

public sealed record WorkflowFailure(string ErrorType, string ErrorMessage, string? StackTrace);

public sealed record WorkflowInstanceStatus(
    string InstanceId,
    string Name,
    WorkflowRuntimeStatus RuntimeStatus,
    JsonElement? Input,
    JsonElement? Output,
    JsonElement? CustomStatus,
    WorkflowFailure? Failure,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string? ParentInstanceId)
{
    public bool IsFinished => RuntimeStatus is WorkflowRuntimeStatus.Completed or WorkflowRuntimeStatus.Failed
        or WorkflowRuntimeStatus.Terminated;
}

public sealed record WorkflowListQuery(WorkflowRuntimeStatus? Status = null, string? Name = null, int Limit = 50, string? NextToken = null);

public sealed record WorkflowInstanceList(IReadOnlyList<WorkflowInstanceStatus> Items, string? NextToken);

public sealed record WorkflowHistoryEntry(long Sequence, string Kind, int? TaskId, string? Name, string? Target, JsonElement? Data, DateTimeOffset Timestamp);
