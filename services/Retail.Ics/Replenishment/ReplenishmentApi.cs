namespace Retail.Ics.Replenishment;

public static class ReplenishmentApi
{
    public static IServiceCollection AddReplenishment(this IServiceCollection services) => services;

    public static IEndpointRouteBuilder MapReplenishment(this IEndpointRouteBuilder routes) => routes;
}
