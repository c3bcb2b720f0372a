using Retail.Shared.Events;
using Retail.Shared.Webhooks;

namespace Retail.Ipm.Webhooks;

/// <summary>/webhook/create|get|list|status/set|replay and the subscriber that turns every business event into deliveries.</summary>
public static class WebhooksSetup
{
    public static IServiceCollection AddWebhooks(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddRecords(IpmModule.Id, Webhook.Type);
        services.AddOrgDeliveryInterest<WebhookInterest, Webhook>(WebhookInterest.Holding);
        services.AddOptions<IpmWebhookOptions>().Bind(configuration.GetSection(WebhookDeliveryOptions.Section))
            .Validate(o => o.DisableAfterFailures >= 1 && o.ReplayLimit > TimeSpan.Zero && o.MaxPerOrg >= 1,
                $"{WebhookDeliveryOptions.Section}: DisableAfterFailures and MaxPerOrg must be at least 1, ReplayLimit positive")
            .ValidateOnStart();
        services.AddSingleton(sp => new WebhookSecrets(sp.GetRequiredService<IConfiguration>(), sp.GetRequiredService<IOperatorKeyProvider>(),
            sp.GetRequiredKeyedService<IStateStore>(StateStoreKeys.Records(IpmModule.Id))));
        services.AddKeyedScoped<IDeliveryDestinations, WebhookDestinations>(IpmModule.Id);
        services.AddWebhookDeliveries(IpmModule.Id);
        return services;
    }

    public static IEndpointRouteBuilder MapWebhooks(this IEndpointRouteBuilder routes)
    {
        routes.MapWebhooksApi();
        routes.MapWebhookFanOut();
        return routes;
    }
}
