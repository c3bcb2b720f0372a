namespace Retail.Ics.Counts;

public static class CountsApi
{
    public static IServiceCollection AddCounts(this IServiceCollection services) => services;

    public static IEndpointRouteBuilder MapCounts(this IEndpointRouteBuilder routes) => routes;
}
