namespace Retail.Accounting.Usage;

/// <summary>The usage area: usage events, lineage, rollups and the reconcile report.</summary>
public static class UsageSetup
{
    public static IServiceCollection AddUsage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddRecords(AccountingModule.Id, UsageRecord.Type);
        services.AddRecords(AccountingModule.Id, UsageRollup.Type);
        return services;
    }

    public static IEndpointRouteBuilder MapUsage(this IEndpointRouteBuilder routes)
    {
        return routes;
    }
}
