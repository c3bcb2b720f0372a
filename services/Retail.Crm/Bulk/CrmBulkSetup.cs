using Retail.Shared.Bulk;

namespace Retail.Crm.Bulk;

/// <summary>CRM's side of bulk import and export (IPM's bulk jobs call it through the bulk port, <c>/crm/bulk/…</c>).</summary>
public static class CrmBulkSetup
{
    public static IServiceCollection AddCrmBulk(this IServiceCollection services) => services
        .AddBulkEntity<CustomerBulk>(CrmModule.Id);
}
