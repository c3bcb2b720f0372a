namespace Retail.Crm.Loyalty;

/// <summary>The loyalty area: its services and endpoints.</summary>
public static class LoyaltySetup
{
    public static IServiceCollection AddLoyalty(this IServiceCollection services, IConfiguration configuration)
    {
        return services;
    }

    public static IEndpointRouteBuilder MapLoyalty(this IEndpointRouteBuilder routes)
    {
        return routes;
    }
}
