using Dapr.Workflow;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Retail.Shared.Contract;
using Retail.Shared.Problems;
using Retail.Workflows.Scheduling;

namespace Retail.Workflows.App.Management;

/// <summary>The management API of the workflows app: start, inspect and steer saga instances (admin or operator).</summary>
public static class WorkflowApi
{
    private const int MaxIdLength = 200;

    public static RouteGroupBuilder MapWorkflowApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/workflow").WithTags("Workflows");
        group.MapPost("/start", StartWorkflow).RequireRole(Role.Admin).AsWrite();
        group.MapPost("/get", GetWorkflow).RequireRole(Role.Admin);
        group.MapPost("/list", ListWorkflows).RequireRole(Role.Admin);
        group.MapPost("/history", GetHistory).RequireRole(Role.Admin);
        group.MapPost("/raise-event", RaiseEvent).RequireRole(Role.Admin).AsWrite();
        group.MapPost("/suspend", SuspendWorkflow).RequireRole(Role.Admin).AsWrite();
        group.MapPost("/resume", ResumeWorkflow).RequireRole(Role.Admin).AsWrite();
        group.MapPost("/terminate", TerminateWorkflow).RequireRole(Role.Admin).AsWrite();
        group.MapPost("/purge", PurgeWorkflow).RequireRole(Role.Admin).AsWrite();
        return group;
    }

    public static async Task<Results<Ok<StartWorkflowResponse>, ProblemHttpResult>> StartWorkflow(StartWorkflowRequest request,
        IWorkflowScheduler scheduler, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Name))
        {
            return ApiProblem.Validation("name", "is required");
        }
        if (request.InstanceId is not null && InvalidId(request.InstanceId))
        {
            return ApiProblem.Validation("instance_id", $"must be 1-{MaxIdLength} printable characters");
        }
        var result = await scheduler.StartAsync(request.Name, request.InstanceId, request.Input, cancellationToken);
        return result.Outcome switch
        {
            WorkflowStartOutcome.Started => TypedResults.Ok(new StartWorkflowResponse(result.InstanceId, request.Name)),
            WorkflowStartOutcome.Duplicate => ApiProblem.Duplicate($"Workflow instance '{result.InstanceId}' exists and has not finished."),
            _ => ApiProblem.Validation("name", $"no workflow named '{request.Name}' is registered"),
        };
    }

    public static async Task<Results<Ok<WorkflowInstanceResponse>, ProblemHttpResult>> GetWorkflow(WorkflowInstanceRequest request,
        IWorkflowScheduler scheduler, CancellationToken cancellationToken)
    {
        if (InvalidId(request.InstanceId))
        {
            return InstanceIdRequired();
        }
        var status = await scheduler.GetAsync(request.InstanceId!, cancellationToken);
        return status is null ? ApiProblem.NotFound($"No workflow instance '{request.InstanceId}'.") : TypedResults.Ok(WorkflowInstanceResponse.From(status));
    }

    public static async Task<Results<Ok<WorkflowListResponse>, ProblemHttpResult>> ListWorkflows(ListWorkflowsRequest request,
        IWorkflowScheduler scheduler, CancellationToken cancellationToken)
    {
        if (request.Limit is < 1 or > 500)
        {
            return ApiProblem.Validation("limit", "must be between 1 and 500");
        }
        var page = await scheduler.ListAsync(new WorkflowListQuery(request.Status, request.Name, request.Limit ?? 50, request.NextToken),
            cancellationToken);
        return TypedResults.Ok(new WorkflowListResponse(page.Items.Select(WorkflowInstanceResponse.From).ToList(), page.NextToken));
    }

    public static async Task<Results<Ok<WorkflowHistoryResponse>, ProblemHttpResult>> GetHistory(WorkflowInstanceRequest request,
        IWorkflowScheduler scheduler, CancellationToken cancellationToken)
    {
        if (InvalidId(request.InstanceId))
        {
            return InstanceIdRequired();
        }
        var history = await scheduler.GetHistoryAsync(request.InstanceId!, cancellationToken);
        return history is null
            ? ApiProblem.NotFound($"No workflow instance '{request.InstanceId}'.")
            : TypedResults.Ok(new WorkflowHistoryResponse(request.InstanceId!, history.Select(WorkflowHistoryEventResponse.From).ToList()));
    }

    public static async Task<Results<Ok<WorkflowOperationResponse>, ProblemHttpResult>> RaiseEvent(RaiseEventRequest request,
        IWorkflowScheduler scheduler, CancellationToken cancellationToken)
    {
        if (InvalidId(request.InstanceId))
        {
            return InstanceIdRequired();
        }
        if (string.IsNullOrWhiteSpace(request.EventName))
        {
            return ApiProblem.Validation("event_name", "is required");
        }
        var result = await scheduler.RaiseEventAsync(request.InstanceId!, request.EventName, request.Payload, cancellationToken);
        return Answer(request.InstanceId!, result, "raise_event", ActiveStatuses);
    }

    public static async Task<Results<Ok<WorkflowOperationResponse>, ProblemHttpResult>> SuspendWorkflow(SuspendWorkflowRequest request,
        IWorkflowScheduler scheduler, CancellationToken cancellationToken)
    {
        if (InvalidId(request.InstanceId))
        {
            return InstanceIdRequired();
        }
        var result = await scheduler.SuspendAsync(request.InstanceId!, request.Reason, cancellationToken);
        return Answer(request.InstanceId!, result, "suspended", ["running", "pending"]);
    }

    public static async Task<Results<Ok<WorkflowOperationResponse>, ProblemHttpResult>> ResumeWorkflow(ResumeWorkflowRequest request,
        IWorkflowScheduler scheduler, CancellationToken cancellationToken)
    {
        if (InvalidId(request.InstanceId))
        {
            return InstanceIdRequired();
        }
        var result = await scheduler.ResumeAsync(request.InstanceId!, request.Reason, cancellationToken);
        return Answer(request.InstanceId!, result, "running", ["suspended"]);
    }

    public static async Task<Results<Ok<WorkflowOperationResponse>, ProblemHttpResult>> TerminateWorkflow(TerminateWorkflowRequest request,
        IWorkflowScheduler scheduler, CancellationToken cancellationToken)
    {
        if (InvalidId(request.InstanceId))
        {
            return InstanceIdRequired();
        }
        var result = await scheduler.TerminateAsync(request.InstanceId!, request.Output, cancellationToken);
        return Answer(request.InstanceId!, result, "terminated", ActiveStatuses);
    }

    public static async Task<Results<Ok<WorkflowOperationResponse>, ProblemHttpResult>> PurgeWorkflow(WorkflowInstanceRequest request,
        IWorkflowScheduler scheduler, CancellationToken cancellationToken)
    {
        if (InvalidId(request.InstanceId))
        {
            return InstanceIdRequired();
        }
        var result = await scheduler.PurgeAsync(request.InstanceId!, cancellationToken);
        return Answer(request.InstanceId!, result, "purged", ["completed", "failed", "terminated"]);
    }

    private static readonly string[] ActiveStatuses = ["pending", "running", "suspended"];

    private static Results<Ok<WorkflowOperationResponse>, ProblemHttpResult> Answer(string instanceId, WorkflowOperationResult result,
        string to, IReadOnlyCollection<string> allowedFrom) => result.Outcome switch
        {
            WorkflowOperationOutcome.Done => TypedResults.Ok(new WorkflowOperationResponse(instanceId, result.Status)),
            WorkflowOperationOutcome.NotFound => ApiProblem.NotFound($"No workflow instance '{instanceId}'."),
            _ => ApiProblem.InvalidTransition(StatusName(result.Status), to, allowedFrom.Contains(StatusName(result.Status)) ? [] : [.. allowedFrom]),
        };

    private static string StatusName(WorkflowRuntimeStatus? status) =>
        status is { } s ? System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(s.ToString()) : "unknown";

    private static bool InvalidId(string? instanceId) =>
        string.IsNullOrWhiteSpace(instanceId) || instanceId.Length > MaxIdLength || instanceId.Any(char.IsControl);

    private static ProblemHttpResult InstanceIdRequired() =>
        ApiProblem.Validation("instance_id", $"is required: 1-{MaxIdLength} printable characters");
}
