using Retail.Crm.Merge;

namespace Retail.Crm.Customers;

/// <summary>The customers area: customers, consent and flags, their merge participants and the consent port for exports.</summary>
public static class CustomersSetup
{
    public static IServiceCollection AddCustomers(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddRecords(CrmModule.Id, CustomerConsent.Type);
        services.AddRecords(CrmModule.Id, ConsentChange.Type);
        services.AddRecords(CrmModule.Id, CustomerFlags.Type);
        services.AddRecords(CrmModule.Id, FlagChange.Type);
        services.AddTextSearch(CrmModule.Id);
        services.AddScoped<ICustomerConsents, CustomerConsents>();
        services.AddScoped<ICustomerMergeParticipant, ConsentMergeParticipant>();
        services.AddScoped<ICustomerMergeParticipant, FlagsMergeParticipant>();
        return services;
    }

    public static IEndpointRouteBuilder MapCustomers(this IEndpointRouteBuilder routes)
    {
        routes.MapCustomersApi();
        routes.MapConsentApi();
        routes.MapFlagsApi();
        return routes;
    }
}
