namespace Retail.Scm.Fulfilment;

/// <summary>shipments (pick, pack, ship, deliver, pickup), exceptions and substitutions: services and endpoints.</summary>
public static class FulfilmentSetup
{
    public static IServiceCollection AddFulfilment(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddRecords(ScmModule.Id, Shipment.Type);
        services.AddRecords(ScmModule.Id, ShipmentException.Type);
        services.AddOptions<FulfilmentOptions>().Bind(configuration.GetSection(FulfilmentOptions.Section));
        services.AddScoped<FulfilmentSources>();
        services.AddScoped<ShipmentChanges>();
        return services;
    }

    public static IEndpointRouteBuilder MapFulfilment(this IEndpointRouteBuilder routes)
    {
        routes.MapShipments();
        routes.MapShipmentExceptions();
        return routes;
    }
}
