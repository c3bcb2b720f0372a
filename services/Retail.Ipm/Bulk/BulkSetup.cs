using Microsoft.Extensions.DependencyInjection.Extensions;
using Retail.Accounting.Exports;

namespace Retail.Ipm.Bulk;

/// <summary>/bulk/import/create|continue|commit, /bulk/export/create|continue, /bulk/job/get|list.</summary>
public static class BulkSetup
{
    public static IServiceCollection AddBulk(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddRecords(IpmModule.Id, BulkJob.Type);
        services.AddRecords(IpmModule.Id, BulkQuarantineItem.Type);
        services.AddRecords(IpmModule.Id, BulkExportPart.Type);
        services.TryAddScoped<MrsFiles>();
        services.TryAddSingleton<BulkFileCache>();
        services.AddScoped<BulkFiles>();
        services.AddScoped<BulkTarget>();
        services.AddScoped<BulkTokens>();
        return services;
    }

    public static IEndpointRouteBuilder MapBulk(this IEndpointRouteBuilder routes)
    {
        routes.MapBulkImport();
        routes.MapBulkExport();
        routes.MapBulkJobs();
        return routes;
    }
}
