namespace Retail.Influencer.Profiles;

/// <summary>The profiles area: its records, services and endpoints (profiles and their payout readiness).</summary>
public static class ProfilesSetup
{
    public static IServiceCollection AddProfiles(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddRecords(InfluencerModule.Id, InfluencerProfile.Type);
        return services;
    }

    public static IEndpointRouteBuilder MapProfiles(this IEndpointRouteBuilder routes)
    {
        routes.MapProfilesApi();
        routes.MapPayoutReadinessApi();
        return routes;
    }
}
