using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Retail.Shared.Hosting;
using Retail.Workflows;

namespace Retail.Accounting.Exports;

/// <summary>The exports area: exports to MRS, a day's batches with repair, schedules as durable timers.</summary>
public static class ExportsSetup
{
    public static IServiceCollection AddExports(this IServiceCollection services, IConfiguration configuration)
    {
        var retail = configuration.GetSection(RetailOptions.Section).Get<RetailOptions>() ?? new RetailOptions();
        services.AddRecords(AccountingModule.Id, Export.Type);
        services.AddRecords(AccountingModule.Id, ExportBatch.Type);
        services.AddRecords(AccountingModule.Id, ExportPart.Type);
        services.AddRecords(AccountingModule.Id, ExportSchedule.Type);
        services.AddScoped<UsageFileWriter>();
        services.AddScoped<MrsFiles>();
        services.TryAddSingleton<IExportFailurePoint, NoExportFailures>();
        services.AddOptions<ExportOptions>().Bind(configuration.GetSection(ExportOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ExportOptions>, ExportOptionsValidator>();
        services.AddHostedService<ExportScheduleSweeper>();
        services.AddRetailWorkflows(retail, register =>
        {
            register.RegisterWorkflow<UsageExportWorkflow>();
            register.RegisterWorkflow<ExportBatchWorkflow>();
            register.RegisterActivity<UsageExportActivity>();
            register.RegisterActivity<ExportBatchPlanActivity>();
            register.RegisterActivity<ExportBatchPartActivity>();
            register.RegisterActivity<ExportBatchFinishActivity>();
        });
        return services;
    }

    public static IEndpointRouteBuilder MapExports(this IEndpointRouteBuilder routes)
    {
        routes.MapExportEndpoints();
        return routes;
    }
}
