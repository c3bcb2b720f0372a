namespace Retail.Rbs.Subscriptions;

/// <summary>/subscription/register|verify|update|status/set|unregister|test|get|list and the bus fan-out to verified, active subscriptions.</summary>
public static class SubscriptionsSetup
{
    public static IServiceCollection AddSubscriptions(this IServiceCollection services, IConfiguration configuration)
    {
        return services;
    }

    public static IEndpointRouteBuilder MapSubscriptions(this IEndpointRouteBuilder routes)
    {
        return routes;
    }
}
