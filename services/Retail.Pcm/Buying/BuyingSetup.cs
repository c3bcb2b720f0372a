namespace Retail.Pcm.Buying;

/// <summary>NPI, worksheets, purchase orders (create, approve, issue with its EDI 850): services and endpoints.</summary>
public static class BuyingSetup
{
    public static IServiceCollection AddBuying(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddRecords(PcmModule.Id, EdiDocument.Type);
        services.AddRecords(PcmModule.Id, Npi.Type);
        services.AddRecords(PcmModule.Id, Worksheet.Type);
        services.AddScoped<BuyingChecks>();
        services.AddScoped<NpiPvm>();
        return services;
    }

    public static IEndpointRouteBuilder MapBuying(this IEndpointRouteBuilder routes)
    {
        routes.MapPurchaseOrders();
        routes.MapNpi();
        routes.MapWorksheets();
        return routes;
    }
}
