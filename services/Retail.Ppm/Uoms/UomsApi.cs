namespace Retail.Ppm.Uoms;

public static class UomsApi
{
    /// <summary>/uom/set|get|list (issue 12, lists helper).</summary>
    public static IEndpointRouteBuilder MapUoms(this IEndpointRouteBuilder routes) => routes;
}
