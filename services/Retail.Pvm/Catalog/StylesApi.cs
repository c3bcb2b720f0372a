namespace Retail.Pvm.Catalog;

public static class StylesApi
{
    public static IEndpointRouteBuilder MapStyles(this IEndpointRouteBuilder routes) => routes;
}
