namespace Retail.Ppm.Promotions;

public static class PromotionsApi
{
    /// <summary>/promotion/create|get|list|end (issue 12, promotions helper).</summary>
    public static IEndpointRouteBuilder MapPromotions(this IEndpointRouteBuilder routes) => routes;
}
