namespace Retail.Ucp.Webhooks;

/// <summary>Order webhooks, the REST catalog and orders (owned by the webhooks work; fill in).</summary>
public static class WebhooksSetup
{
    public static IServiceCollection AddUcpWebhooks(this IServiceCollection services, IConfiguration configuration) => services;

    public static IEndpointRouteBuilder MapUcpWebhooks(this IEndpointRouteBuilder routes) => routes;
}
