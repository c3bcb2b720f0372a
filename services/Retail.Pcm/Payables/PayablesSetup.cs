namespace Retail.Pcm.Payables;

/// <summary>three-way invoice match, disputes, RTV, vendor credits, vendor performance: services and endpoints.</summary>
public static class PayablesSetup
{
    public static IServiceCollection AddPayables(this IServiceCollection services, IConfiguration configuration)
    {
        return services;
    }

    public static IEndpointRouteBuilder MapPayables(this IEndpointRouteBuilder routes)
    {
        return routes;
    }
}
