using Retail.Scm.Fulfilment;
using Retail.Scm.Orders;
using Retail.Scm.Payments;
using Retail.Scm.Policies;
using Retail.Scm.Quotes;
using Retail.Scm.Sources;
using Retail.Shared.Collaboration;
using Retail.Shared.Hosting;

namespace Retail.Scm;

/// <summary>Sales Cycle Management: orders and promises, fulfilment with exceptions, tender, returns and refunds, tax, routing, quotes.</summary>
public sealed class ScmModule : IServiceModule
{
    public const string Id = "scm";

    public string AppId => Id;

    public string Title => "Sales Cycle Management";

    /// <summary>
    /// Comments and inbox on SCM's records. Built once, here: a module's services are added once per host and tests build
    /// hosts in parallel, so nothing adds to it later. Add each new record type with <c>.Subject(…)</c>.
    /// </summary>
    public static readonly CommentsAndInboxOptions Collaboration = new CommentsAndInboxOptions { Endpoints = CollaborationEndpoints.CommentsAndInbox }
        .Subject(Order.Type)
        .Subject(Shipment.Type)
        .Subject(OrderReturn.Type)
        .Subject(Tender.Type)
        .Subject(EdiDocument.Type)
        .Subject(Quote.Type).Subject(Backorder.Type).Subject(SpecialOrder.Type);

    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddRecords(Id, Order.Type);
        services.AddRecords(Id, ChannelPolicy.Type);
        services.AddRecords(Id, Quote.Type);
        services.AddRecords(Id, Backorder.Type);
        services.AddRecords(Id, SpecialOrder.Type);
        services.AddScoped<ScmSources>();
        services.AddPolicies(configuration);
        services.AddOrders(configuration);
        services.AddFulfilment(configuration);
        services.AddPayments(configuration);
        services.AddQuotes(configuration);
        services.AddCommentsAndInbox(Id, Collaboration);
    }

    public void MapEndpoints(IEndpointRouteBuilder routes)
    {
        routes.MapPolicies();
        routes.MapOrders();
        routes.MapFulfilment();
        routes.MapPayments();
        routes.MapQuotes();
        routes.MapCommentsAndInbox(Collaboration);
    }
}
