namespace Retail.Ppm.Pricing;

public static class ResolveApi
{
    /// <summary>/price/resolve (issue 12, resolve helper).</summary>
    public static IEndpointRouteBuilder MapResolve(this IEndpointRouteBuilder routes) => routes;
}
