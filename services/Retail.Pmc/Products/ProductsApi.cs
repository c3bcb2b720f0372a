namespace Retail.Pmc.Products;

public static class ProductsApi
{
    /// <summary>The pointer switch and the revision writer (scoped: they use the request's record stores).</summary>
    public static IServiceCollection AddProducts(this IServiceCollection services)
    {
        services.AddScoped<ProductSwitch>();
        services.AddScoped<RevisionWriter>();
        return services;
    }

    public static IEndpointRouteBuilder MapProducts(this IEndpointRouteBuilder routes)
    {
        // TODO(products helper): /product/revision/list, /product/pointer/get|set|clear, /product/online/set|clear, /build/stats
        return routes;
    }

    public static IEndpointRouteBuilder MapPacks(this IEndpointRouteBuilder routes)
    {
        // TODO(products helper): /pack/create|complete|get|list
        return routes;
    }
}
