using Retail.Ppm.Bulk;
using Retail.Ppm.Catalog;
using Retail.Ppm.Lists;
using Retail.Ppm.Policy;
using Retail.Ppm.Prices;
using Retail.Ppm.Pricing;
using Retail.Ppm.Promotions;
using Retail.Ppm.Uoms;
using Retail.Shared.Bulk;
using Retail.Shared.Collaboration;
using Retail.Shared.Hosting;

namespace Retail.Ppm;

/// <summary>Pricing and Promotions: price lists and zones, prices with approvals, policy, dynamic rules, promotions, one resolve.</summary>
public sealed class PpmModule : IServiceModule
{
    public const string Id = "ppm";

    public string AppId => Id;

    public string Title => "Pricing and Promotions";

    /// <summary>Comments, inbox and their search on PPM's records; built once, here (hosts are built in parallel in tests).</summary>
    public static readonly CommentsAndInboxOptions Collaboration = new CommentsAndInboxOptions { Endpoints = CollaborationEndpoints.CommentsAndInbox }
        .Subject(PriceList.Type).Subject(PriceZone.Type).Subject(PriceEntry.Type).Subject(PriceApproval.Type)
        .Subject(DynamicRule.Type).Subject(Promotion.Type).Subject(Uom.Type).Subject(PricingPolicy.Type);

    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddRecords(Id, Uom.Type);
        services.AddRecords(Id, UomConversion.Type);
        services.AddPpmBulk();
        services.AddMasterRecord<PriceList>(Id);
        services.AddMasterRecord<PriceZone>(Id);
        services.AddRecords(Id, ChannelLists.Type);
        services.AddRecords(Id, FacilityZone.Type);
        services.AddRecords(Id, PricingPolicy.Type);
        services.AddRecords(Id, PriceEntry.Type);
        services.AddRecords(Id, PriceApproval.Type);
        services.AddMasterRecord<DynamicRule>(Id);
        services.AddRecords(Id, Promotion.Type);
        services.AddRecords(Id, CatalogVariant.Type);
        services.AddRecords(Id, CatalogStyle.Type);
        services.AddSingleton<PricingSnapshots>();
        services.AddScoped<PriceCatalog>();
        services.AddScoped<ResolveStores>();
        services.AddCommentsAndInbox(Id, Collaboration);
    }

    public void MapEndpoints(IEndpointRouteBuilder routes)
    {
        routes.MapUoms();
        routes.MapBulkPort();
        routes.MapPriceLists();
        routes.MapPriceZones();
        routes.MapPolicy();
        routes.MapPrices();
        routes.MapApprovals();
        routes.MapDynamicRules();
        routes.MapPromotions();
        routes.MapResolve();
        routes.MapCatalogSubscribers();
        routes.MapCommentsAndInbox(Collaboration);
    }
}
