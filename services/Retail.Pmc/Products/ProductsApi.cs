namespace Retail.Pmc.Products;

public static class ProductsApi
{
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
