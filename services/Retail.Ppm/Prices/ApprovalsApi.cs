namespace Retail.Ppm.Prices;

public static class ApprovalsApi
{
    /// <summary>/price/approval/submit|approve|reject (issue 12, prices helper).</summary>
    public static IEndpointRouteBuilder MapApprovals(this IEndpointRouteBuilder routes) => routes;
}
