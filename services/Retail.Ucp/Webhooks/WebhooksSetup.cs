using Retail.Shared.Events;
using Retail.Shared.Webhooks;

namespace Retail.Ucp.Webhooks;

/// <summary>
/// Order webhooks (/webhook/config/set|get, /webhook/test, the SCM fan-out on the shared delivery engine) and the REST
/// binding's catalog and orders.
/// </summary>
public static class WebhooksSetup
{
    public static IServiceCollection AddUcpWebhooks(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddRecords(UcpModule.Id, UcpWebhookConfig.Type);
        services.AddRecords(UcpModule.Id, UcpOrderLink.Type);
        services.AddOptions<UcpWebhookOptions>().Bind(configuration.GetSection(UcpWebhookOptions.Section))
            .Validate(o => o.PauseAfterFailures >= 1, $"{UcpWebhookOptions.Section}:PauseAfterFailures must be at least 1")
            .ValidateOnStart();
        services.AddSingleton(sp => new UcpWebhookSecrets(sp.GetRequiredService<IConfiguration>(), sp.GetRequiredService<IOperatorKeyProvider>(),
            sp.GetRequiredKeyedService<IStateStore>(StateStoreKeys.Records(UcpModule.Id))));
        services.AddKeyedScoped<IDeliveryDestinations, UcpWebhookDestinations>(UcpModule.Id);
        services.AddScoped<UcpWebhookFanOut>();
        services.AddOrgDeliveryInterest<UcpWebhookInterest, UcpWebhookConfig>(UcpWebhookInterest.Holding);
        services.AddWebhookDeliveries(UcpModule.Id);
        return services;
    }

    public static IEndpointRouteBuilder MapUcpWebhooks(this IEndpointRouteBuilder routes)
    {
        routes.MapUcpWebhooksApi();
        routes.MapUcpWebhookFanOut();
        Retail.Ucp.Rest.UcpRestApi.MapUcpRest(routes);
        return routes;
    }
}
