namespace Retail.Ics.Stock;

public static class StockApi
{
    public static IServiceCollection AddStock(this IServiceCollection services) => services;

    public static IEndpointRouteBuilder MapStock(this IEndpointRouteBuilder routes) => routes;
}
