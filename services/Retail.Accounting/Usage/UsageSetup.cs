using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Retail.Accounting.Usage;

/// <summary>The usage area: usage events, lineage, rollups and the reconcile report.</summary>
public static class UsageSetup
{
    public static IServiceCollection AddUsage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddRecords(AccountingModule.Id, UsageRecord.Type);
        services.AddRecords(AccountingModule.Id, UsageRollup.Type);
        services.AddOptions<UsageWriterOptions>().Bind(configuration.GetSection("Accounting:Usage"));
        services.TryAddSingleton<IOrgTimeZones, OfmOrgTimeZones>();
        services.AddSingleton<UsageWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<UsageWriter>());
        services.AddScoped<UsageDays>();
        return services;
    }

    public static IEndpointRouteBuilder MapUsage(this IEndpointRouteBuilder routes)
    {
        routes.MapUsageApi();
        return routes;
    }
}
