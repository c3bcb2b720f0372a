namespace Retail.Pvm.Taxonomy;

public static class TaxonomyApi
{
    public static IEndpointRouteBuilder MapTaxonomy(this IEndpointRouteBuilder routes) => routes;
}
