namespace Retail.Crm.Customers;

/// <summary>The customers area: its services and endpoints.</summary>
public static class CustomersSetup
{
    public static IServiceCollection AddCustomers(this IServiceCollection services, IConfiguration configuration)
    {
        return services;
    }

    public static IEndpointRouteBuilder MapCustomers(this IEndpointRouteBuilder routes)
    {
        return routes;
    }
}
