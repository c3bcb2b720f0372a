namespace Retail.Ipm.Kpis;

/// <summary>/kpi/record|query|alert.</summary>
public static class KpisSetup
{
    public static IServiceCollection AddKpis(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddRecords(IpmModule.Id, KpiValue.Type);
        services.AddRecords(IpmModule.Id, KpiRollup.Type);
        services.AddRecords(IpmModule.Id, KpiAlert.Type);
        services.AddScoped<KpiLedger>();
        return services;
    }

    public static IEndpointRouteBuilder MapKpis(this IEndpointRouteBuilder routes)
    {
        routes.MapKpisApi();
        return routes;
    }
}
