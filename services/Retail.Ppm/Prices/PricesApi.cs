namespace Retail.Ppm.Prices;

public static class PricesApi
{
    /// <summary>/price/set|get|list (issue 12, prices helper).</summary>
    public static IEndpointRouteBuilder MapPrices(this IEndpointRouteBuilder routes) => routes;
}
