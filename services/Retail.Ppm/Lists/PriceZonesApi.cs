namespace Retail.Ppm.Lists;

public static class PriceZonesApi
{
    /// <summary>/price-zone/set|get|list|status/set|assign|assign/clear|resolve|assignments (issue 12, lists helper).</summary>
    public static IEndpointRouteBuilder MapPriceZones(this IEndpointRouteBuilder routes) => routes;
}
