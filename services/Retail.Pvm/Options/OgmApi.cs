namespace Retail.Pvm.Options;

public static class OgmApi
{
    public static IEndpointRouteBuilder MapOgm(this IEndpointRouteBuilder routes) => routes;
}
