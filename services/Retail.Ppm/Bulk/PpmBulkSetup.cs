using Retail.Shared.Bulk;

namespace Retail.Ppm.Bulk;

/// <summary>PPM's side of bulk import and export (IPM's bulk jobs call it through the bulk port, <c>/ppm/bulk/…</c>).</summary>
public static class PpmBulkSetup
{
    public static IServiceCollection AddPpmBulk(this IServiceCollection services) => services
        .AddBulkEntity<PriceBulk>(PpmModule.Id);
}
