namespace Retail.Ppm.Lists;

public static class PriceListsApi
{
    /// <summary>/price-list/set|get|list|status/set|assign|assign/clear|resolve|assignments (issue 12, lists helper).</summary>
    public static IEndpointRouteBuilder MapPriceLists(this IEndpointRouteBuilder routes) => routes;
}
