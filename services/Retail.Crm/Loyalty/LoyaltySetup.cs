using Microsoft.Extensions.DependencyInjection.Extensions;
using Retail.Crm.Fraud;
using Retail.Crm.Merge;

namespace Retail.Crm.Loyalty;

/// <summary>The loyalty area: its records, ledger, sweep, merge participant, SCM subscribers and endpoints.</summary>
public static class LoyaltySetup
{
    public static IServiceCollection AddLoyalty(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddRecords(CrmModule.Id, LoyaltyPolicy.Type);
        services.AddRecords(CrmModule.Id, LoyaltyPolicyVersion.Type);
        services.AddRecords(CrmModule.Id, LoyaltyAccount.Type);
        services.AddRecords(CrmModule.Id, LoyaltyEntry.Type);
        services.AddRecords(CrmModule.Id, LoyaltyBucket.Type);
        services.AddSingleton<LoyaltyGate>();
        services.AddScoped<LoyaltyLedger>();
        services.AddScoped<ICustomerMergeParticipant, LoyaltyMergeParticipant>();
        // Until the fraud area registers its holds: nobody is on hold. TryAdd, so the fraud area's registration wins.
        services.TryAddSingleton<ICustomerHolds, NoCustomerHolds>();
        services.AddOptions<LoyaltyOptions>().Bind(configuration.GetSection(LoyaltyOptions.Section));
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<LoyaltyOptions>, LoyaltyOptionsValidator>();
        services.AddHostedService<LoyaltyExpirySweeper>();
        return services;
    }

    public static IEndpointRouteBuilder MapLoyalty(this IEndpointRouteBuilder routes)
    {
        routes.MapLoyaltyApi();
        routes.MapLoyaltySubscribers();
        return routes;
    }
}

/// <summary>No customer is on hold: the default until the fraud area's holds are registered.</summary>
internal sealed class NoCustomerHolds : ICustomerHolds
{
    public Task<string?> OpenHoldOfAsync(string orgcode, string customerGuid, CancellationToken ct = default) => Task.FromResult<string?>(null);
}
