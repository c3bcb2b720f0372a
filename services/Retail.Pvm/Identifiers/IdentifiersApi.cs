namespace Retail.Pvm.Identifiers;

public static class IdentifiersApi
{
    public static IEndpointRouteBuilder MapIdentifiers(this IEndpointRouteBuilder routes) => routes;
}
