namespace Retail.Influencer.Payouts;

/// <summary>The payouts area: its records, services and endpoints.</summary>
public static class PayoutsSetup
{
    public static IServiceCollection AddPayouts(this IServiceCollection services, IConfiguration configuration)
    {
        return services;
    }

    public static IEndpointRouteBuilder MapPayouts(this IEndpointRouteBuilder routes)
    {
        return routes;
    }
}
