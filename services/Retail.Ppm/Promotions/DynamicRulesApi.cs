namespace Retail.Ppm.Promotions;

public static class DynamicRulesApi
{
    /// <summary>/dynamic-rule/set|get|list|status/set (issue 12, promotions helper).</summary>
    public static IEndpointRouteBuilder MapDynamicRules(this IEndpointRouteBuilder routes) => routes;
}
