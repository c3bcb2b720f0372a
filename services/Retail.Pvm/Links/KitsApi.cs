namespace Retail.Pvm.Links;

public static class KitsApi
{
    public static IEndpointRouteBuilder MapKits(this IEndpointRouteBuilder routes) => routes;
}
