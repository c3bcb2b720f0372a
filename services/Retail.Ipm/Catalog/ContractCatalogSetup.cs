namespace Retail.Ipm.Catalog;

/// <summary>/event/catalog/list, /export/contract/list, /lifecycle/list, /specimen/get, /pagination/get.</summary>
public static class ContractCatalogSetup
{
    public static IServiceCollection AddContractCatalog(this IServiceCollection services, IConfiguration configuration)
    {
        return services;
    }

    public static IEndpointRouteBuilder MapContractCatalog(this IEndpointRouteBuilder routes)
    {
        return routes;
    }
}
