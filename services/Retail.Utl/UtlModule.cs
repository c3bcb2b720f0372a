using Retail.Utl.Exports;
using Retail.Utl.Offboarding;

namespace Retail.Utl;

/// <summary>
/// UTL, leaving cleanly: a full export of an org's data from every service, and the export → freeze → purge saga with a
/// legal hold, a cooling-off period, verification and a purge certificate.
/// </summary>
public sealed class UtlModule : IServiceModule
{
    public const string Id = "utl";

    public string AppId => Id;

    public string Title => "Offboarding and export";

    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddUtlExports(configuration);
        services.AddUtlOffboarding(configuration);
    }

    public void MapEndpoints(IEndpointRouteBuilder routes)
    {
        routes.MapUtlExports();
        routes.MapUtlOffboarding();
    }
}
