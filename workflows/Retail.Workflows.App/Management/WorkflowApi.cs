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
        group.MapPost("/start", StartWorkflow).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Start a workflow instance of a registered saga.");
        group.MapPost("/get", GetWorkflow).RequireRole(Role.Admin)
            .WithSummary("A workflow instance's state, input and output.");
        group.MapPost("/list", ListWorkflows).RequireRole(Role.Admin)
            .WithSummary("List the org's workflow instances.");
        group.MapPost("/history", GetHistory).RequireRole(Role.Admin)
            .WithSummary("A workflow instance's journal of steps.");
        group.MapPost("/raise-event", RaiseEvent).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Deliver an external event to a waiting workflow instance.");
        group.MapPost("/suspend", SuspendWorkflow).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Suspend a running workflow instance.");
        group.MapPost("/resume", ResumeWorkflow).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Resume a suspended workflow instance.");
        group.MapPost("/terminate", TerminateWorkflow).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Terminate a workflow instance.");
        group.MapPost("/purge", PurgeWorkflow).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Purge a finished workflow instance and its journal.");
        return group;
    }

    public static async Task<Results<Ok<StartWorkflowResponse>, ProblemHttpResult>> StartWorkflow(StartWorkflowRequest request,
        IWorkflowScheduler scheduler, RequestContext context, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Name))
        {
            return ApiProblem.Validation("name", "is required");
        }
        if (request.InstanceId is not null && InvalidId(request.InstanceId))
        {
            return ApiProblem.Validation("instance_id", $"must be 1-{MaxIdLength} printable characters");
        }
        var scope = TenantScope.Of(context);
        var instanceId = request.InstanceId ?? Guid.CreateVersion7().ToString("N");
        var result = await scheduler.StartAsync(request.Name, scope.Inside(instanceId), request.Input, cancellationToken);
        return result.Outcome switch
        {
            WorkflowStartOutcome.Started => TypedResults.Ok(new StartWorkflowResponse(instanceId, request.Name)),
            WorkflowStartOutcome.Duplicate => ApiProblem.Duplicate($"Workflow instance '{instanceId}' exists and has not finished."),
            _ => ApiProblem.Validation("name", $"no workflow named '{request.Name}' is registered"),
        };
    }

    public static async Task<Results<Ok<WorkflowInstanceResponse>, ProblemHttpResult>> GetWorkflow(WorkflowInstanceRequest request,
        IWorkflowScheduler scheduler, RequestContext context, CancellationToken cancellationToken)
    {
        if (InvalidId(request.InstanceId))
        {
            return InstanceIdRequired();
        }
        var scope = TenantScope.Of(context);
        var status = await scheduler.GetAsync(scope.Inside(request.InstanceId!), cancellationToken);
        return status is null ? ApiProblem.NotFound($"No workflow instance '{request.InstanceId}'.") : TypedResults.Ok(WorkflowInstanceResponse.From(status, scope.Outside));
    }

    public static async Task<Results<Ok<WorkflowListResponse>, ProblemHttpResult>> ListWorkflows(ListWorkflowsRequest request,
        IWorkflowScheduler scheduler, RequestContext context, Retail.Shared.Records.PageTokens tokens, CancellationToken cancellationToken)
    {
        if (request.Limit is < 1 or > 500)
        {
            return ApiProblem.Validation("limit", "must be between 1 and 500");
        }
        var scope = TenantScope.Of(context);
        // The runtime's own cursor names instances; the client gets it sealed and bound to this org's list and filters.
        var list = $"workflows\n{scope.Prefix}\n{request.Status}\n{request.Name}";
        var after = await tokens.OpenAsync(request.NextToken, list, cancellationToken);
        var page = await scheduler.ListAsync(new WorkflowListQuery(request.Status, request.Name, request.Limit ?? 50, after, scope.Prefix),
            cancellationToken);
        return TypedResults.Ok(new WorkflowListResponse(page.Items.Select(i => WorkflowInstanceResponse.From(i, scope.Outside)).ToList(),
            await tokens.SealAsync(page.NextToken, list, cancellationToken)));
    }

    public static async Task<Results<Ok<WorkflowHistoryResponse>, ProblemHttpResult>> GetHistory(WorkflowInstanceRequest request,
        IWorkflowScheduler scheduler, RequestContext context, CancellationToken cancellationToken)
    {
        if (InvalidId(request.InstanceId))
        {
            return InstanceIdRequired();
        }
        var history = await scheduler.GetHistoryAsync(TenantScope.Of(context).Inside(request.InstanceId!), cancellationToken);
        return history is null
            ? ApiProblem.NotFound($"No workflow instance '{request.InstanceId}'.")
            : TypedResults.Ok(new WorkflowHistoryResponse(request.InstanceId!, history.Select(WorkflowHistoryEventResponse.From).ToList()));
    }

    public static async Task<Results<Ok<WorkflowOperationResponse>, ProblemHttpResult>> RaiseEvent(RaiseEventRequest request,
        IWorkflowScheduler scheduler, RequestContext context, CancellationToken cancellationToken)
    {
        if (InvalidId(request.InstanceId))
        {
            return InstanceIdRequired();
        }
        if (string.IsNullOrWhiteSpace(request.EventName))
        {
            return ApiProblem.Validation("event_name", "is required");
        }
        var result = await scheduler.RaiseEventAsync(TenantScope.Of(context).Inside(request.InstanceId!), request.EventName, request.Payload, cancellationToken);
        return Answer(request.InstanceId!, result, "raise_event", ActiveStatuses);
    }

    public static async Task<Results<Ok<WorkflowOperationResponse>, ProblemHttpResult>> SuspendWorkflow(SuspendWorkflowRequest request,
        IWorkflowScheduler scheduler, RequestContext context, CancellationToken cancellationToken)
    {
        if (InvalidId(request.InstanceId))
        {
            return InstanceIdRequired();
        }
        var result = await scheduler.SuspendAsync(TenantScope.Of(context).Inside(request.InstanceId!), request.Reason, cancellationToken);
        return Answer(request.InstanceId!, result, "suspended", ["running", "pending"]);
    }

    public static async Task<Results<Ok<WorkflowOperationResponse>, ProblemHttpResult>> ResumeWorkflow(ResumeWorkflowRequest request,
        IWorkflowScheduler scheduler, RequestContext context, CancellationToken cancellationToken)
    {
        if (InvalidId(request.InstanceId))
        {
            return InstanceIdRequired();
        }
        var result = await scheduler.ResumeAsync(TenantScope.Of(context).Inside(request.InstanceId!), request.Reason, cancellationToken);
        return Answer(request.InstanceId!, result, "running", ["suspended"]);
    }

    public static async Task<Results<Ok<WorkflowOperationResponse>, ProblemHttpResult>> TerminateWorkflow(TerminateWorkflowRequest request,
        IWorkflowScheduler scheduler, RequestContext context, CancellationToken cancellationToken)
    {
        if (InvalidId(request.InstanceId))
        {
            return InstanceIdRequired();
        }
        var result = await scheduler.TerminateAsync(TenantScope.Of(context).Inside(request.InstanceId!), request.Output, cancellationToken);
        return Answer(request.InstanceId!, result, "terminated", ActiveStatuses);
    }

    public static async Task<Results<Ok<WorkflowOperationResponse>, ProblemHttpResult>> PurgeWorkflow(WorkflowInstanceRequest request,
        IWorkflowScheduler scheduler, RequestContext context, CancellationToken cancellationToken)
    {
        if (InvalidId(request.InstanceId))
        {
            return InstanceIdRequired();
        }
        var result = await scheduler.PurgeAsync(TenantScope.Of(context).Inside(request.InstanceId!), cancellationToken);
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

    /// <summary>
    /// Instances live in their org's namespace (<c>{orgcode}/{instance_id}</c>), so one org never sees, steers or
    /// collides with another's sagas, even under the same instance id.
    /// </summary>
    private readonly record struct TenantScope(string Prefix)
    {
        public static TenantScope Of(RequestContext context) => new(context.RequireOrgcode() + "/");

        public string Inside(string instanceId) => Prefix + instanceId;

        public string Outside(string instanceId) =>
            instanceId.StartsWith(Prefix, StringComparison.Ordinal) ? instanceId[Prefix.Length..] : instanceId;
    }

    private static bool InvalidId(string? instanceId) =>
        string.IsNullOrWhiteSpace(instanceId) || instanceId.Length > MaxIdLength || instanceId.Any(char.IsControl);

    private static ProblemHttpResult InstanceIdRequired() =>
        ApiProblem.Validation("instance_id", $"is required: 1-{MaxIdLength} printable characters");
}
