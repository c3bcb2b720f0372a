using Retail.Pcm.Receiving.Consignment;
using Retail.Pcm.Receiving.Saga;
using Retail.Shared.Hosting;
using Retail.Workflows;

namespace Retail.Pcm.Receiving;

/// <summary>receipts against PO lines, the procure→receive→stock saga, consignment settlement: services and endpoints.</summary>
public static class ReceivingSetup
{
    public static IServiceCollection AddReceiving(this IServiceCollection services, IConfiguration configuration, RetailOptions options)
    {
        services.AddRecords(PcmModule.Id, ConsignmentSettlement.Type);
        services.AddRetailWorkflows(options, register =>
        {
            register.RegisterWorkflow<ProcureToStockWorkflow>();
            register.RegisterActivity<ReceiveIntoIcsActivity>();
            register.RegisterActivity<PutawayActivity>();
            register.RegisterActivity<CompleteReceiptActivity>();
            register.RegisterActivity<FailReceiptActivity>();
        });
        return services;
    }

    public static IEndpointRouteBuilder MapReceiving(this IEndpointRouteBuilder routes)
    {
        routes.MapReceiptEndpoints();
        routes.MapConsignmentEndpoints();
        routes.MapReceiptRecordedSubscriber();
        return routes;
    }
}
