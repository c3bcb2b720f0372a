namespace Retail.Crm.GiftCards;

/// <summary>The giftcards area: its services and endpoints.</summary>
public static class GiftCardsSetup
{
    public static IServiceCollection AddGiftCards(this IServiceCollection services, IConfiguration configuration)
    {
        return services;
    }

    public static IEndpointRouteBuilder MapGiftCards(this IEndpointRouteBuilder routes)
    {
        return routes;
    }
}
