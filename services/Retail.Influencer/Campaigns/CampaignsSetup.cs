namespace Retail.Influencer.Campaigns;

/// <summary>The campaigns area: its records, the PPM buyer-discount port, and endpoints (campaigns and discount tiers).</summary>
public static class CampaignsSetup
{
    public static IServiceCollection AddCampaigns(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddRecords(InfluencerModule.Id, Campaign.Type);
        services.AddRecords(InfluencerModule.Id, DiscountTier.Type);
        services.AddScoped<BuyerDiscounts>();
        return services;
    }

    public static IEndpointRouteBuilder MapCampaigns(this IEndpointRouteBuilder routes)
    {
        routes.MapCampaignsApi();
        routes.MapDiscountTiersApi();
        return routes;
    }
}
