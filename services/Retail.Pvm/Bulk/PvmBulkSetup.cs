using Retail.Shared.Bulk;

namespace Retail.Pvm.Bulk;

/// <summary>PVM's side of bulk import and export (IPM's bulk jobs call it through the bulk port, <c>/pvm/bulk/…</c>).</summary>
public static class PvmBulkSetup
{
    public static IServiceCollection AddPvmBulk(this IServiceCollection services) => services
        .AddBulkEntity<VendorBulk>(PvmModule.Id)
        .AddBulkEntity<ManufacturerBulk>(PvmModule.Id)
        .AddBulkEntity<BrandBulk>(PvmModule.Id)
        .AddBulkEntity<DivisionBulk>(PvmModule.Id)
        .AddBulkEntity<DepartmentBulk>(PvmModule.Id)
        .AddBulkEntity<CategoryBulk>(PvmModule.Id)
        .AddBulkEntity<StyleBulk>(PvmModule.Id)
        .AddBulkEntity<VariantBulk>(PvmModule.Id);
}
