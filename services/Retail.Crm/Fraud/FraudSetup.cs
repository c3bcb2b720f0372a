namespace Retail.Crm.Fraud;

/// <summary>The fraud area: its services and endpoints.</summary>
public static class FraudSetup
{
    public static IServiceCollection AddFraud(this IServiceCollection services, IConfiguration configuration)
    {
        return services;
    }

    public static IEndpointRouteBuilder MapFraud(this IEndpointRouteBuilder routes)
    {
        return routes;
    }
}
