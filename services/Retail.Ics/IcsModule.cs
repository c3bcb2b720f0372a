using Microsoft.Extensions.Options;
using Retail.Ics.Bulk;
using Retail.Ics.Catalog;
using Retail.Ics.Consignment;
using Retail.Ics.Counts;
using Retail.Ics.Facilities;
using Retail.Ics.Holds;
using Retail.Ics.Replenishment;
using Retail.Ics.Stock;
using Retail.Ics.Transfers;
using Retail.Ics.Warehouse;
using Retail.Shared.Bulk;
using Retail.Shared.Collaboration;
using Retail.Shared.Events;
using Retail.Shared.Hosting;

namespace Retail.Ics;

/// <summary>Inventory Control: the stock ledger and its balances, holds for orders, warehouse flows, transfers, counts, consignment.</summary>
public sealed class IcsModule : IServiceModule
{
    public const string Id = "ics";

    public string AppId => Id;

    public string Title => "Inventory Control";

    /// <summary>
    /// Comments, inbox and their search on ICS's records. Built once, here: a module's services are added once per host
    /// and tests build hosts in parallel, so nothing adds to it later.
    /// </summary>
    public static readonly CommentsAndInboxOptions Collaboration = new CommentsAndInboxOptions { Endpoints = CollaborationEndpoints.All }
        .Subject(Movement.Type).Subject(Position.Type).Subject(Hold.Type)
        .Subject(Receipt.Type).Subject(Pack.Type).Subject(Shipment.Type)
        .Subject(Transfer.Type).Subject(TransferShipment.Type)
        .Subject(Adjustment.Type)
        .Subject(CountPlan.Type).Subject(StockCount.Type)
        .Subject(StorageZone.Type).Subject(Bin.Type)
        .Subject(ReplenishmentRule.Type)
        .Subject(ConsignmentLedger.Type);

    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddRecords(Id, Position.Type);
        services.AddRecords(Id, BinBalance.Type);
        services.AddRecords(Id, Movement.Type);
        services.AddRecords(Id, FacilityPolicy.Type);
        services.AddRecords(Id, CatalogVariant.Type);
        services.AddRecords(Id, Hold.Type);
        services.AddIcsBulk();
        services.AddSingleton<PositionLocks>();
        services.AddScoped<StockLedger>();
        services.AddScoped<VariantCatalog>();
        services.AddScoped<FacilityCheck>();
        services.AddHolds(configuration);
        services.AddStock();
        services.AddWarehouse();
        services.AddConsignment();
        services.AddTransfers();
        services.AddReplenishment();
        services.AddBins();
        services.AddCounts();
        services.AddCommentsAndInbox(Id, Collaboration);
    }

    public void MapEndpoints(IEndpointRouteBuilder routes)
    {
        routes.MapStock();
        routes.MapAvailability();
        routes.MapBulkPort();
        routes.MapWarehouse();
        routes.MapHolds();
        routes.MapTransfers();
        routes.MapReplenishment();
        routes.MapBins();
        routes.MapCounts();
        routes.MapConsignment();
        routes.MapCommentsAndInbox(Collaboration);
        var pubSub = routes.ServiceProvider.GetRequiredService<IOptions<RetailOptions>>().Value.PubSubName;
        routes.MapPost("/events/pvm-variant", CatalogSubscribers.OnVariantChanged).WithBulkTopics(pubSub, CatalogSubscribers.VariantTopics)
            .RequireInternal().ExcludeFromDescription();
        routes.MapPost("/events/pvm-kit", CatalogSubscribers.OnKitChanged).WithTopic(pubSub, CatalogSubscribers.KitTopic)
            .RequireInternal().ExcludeFromDescription();
    }
}
