namespace Retail.Influencer.Earnings;

/// <summary>The earnings area: its records, ledger, availability sweep, SCM subscribers and endpoints.</summary>
public static class EarningsSetup
{
    public static IServiceCollection AddEarnings(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddRecords(InfluencerModule.Id, Earning.Type);
        services.AddRecords(InfluencerModule.Id, InfluencerBalance.Type);
        services.AddRecords(InfluencerModule.Id, Attribution.Type);
        services.AddScoped<EarningsLedger>();
        services.AddOptions<EarningsOptions>().Bind(configuration.GetSection(EarningsOptions.Section));
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<EarningsOptions>, EarningsOptionsValidator>();
        // One instance: the host runs it, and tests call SweepOnceAsync on it.
        services.AddSingleton<EarningsSweeper>();
        services.AddHostedService(sp => sp.GetRequiredService<EarningsSweeper>());
        return services;
    }

    public static IEndpointRouteBuilder MapEarnings(this IEndpointRouteBuilder routes)
    {
        routes.MapEarningsApi();
        routes.MapEarningsSubscribers();
        return routes;
    }
}
