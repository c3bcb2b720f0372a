using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Retail.Influencer.Earnings;

namespace Retail.Influencer.Payouts;

/// <summary>The payouts area: payouts through the payout-provider port, their sweep, statements, and endpoints.</summary>
public static class PayoutsSetup
{
    public static IServiceCollection AddPayouts(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddRecords(InfluencerModule.Id, Payout.Type);
        services.AddRecords(InfluencerModule.Id, Statement.Type);
        services.TryAddSingleton<TestPayoutProvider>();
        services.TryAddSingleton<IPayoutProvider>(sp => sp.GetRequiredService<TestPayoutProvider>());
        services.AddScoped<PayoutSubmissions>();
        services.AddScoped<StatementBook>();
        services.AddOptions<PayoutOptions>().Bind(configuration.GetSection(PayoutOptions.Section));
        services.AddSingleton<IValidateOptions<PayoutOptions>, PayoutOptionsValidator>();
        services.AddSingleton<PayoutSweeper>();
        services.AddHostedService(sp => sp.GetRequiredService<PayoutSweeper>());
        return services;
    }

    public static IEndpointRouteBuilder MapPayouts(this IEndpointRouteBuilder routes)
    {
        routes.MapPayoutsApi();
        routes.MapStatementsApi();
        return routes;
    }
}
