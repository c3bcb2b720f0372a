using Retail.Crm.Certificates;
using Retail.Crm.Merge;

namespace Retail.Crm.Accounts;

/// <summary>The accounts area: B2B accounts, their contacts, and tax-exemption certificates (Certificates/), with their merge participant.</summary>
public static class AccountsSetup
{
    public static IServiceCollection AddAccounts(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddLifecycleRecord<Account, AccountStatus>(CrmModule.Id);
        services.AddRecords(CrmModule.Id, AccountContact.Type);
        services.AddRecords(CrmModule.Id, ExemptionCertificate.Type);
        services.AddScoped<ICustomerMergeParticipant, AccountsMergeParticipant>();
        return services;
    }

    public static IEndpointRouteBuilder MapAccounts(this IEndpointRouteBuilder routes)
    {
        routes.MapAccountEndpoints();
        routes.MapContactEndpoints();
        routes.MapCertificateEndpoints();
        return routes;
    }
}
