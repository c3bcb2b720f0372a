using Retail.Pvm.Taxonomy;

namespace Retail.Pvm.Catalog;

/// <summary>
/// The <c>pvm.style.changed</c> event every style write commits with the style: what another service's projection of a
/// style keeps (PPM's selectors by style, brand and category), with the style's category and its ancestors.
/// </summary>
public static class StyleEvents
{
    /// <summary>How far up the taxonomy a style's category path is walked (the hierarchy never nests this deep in practice; a cycle stops too).</summary>
    public const int MaxCategoryDepth = 16;

    /// <summary>The category first, then its parent categories outwards, read record by record (at most <see cref="MaxCategoryDepth"/>).</summary>
    public static async Task<IReadOnlyList<string>> CategoryPathAsync(RecordStore<Category> categories, string orgcode, string categoryGuid,
        CancellationToken ct)
    {
        var path = new List<string> { categoryGuid };
        var next = (await categories.GetAsync(orgcode, categoryGuid, ct: ct))?.Record.ParentCategoryGuid;
        while (next is not null && path.Count < MaxCategoryDepth && !path.Contains(next, StringComparer.Ordinal))
        {
            path.Add(next);
            next = (await categories.GetAsync(orgcode, next, ct: ct))?.Record.ParentCategoryGuid;
        }
        return path;
    }

    /// <summary>The event for <paramref name="style"/> as it will be stored (its revision included).</summary>
    public static DomainEvent Changed(string orgcode, Style style, IReadOnlyList<string> categoryGuids) =>
        new(PvmEvents.StyleChanged, new StyleSnapshot(orgcode, style.StyleGuid, style.StyleCode, style.BrandGuid, categoryGuids, style.Status, style.Revision),
            style.StyleGuid);
}

/// <summary>The payload of <c>pvm.style.changed</c>: the style's brand, category path (its own first) and status at <see cref="Revision"/>.</summary>
public sealed record StyleSnapshot(
    string Orgcode,
    string StyleGuid,
    string StyleCode,
    string BrandGuid,
    IReadOnlyList<string> CategoryGuids,
    ProductStatus Status,
    long Revision);
