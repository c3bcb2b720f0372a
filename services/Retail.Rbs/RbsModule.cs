using Retail.Rbs.Subscriptions;
using Retail.Shared.Hosting;

namespace Retail.Rbs;

/// <summary>
/// RBS, the retail bus for partners: subscriptions of partner endpoints to bus topics with filters, verified by a
/// challenge before anything is delivered, signed test events, and deliveries through the shared webhook engine.
/// </summary>
public sealed class RbsModule : IServiceModule
{
    public const string Id = "rbs";

    public string AppId => Id;

    public string Title => "Retail bus for partners";

    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSubscriptions(configuration);
        // Sealed subscription secrets ("rbs-subscription-secret|{org}|{guid}") go with the org at offboarding.
        services.AddSingleton(new Retail.Shared.OrgData.OrgKeyPrefix("rbs-subscription-secret"));
    }

    public void MapEndpoints(IEndpointRouteBuilder routes) => routes.MapSubscriptions();
}
