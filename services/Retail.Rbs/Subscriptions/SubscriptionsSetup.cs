using Microsoft.Extensions.Options;
using Retail.Shared.Events;
using Retail.Shared.Webhooks;

namespace Retail.Rbs.Subscriptions;

/// <summary>/subscription/register|verify|update|status/set|unregister|test|get|list and the bus fan-out to verified, active subscriptions.</summary>
public static class SubscriptionsSetup
{
    public static IServiceCollection AddSubscriptions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddRecords(RbsModule.Id, Subscription.Type);
        services.AddOrgDeliveryInterest<SubscriptionInterest, Subscription>(SubscriptionInterest.Holding);
        services.AddOptions<SubscriptionOptions>().Bind(configuration.GetSection(SubscriptionOptions.Section));
        services.AddSingleton<IValidateOptions<SubscriptionOptions>, SubscriptionOptionsValidator>();
        services.AddSingleton<SubscriptionUrls>();
        services.AddScoped<SubscriptionSecrets>();
        services.AddScoped<SubscriptionFanOut>();
        services.AddWebhookDeliveries(RbsModule.Id);
        services.AddKeyedScoped<IDeliveryDestinations, SubscriptionDestinations>(RbsModule.Id);
        return services;
    }

    public static IEndpointRouteBuilder MapSubscriptions(this IEndpointRouteBuilder routes)
    {
        routes.MapSubscriptionsApi();
        routes.MapSubscriptionFanOut();
        return routes;
    }
}
