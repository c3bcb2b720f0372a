namespace Retail.Pvm.Identifiers;

public static class ResolveApi
{
    public static IEndpointRouteBuilder MapResolvers(this IEndpointRouteBuilder routes) => routes;
}
