namespace Retail.Ics.Warehouse;

public static class WarehouseApi
{
    public static IServiceCollection AddWarehouse(this IServiceCollection services) => services;

    public static IEndpointRouteBuilder MapWarehouse(this IEndpointRouteBuilder routes) => routes;
}
