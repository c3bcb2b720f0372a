using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Retail.Ucp.Platforms;

/// <summary>Platforms, config, discovery and identity linking: the records, the signing keys, the endpoints.</summary>
public static class PlatformsSetup
{
    public static IServiceCollection AddUcpPlatforms(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddRecords(UcpModule.Id, SigningKeyRecord.Type);
        services.AddOptions<PlatformOptions>().Bind(configuration.GetSection(PlatformOptions.Section));
        services.AddSingleton<IValidateOptions<PlatformOptions>, PlatformOptionsValidator>();
        services.TryAddSingleton<SigningKeySealer>();
        services.AddScoped<IUcpSigningKeys>(sp => new UcpSigningKeys(sp.GetRequiredService<RecordStore<SigningKeyRecord>>(),
            sp.GetRequiredKeyedService<IStateStore>(StateStoreKeys.Records(UcpModule.Id)), sp.GetRequiredService<SigningKeySealer>()));
        return services;
    }

    public static IEndpointRouteBuilder MapUcpPlatforms(this IEndpointRouteBuilder routes)
    {
        routes.MapPlatformsApi();
        return routes;
    }

    /// <summary>The discovery documents at the host's root (<c>/.well-known/ucp</c>, the OAuth metadata).</summary>
    public static IEndpointRouteBuilder MapUcpDiscovery(this IEndpointRouteBuilder root) => root;
}
