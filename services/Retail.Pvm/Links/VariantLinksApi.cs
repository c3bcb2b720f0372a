namespace Retail.Pvm.Links;

public static class VariantLinksApi
{
    public static IEndpointRouteBuilder MapVariantLinks(this IEndpointRouteBuilder routes) => routes;
}
