namespace Retail.Ipm.Kpis;

/// <summary>/kpi/record|query|alert.</summary>
public static class KpisSetup
{
    public static IServiceCollection AddKpis(this IServiceCollection services, IConfiguration configuration)
    {
        return services;
    }

    public static IEndpointRouteBuilder MapKpis(this IEndpointRouteBuilder routes)
    {
        return routes;
    }
}
