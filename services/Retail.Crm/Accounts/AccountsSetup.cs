namespace Retail.Crm.Accounts;

/// <summary>The accounts area: its services and endpoints.</summary>
public static class AccountsSetup
{
    public static IServiceCollection AddAccounts(this IServiceCollection services, IConfiguration configuration)
    {
        return services;
    }

    public static IEndpointRouteBuilder MapAccounts(this IEndpointRouteBuilder routes)
    {
        return routes;
    }
}
