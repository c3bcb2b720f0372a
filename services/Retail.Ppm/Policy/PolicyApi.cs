namespace Retail.Ppm.Policy;

public static class PolicyApi
{
    /// <summary>/policy/get|set (issue 12, lists helper).</summary>
    public static IEndpointRouteBuilder MapPolicy(this IEndpointRouteBuilder routes) => routes;
}
