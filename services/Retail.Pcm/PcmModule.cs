using Retail.Pcm.Buying;
using Retail.Pcm.Payables;
using Retail.Pcm.Policy;
using Retail.Pcm.Receiving;
using Retail.Pcm.Sources;
using Retail.Shared.Collaboration;
using Retail.Shared.Hosting;

namespace Retail.Pcm;

/// <summary>Procurement Cycle Management: NPI, worksheets, purchase orders with approvals, receipts into stock, three-way match, RTV.</summary>
public sealed class PcmModule : IServiceModule
{
    public const string Id = "pcm";

    public string AppId => Id;

    public string Title => "Procurement Cycle Management";

    /// <summary>
    /// Comments and inbox on PCM's records. Built once, here: a module's services are added once per host and tests
    /// build hosts in parallel, so nothing adds to it later. Add each new record type with <c>.Subject(…)</c>.
    /// </summary>
    public static readonly CommentsAndInboxOptions Collaboration = new CommentsAndInboxOptions { Endpoints = CollaborationEndpoints.CommentsAndInbox }
        .Subject(PurchaseOrder.Type)
        .Subject(Receipt.Type)
        .Subject(Invoice.Type)
        .Subject(Rtv.Type)
        .Subject(Npi.Type)
        .Subject(Worksheet.Type);

    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(RetailOptions.Section).Get<RetailOptions>() ?? new RetailOptions();
        services.AddRecords(Id, ProcurementPolicy.Type);
        services.AddRecords(Id, PurchaseOrder.Type);
        services.AddRecords(Id, Receipt.Type);
        services.AddScoped<PcmSources>();
        services.AddBuying(configuration);
        services.AddReceiving(configuration, options);
        services.AddPayables(configuration);
        services.AddCommentsAndInbox(Id, Collaboration);
    }

    public void MapEndpoints(IEndpointRouteBuilder routes)
    {
        routes.MapPolicy();
        routes.MapBuying();
        routes.MapReceiving();
        routes.MapPayables();
        routes.MapCommentsAndInbox(Collaboration);
    }
}
