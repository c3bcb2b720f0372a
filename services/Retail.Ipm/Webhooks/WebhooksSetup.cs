namespace Retail.Ipm.Webhooks;

/// <summary>/webhook/create|get|list|status/set|replay and the subscriber that turns every business event into deliveries.</summary>
public static class WebhooksSetup
{
    public static IServiceCollection AddWebhooks(this IServiceCollection services, IConfiguration configuration)
    {
        return services;
    }

    public static IEndpointRouteBuilder MapWebhooks(this IEndpointRouteBuilder routes)
    {
        return routes;
    }
}
