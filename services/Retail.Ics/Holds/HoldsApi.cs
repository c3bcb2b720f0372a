namespace Retail.Ics.Holds;

public static class HoldsApi
{
    public static IServiceCollection AddHolds(this IServiceCollection services, IConfiguration configuration) => services;

    public static IEndpointRouteBuilder MapHolds(this IEndpointRouteBuilder routes) => routes;
}
