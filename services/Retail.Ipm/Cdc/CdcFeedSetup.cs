namespace Retail.Ipm.Cdc;

/// <summary>/cdc/list: the org change feed, fed from the cdc topic into IPM's own log.</summary>
public static class CdcFeedSetup
{
    public static IServiceCollection AddCdcFeed(this IServiceCollection services, IConfiguration configuration)
    {
        return services;
    }

    public static IEndpointRouteBuilder MapCdcFeed(this IEndpointRouteBuilder routes)
    {
        return routes;
    }
}
