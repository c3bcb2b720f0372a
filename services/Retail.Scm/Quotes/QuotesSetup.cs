namespace Retail.Scm.Quotes;

/// <summary>Quotes, backorders and special orders (UC-SCM-004, UC-SCM-005): services and endpoints.</summary>
public static class QuotesSetup
{
    public static IServiceCollection AddQuotes(this IServiceCollection services, IConfiguration configuration) => services;

    public static IEndpointRouteBuilder MapQuotes(this IEndpointRouteBuilder routes)
    {
        routes.MapQuoteEndpoints();
        routes.MapBackorderEndpoints();
        routes.MapSpecialOrderEndpoints();
        return routes;
    }
}
