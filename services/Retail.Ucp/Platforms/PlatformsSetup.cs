namespace Retail.Ucp.Platforms;

/// <summary>Platforms, config, discovery and identity linking (owned by the platforms work; fill in).</summary>
public static class PlatformsSetup
{
    public static IServiceCollection AddUcpPlatforms(this IServiceCollection services, IConfiguration configuration) => services;

    public static IEndpointRouteBuilder MapUcpPlatforms(this IEndpointRouteBuilder routes) => routes;

    /// <summary>The discovery documents at the host's root (<c>/.well-known/ucp</c>, the OAuth metadata).</summary>
    public static IEndpointRouteBuilder MapUcpDiscovery(this IEndpointRouteBuilder root) => root;
}
