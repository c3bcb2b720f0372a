namespace Retail.Pvm.Catalog;

public static class VariantsApi
{
    public static IEndpointRouteBuilder MapVariants(this IEndpointRouteBuilder routes) => routes;
}
