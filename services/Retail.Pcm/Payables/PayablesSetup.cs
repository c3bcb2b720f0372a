namespace Retail.Pcm.Payables;

/// <summary>Three-way invoice match, disputes, RTV, vendor credits, vendor performance: services and endpoints.</summary>
public static class PayablesSetup
{
    public static IServiceCollection AddPayables(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddRecords(PcmModule.Id, Invoice.Type);
        services.AddRecords(PcmModule.Id, VendorCredit.Type);
        services.AddRecords(PcmModule.Id, Rtv.Type);
        services.AddRecords(PcmModule.Id, VendorPerformance.Type);
        services.AddRecords(PcmModule.Id, PerformanceMark.Type);
        services.AddScoped<PerformanceLedger>();
        return services;
    }

    public static IEndpointRouteBuilder MapPayables(this IEndpointRouteBuilder routes)
    {
        routes.MapInvoices();
        routes.MapRtv();
        routes.MapCredits();
        routes.MapPerformance();
        return routes;
    }
}
