namespace Retail.Ics.Facilities;

public static class BinsApi
{
    public static IServiceCollection AddBins(this IServiceCollection services) => services;

    public static IEndpointRouteBuilder MapBins(this IEndpointRouteBuilder routes) => routes;
}
