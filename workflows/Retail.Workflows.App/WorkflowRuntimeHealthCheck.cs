using Microsoft.Extensions.Diagnostics.HealthChecks;
using Retail.Workflows.Scheduling;

namespace Retail.Workflows.App;

/// <summary>Ready when the workflow runtime (the embedded journal, or Dapr's workflow API) answers a query.</summary>
internal sealed class WorkflowRuntimeHealthCheck(IWorkflowScheduler scheduler) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await scheduler.ListAsync(new WorkflowListQuery(Limit: 1, InstanceIdPrefix: "health/"), cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("workflow runtime unreachable", ex);
        }
    }
}
