using Microsoft.Extensions.DependencyInjection.Extensions;
using Retail.Crm.Fraud;
using Retail.Crm.Merge;

namespace Retail.Crm.GiftCards;

/// <summary>The gift-cards area: its records, the code hasher, the guess guard, the per-card gate, its merge participant and endpoints.</summary>
public static class GiftCardsSetup
{
    public static IServiceCollection AddGiftCards(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddRecords(CrmModule.Id, GiftCard.Type);
        services.AddRecords(CrmModule.Id, GiftCardEntry.Type);
        services.AddOptions<GiftCardOptions>().Bind(configuration.GetSection(GiftCardOptions.Section));
        services.AddSingleton<GiftCardCodeHasher>();
        services.AddSingleton<GiftCardGate>();
        services.AddScoped<GiftCardGuessGuard>();
        services.TryAddEnumerable(ServiceDescriptor.Scoped<ICustomerMergeParticipant, GiftCardMergeParticipant>());
        // Until (and unless) the fraud area registers the real one.
        services.TryAddSingleton<ICustomerHolds, NoOpenHolds>();
        return services;
    }

    public static IEndpointRouteBuilder MapGiftCards(this IEndpointRouteBuilder routes)
    {
        routes.MapGiftCardsApi();
        return routes;
    }
}
