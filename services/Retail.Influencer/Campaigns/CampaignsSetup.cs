namespace Retail.Influencer.Campaigns;

/// <summary>The campaigns area: its records, services and endpoints.</summary>
public static class CampaignsSetup
{
    public static IServiceCollection AddCampaigns(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddRecords(InfluencerModule.Id, Campaign.Type);
        services.AddRecords(InfluencerModule.Id, DiscountTier.Type);
        return services;
    }

    public static IEndpointRouteBuilder MapCampaigns(this IEndpointRouteBuilder routes)
    {
        return routes;
    }
}
