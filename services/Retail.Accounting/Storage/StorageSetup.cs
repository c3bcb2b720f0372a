namespace Retail.Accounting.Storage;

/// <summary>The storage-usage area: recorded and measured bytes per org and service, and drift.</summary>
public static class StorageSetup
{
    public static IServiceCollection AddStorageUsage(this IServiceCollection services, IConfiguration configuration)
    {
        return services;
    }

    public static IEndpointRouteBuilder MapStorageUsage(this IEndpointRouteBuilder routes)
    {
        return routes;
    }
}
