using Microsoft.Extensions.Options;
using Retail.Shared.Hosting;
using Retail.Utl.Sources;
using Retail.Workflows;

namespace Retail.Utl.Exports;

public static class ExportsSetup
{
    public static IServiceCollection AddUtlExports(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<UtlOptions>().Bind(configuration.GetSection(UtlOptions.Section));
        services.AddRecords(UtlModule.Id, Export.Type);
        services.AddHttpClient();
        services.AddScoped<UtlCalls>();
        var options = configuration.GetSection(RetailOptions.Section).Get<RetailOptions>() ?? new RetailOptions();
        services.AddRetailWorkflows(options, register =>
        {
            register.RegisterWorkflow<ExportWorkflow>();
            register.RegisterActivity<ExportServiceActivity>();
            register.RegisterActivity<WriteManifestActivity>();
            register.RegisterActivity<FailExportActivity>();
        });
        return services;
    }

    public static IEndpointRouteBuilder MapUtlExports(this IEndpointRouteBuilder routes)
    {
        routes.MapExportsApi();
        return routes;
    }
}
