namespace Retail.Scm.Orders;

/// <summary>orders (create, place, cancel, search) and promises (quote, reserve, allocate, commit, release): services and endpoints.</summary>
public static class OrdersSetup
{
    public static IServiceCollection AddOrders(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddScoped<OrderHolds>();
        services.AddScoped<OrderLifecycle>();
        services.AddScoped<OrderPromises>();
        services.AddRecords(ScmModule.Id, CustomerHoldProjection.Type);
        return services;
    }

    public static IEndpointRouteBuilder MapOrders(this IEndpointRouteBuilder routes)
    {
        routes.MapOrderEndpoints();
        routes.MapPromiseEndpoints();
        routes.MapCustomerHoldSubscriber();
        return routes;
    }
}
