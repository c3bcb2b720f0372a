namespace Retail.Influencer.Earnings;

/// <summary>The earnings area: its records, services and endpoints.</summary>
public static class EarningsSetup
{
    public static IServiceCollection AddEarnings(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddRecords(InfluencerModule.Id, Earning.Type);
        services.AddRecords(InfluencerModule.Id, InfluencerBalance.Type);
        return services;
    }

    public static IEndpointRouteBuilder MapEarnings(this IEndpointRouteBuilder routes)
    {
        return routes;
    }
}
