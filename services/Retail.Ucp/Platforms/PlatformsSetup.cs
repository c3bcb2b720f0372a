using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Retail.Ucp.Config;
using Retail.Ucp.Discovery;
using Retail.Ucp.Identity;

namespace Retail.Ucp.Platforms;

/// <summary>Platforms, config, discovery and identity linking: the records, the signing keys, the token check, the endpoints.</summary>
public static class PlatformsSetup
{
    public static IServiceCollection AddUcpPlatforms(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddRecords(UcpModule.Id, SigningKeyRecord.Type);
        services.AddRecords(UcpModule.Id, UcpConfig.Type);
        services.AddRecords(UcpModule.Id, BusinessDomain.Type);
        services.AddRecords(UcpModule.Id, IdentityLink.Type);
        services.AddRecords(UcpModule.Id, AuthorizationCode.Type);
        services.AddRecords(UcpModule.Id, TokenFamily.Type);
        services.AddOptions<PlatformOptions>().Bind(configuration.GetSection(PlatformOptions.Section));
        services.AddSingleton<IValidateOptions<PlatformOptions>, PlatformOptionsValidator>();
        services.AddOptions<IdentityOptions>().Bind(configuration.GetSection(IdentityOptions.Section));
        services.AddSingleton<IValidateOptions<IdentityOptions>, IdentityOptionsValidator>();
        services.TryAddSingleton<SigningKeySealer>();
        services.AddScoped<IUcpSigningKeys>(sp => new UcpSigningKeys(sp.GetRequiredService<RecordStore<SigningKeyRecord>>(),
            sp.GetRequiredKeyedService<IStateStore>(StateStoreKeys.Records(UcpModule.Id)), sp.GetRequiredService<SigningKeySealer>()));
        services.AddScoped<IPlatformTokenAuthenticator, IdentityTokenAuthenticator>();
        return services;
    }

    public static IEndpointRouteBuilder MapUcpPlatforms(this IEndpointRouteBuilder routes)
    {
        routes.MapPlatformsApi();
        routes.MapConfigApi();
        routes.MapIdentityApi();
        routes.MapDiscoveryApi();
        return routes;
    }

    /// <summary>The discovery documents at the host's root (<c>/.well-known/ucp</c>, the OAuth metadata), naming <c>/ucp</c> as the base.</summary>
    public static IEndpointRouteBuilder MapUcpDiscovery(this IEndpointRouteBuilder root) => root.MapDiscoveryApi("/" + UcpModule.Id);
}
