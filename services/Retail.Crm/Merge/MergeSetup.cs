namespace Retail.Crm.Merge;

/// <summary>The merge area: its services and endpoints.</summary>
public static class MergeSetup
{
    public static IServiceCollection AddMerge(this IServiceCollection services, IConfiguration configuration)
    {
        return services;
    }

    public static IEndpointRouteBuilder MapMerge(this IEndpointRouteBuilder routes)
    {
        return routes;
    }
}
