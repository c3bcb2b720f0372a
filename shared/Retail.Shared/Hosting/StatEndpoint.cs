using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Retail.Shared.Contract;
using Retail.Shared.Json;

namespace Retail.Shared.Hosting;

public sealed record StatCaller(string Principal, string Kind, string? Orgcode, string Role);

public sealed record StatDependency(string Name, string Status);

public sealed record StatResponse(string Service, string Status, string Version, StatCaller? Caller, IReadOnlyList<StatDependency>? Dependencies);

/// <summary><c>GET /stat</c>: health only when anonymous; with valid credentials also the resolved caller and dependencies.</summary>
public static class StatEndpoint
{
    public static Func<RequestContext, HealthCheckService, CancellationToken, Task<Ok<StatResponse>>> Create(string appId) =>
        async (context, health, ct) =>
        {
            if (context.Principal is not { } principal)
            {
                return TypedResults.Ok(new StatResponse(appId, "ok", RetailVersion.Current, null, null));
            }
            var report = await health.CheckHealthAsync(c => c.Tags.Contains("ready"), ct);
            var dependencies = report.Entries.Select(e => new StatDependency(e.Key, e.Value.Status.ToString().ToLowerInvariant())).ToList();
            var status = report.Status == HealthStatus.Healthy ? "ok" : "degraded";
            return TypedResults.Ok(new StatResponse(appId, status, RetailVersion.Current,
                new StatCaller(principal.Id, SnakeCase.Name(principal.Kind), context.Orgcode, context.Role.ToString().ToLowerInvariant()),
                dependencies));
        };
}

internal sealed class StateStoreHealthCheck(IServiceProvider services, string appId) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var store = Microsoft.Extensions.DependencyInjection.ServiceProviderKeyedServiceExtensions.GetKeyedService<State.IStateStore>(services, appId);
        if (store is null)
        {
            return HealthCheckResult.Unhealthy("no state store registered");
        }
        try
        {
            await store.GetAsync("health|probe", cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("state store unreachable", ex);
        }
    }
}
