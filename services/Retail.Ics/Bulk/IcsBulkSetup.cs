using Retail.Shared.Bulk;

namespace Retail.Ics.Bulk;

/// <summary>ICS's side of bulk import and export (IPM's bulk jobs call it through the bulk port, <c>/ics/bulk/…</c>).</summary>
public static class IcsBulkSetup
{
    public static IServiceCollection AddIcsBulk(this IServiceCollection services) => services
        .AddRecords(IcsModule.Id, OpeningStock.Type)
        .AddBulkEntity<OpeningStockBulk>(IcsModule.Id);
}
