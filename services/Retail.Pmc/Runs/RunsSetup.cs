using Retail.Shared.Hosting;
using Retail.Workflows;

namespace Retail.Pmc.Runs;

/// <summary>Publish runs: the workflow and its activities (registered for the embedded engine and for Dapr), their settings.</summary>
public static class RunsSetup
{
    public static IServiceCollection AddRuns(this IServiceCollection services, IConfiguration configuration, RetailOptions options)
    {
        // TODO(runs helper): options (Pmc:Runs), RegisterWorkflow/RegisterActivity.
        services.AddRetailWorkflows(options, register => { });
        return services;
    }

    public static IEndpointRouteBuilder MapProfiles(this IEndpointRouteBuilder routes)
    {
        // TODO(runs helper): /publish-profile/set|get
        return routes;
    }

    public static IEndpointRouteBuilder MapRuns(this IEndpointRouteBuilder routes)
    {
        // TODO(runs helper): /publish/run/start|get|step|cancel, /publish/run/manifest/list|presign
        return routes;
    }
}
