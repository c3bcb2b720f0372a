using Retail.Ucp.Platforms;

namespace Retail.Ucp;

/// <summary>
/// UCP, the Universal Commerce Protocol adapter: platform credentials, capability config and discovery, checkout sessions
/// that become real SCM orders, signed order webhooks, OAuth identity linking, and the specification's public REST binding.
/// </summary>
public sealed class UcpModule : IServiceModule
{
    public const string Id = "ucp";

    public string AppId => Id;

    public string Title => "Universal Commerce Protocol adapter";

    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddRecords(Id, Platform.Type);
        // Sealed signing keys and webhook secrets ("ucp-signing-key|{org}|…", "ucp-webhook-secret|{org}|…") go with the org at offboarding.
        services.AddSingleton(new Retail.Shared.OrgData.OrgKeyPrefix("ucp-signing-key"));
        services.AddSingleton(new Retail.Shared.OrgData.OrgKeyPrefix("ucp-webhook-secret"));
        services.AddUcpPlatforms(configuration);
        services.AddUcpCheckout(configuration);
        services.AddUcpWebhooks(configuration);
    }

    public void MapEndpoints(IEndpointRouteBuilder routes)
    {
        routes.MapUcpPlatforms();
        routes.MapUcpCheckout();
        routes.MapUcpWebhooks();
    }

    public void MapRootEndpoints(IEndpointRouteBuilder root) => root.MapUcpDiscovery();
}
