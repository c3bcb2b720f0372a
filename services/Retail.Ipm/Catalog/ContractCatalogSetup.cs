using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Retail.Ipm.Catalog;

/// <summary>/event/catalog/list, /export/contract/list, /lifecycle/list, /specimen/get, /pagination/get.</summary>
public static class ContractCatalogSetup
{
    public static IServiceCollection AddContractCatalog(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton<PageTokens>();
        services.TryAddSingleton(_ => new ContractCatalog(ServiceModules.All, ServiceModules.Events));
        return services;
    }

    public static IEndpointRouteBuilder MapContractCatalog(this IEndpointRouteBuilder routes)
    {
        routes.MapContractCatalogApi();
        return routes;
    }
}
