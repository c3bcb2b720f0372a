namespace Retail.Ics.Consignment;

public static class ConsignmentApi
{
    public static IServiceCollection AddConsignment(this IServiceCollection services) => services;

    public static IEndpointRouteBuilder MapConsignment(this IEndpointRouteBuilder routes) => routes;
}
