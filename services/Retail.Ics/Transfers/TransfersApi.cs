namespace Retail.Ics.Transfers;

public static class TransfersApi
{
    public static IServiceCollection AddTransfers(this IServiceCollection services) => services;

    public static IEndpointRouteBuilder MapTransfers(this IEndpointRouteBuilder routes) => routes;
}
