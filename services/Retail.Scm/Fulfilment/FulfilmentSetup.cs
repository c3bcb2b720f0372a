namespace Retail.Scm.Fulfilment;

/// <summary>shipments (pick, pack, ship, deliver, pickup), exceptions and substitutions: services and endpoints.</summary>
public static class FulfilmentSetup
{
    public static IServiceCollection AddFulfilment(this IServiceCollection services, IConfiguration configuration)
    {
        return services;
    }

    public static IEndpointRouteBuilder MapFulfilment(this IEndpointRouteBuilder routes)
    {
        return routes;
    }
}
