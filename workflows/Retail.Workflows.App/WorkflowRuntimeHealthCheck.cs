using Microsoft.Extensions.Diagnostics.HealthChecks;
using Retail.Shared.Invocation;
using Retail.Workflows.Scheduling;

namespace Retail.Workflows.App;

/// <summary>
/// Ready when the workflow runtime (the embedded journal, or Dapr's workflow API) answers a query. A Dapr runtime older
/// than 1.17 runs workflows but cannot list them: that is degraded, with the reason, not unhealthy, so the app is not
/// taken out of service for an operation only the management API needs.
/// </summary>
public sealed class WorkflowRuntimeHealthCheck(IWorkflowScheduler scheduler) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await scheduler.ListAsync(new WorkflowListQuery(Limit: 1, InstanceIdPrefix: "health/"), cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (DependencyUnavailableException ex) when (ex.Dependency == DaprWorkflowScheduler.ListingOnOlderRuntime)
        {
            return HealthCheckResult.Degraded(
                $"the sidecar's Dapr runtime has no {ex.Dependency}; workflows run, but listing and history answer 503");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("workflow runtime unreachable", ex);
        }
    }
}
