namespace Retail.Ipm.Bulk;

/// <summary>/bulk/import/create|continue|commit, /bulk/export/create|continue, /bulk/job/get|list.</summary>
public static class BulkSetup
{
    public static IServiceCollection AddBulk(this IServiceCollection services, IConfiguration configuration)
    {
        return services;
    }

    public static IEndpointRouteBuilder MapBulk(this IEndpointRouteBuilder routes)
    {
        return routes;
    }
}
