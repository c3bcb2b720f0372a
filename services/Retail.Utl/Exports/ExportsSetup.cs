namespace Retail.Utl.Exports;

public static class ExportsSetup
{
    public static IServiceCollection AddUtlExports(this IServiceCollection services, IConfiguration configuration) => services;

    public static IEndpointRouteBuilder MapUtlExports(this IEndpointRouteBuilder routes) => routes;
}
