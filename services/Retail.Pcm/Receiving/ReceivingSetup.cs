using Retail.Shared.Hosting;

namespace Retail.Pcm.Receiving;

/// <summary>receipts against PO lines, the procure→receive→stock saga, consignment settlement: services and endpoints.</summary>
public static class ReceivingSetup
{
    public static IServiceCollection AddReceiving(this IServiceCollection services, IConfiguration configuration, RetailOptions options)
    {
        return services;
    }

    public static IEndpointRouteBuilder MapReceiving(this IEndpointRouteBuilder routes)
    {
        return routes;
    }
}
