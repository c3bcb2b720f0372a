namespace Retail.Pvm.Identifiers;

public static class AliasesApi
{
    public static IEndpointRouteBuilder MapAliases(this IEndpointRouteBuilder routes) => routes;
}
