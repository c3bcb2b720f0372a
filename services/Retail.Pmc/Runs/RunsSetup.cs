using Retail.Pmc.Runs.Activities;
using Retail.Pmc.Runs.Workflow;
using Retail.Shared.Hosting;
using Retail.Workflows;

namespace Retail.Pmc.Runs;

/// <summary>Publish runs: the workflow and its activities (registered for the embedded engine and for Dapr), their settings.</summary>
public static class RunsSetup
{
    public static IServiceCollection AddRuns(this IServiceCollection services, IConfiguration configuration, RetailOptions options)
    {
        services.AddOptions<RunOptions>().Bind(configuration.GetSection(RunOptions.Section))
            .Validate(o => o.PageSize is >= 1 and <= Paging.MaxLimit, $"{RunOptions.Section}:PageSize must be 1–{Paging.MaxLimit}")
            .Validate(o => o.ManifestPartBytes is >= 1 and <= RunOptions.MaxPartBytes, $"{RunOptions.Section}:ManifestPartBytes must be 1–{RunOptions.MaxPartBytes}")
            .Validate(o => o.EvaluateConcurrency is >= 1 and <= 64, $"{RunOptions.Section}:EvaluateConcurrency must be 1–64")
            .Validate(o => o.PagesPerGeneration >= 1, $"{RunOptions.Section}:PagesPerGeneration must be at least 1")
            .ValidateOnStart();
        services.AddScoped<RunSources>();
        services.AddScoped<RunLedger>();
        services.AddRetailWorkflows(options, register =>
        {
            register.RegisterWorkflow<PublishRunWorkflow>();
            register.RegisterActivity<SelectPageActivity>();
            register.RegisterActivity<EvaluatePageActivity>();
            register.RegisterActivity<WritePageActivity>();
            register.RegisterActivity<ManifestPartActivity>();
            register.RegisterActivity<FinishRunActivity>();
            register.RegisterActivity<FailRunActivity>();
        });
        return services;
    }

    public static IEndpointRouteBuilder MapProfiles(this IEndpointRouteBuilder routes)
    {
        routes.MapProfileEndpoints();
        return routes;
    }

    public static IEndpointRouteBuilder MapRuns(this IEndpointRouteBuilder routes)
    {
        routes.MapRunEndpoints();
        return routes;
    }
}
