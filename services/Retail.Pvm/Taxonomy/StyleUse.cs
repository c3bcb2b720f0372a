using Retail.Pvm.Catalog;

namespace Retail.Pvm.Taxonomy;

/// <summary>
/// Whether any style still relies on a master record (a supplier, brand, category or season) before it is retired or
/// unlinked: one seek on a declared Style index (<c>{field},status</c>), limit 1, never a scan.
/// </summary>
internal static class StyleUse
{
    /// <summary>Styles that count as relying on a record: drafts become active, active ones are on sale.</summary>
    public static readonly ProductStatus[] DraftOrActive = [ProductStatus.Draft, ProductStatus.Active];

    public static readonly ProductStatus[] Active = [ProductStatus.Active];

    public static async Task<bool> AnyAsync(RecordStore<Style> styles, string orgcode, string field, string guid, ProductStatus[] statuses,
        CancellationToken ct, params StateFilter[] also)
    {
        List<StateFilter> filters = [StateFilter.Eq(field, guid), StateFilter.In("status", [.. statuses.Cast<object?>()]), .. also];
        var page = await styles.ListAsync(orgcode, filters, limit: 1, ct: ct);
        return page.Items.Count > 0;
    }

    public static string Names(ProductStatus[] statuses) => string.Join(" or ", statuses.Select(s => Retail.Shared.Json.SnakeCase.Name(s)));
}
