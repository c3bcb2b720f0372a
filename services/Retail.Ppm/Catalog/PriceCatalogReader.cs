using System.Net;
using Retail.Shared.Events;
using Retail.Shared.Invocation;

namespace Retail.Ppm.Catalog;

/// <summary>What an operation needs of the variant it names.</summary>
public enum VariantNeed
{
    /// <summary>PVM knows it, whatever its status.</summary>
    Known,

    /// <summary>Known and not retired (a price may be set ahead of launch).</summary>
    NotRetired,

    /// <summary>Known and active (sellable).</summary>
    Active,
}

/// <summary>
/// The variants PPM knows. <see cref="GetAsync"/> reads the projection by key; a variant PVM has not told PPM about yet
/// (an event still on its way) is asked of PVM once (<c>/variant/get</c>, then kept), so a write naming a fresh variant
/// does not fail. Hot paths never call PVM for a variant already known.
/// </summary>
public sealed class PriceCatalog(RecordStore<CatalogVariant> store, RecordStore<CatalogStyle> styles, IServiceInvoker invoker)
{
    public const string PvmAppId = "pvm";

    /// <summary>How far up PVM's taxonomy a style asked of PVM is walked (as PVM's own <c>pvm.style.changed</c> does).</summary>
    public const int MaxCategoryDepth = 16;

    /// <summary>The variant, or null when PVM does not know it in this org. Throws <see cref="DependencyUnavailableException"/> when PVM cannot answer.</summary>
    public async Task<CatalogVariant?> GetAsync(string orgcode, string variantGuid, CancellationToken ct = default)
    {
        if (!Guid.TryParse(variantGuid, out _))
        {
            return null;
        }
        var known = await store.GetAsync(orgcode, variantGuid, ct: ct);
        if (known is { Record.VariantRevision: > 0 })
        {
            return known.Record;
        }
        var answer = await invoker.InvokeAsync(PvmAppId, "/variant/get", new { variant_guid = variantGuid }, new InvocationOptions(orgcode), ct);
        if (answer.StatusCode == (int)HttpStatusCode.NotFound)
        {
            return null;
        }
        if (!answer.IsSuccess)
        {
            throw new DependencyUnavailableException("The product service (PVM)");
        }
        var variant = answer.ReadAs<VariantChanged>();
        await ApplyAsync(orgcode, variant, ct);
        return (await store.GetAsync(orgcode, variantGuid, ct: ct))?.Record;
    }

    /// <summary>
    /// The variant a request names, checked for what the operation needs of it: null and the 422 naming
    /// <paramref name="field"/> when PVM does not know it (<c>unknown_reference</c>) or its status does not serve
    /// (<c>reference_not_active</c>).
    /// </summary>
    public async Task<(CatalogVariant? Variant, ProblemHttpResult? Problem)> CheckAsync(string orgcode, string variantGuid, string field,
        VariantNeed need, CancellationToken ct = default)
    {
        var variant = await GetAsync(orgcode, variantGuid, ct);
        if (variant is null)
        {
            return (null, PpmProblems.UnknownReference(field, $"No variant '{variantGuid}' in this org."));
        }
        var serves = need switch
        {
            VariantNeed.Active => variant.IsActive,
            VariantNeed.NotRetired => variant.Status != "retired",
            _ => true,
        };
        return serves
            ? (variant, null)
            : (null, PpmProblems.ReferenceNotActive(field, $"Variant '{variant.VariantCode ?? variantGuid}' is {variant.Status ?? "not active"}."));
    }

    /// <summary>Keeps a variant snapshot unless the projection already holds the same or a newer revision.</summary>
    public Task ApplyAsync(string orgcode, VariantChanged changed, CancellationToken ct = default) => ApplyAsync([new OrgEvent<VariantChanged>(orgcode, changed)], ct);

    /// <summary>Keeps each variant snapshot of a batch (in the order given) unless the projection holds the same or a newer revision: one commit.</summary>
    public Task ApplyAsync(IReadOnlyList<OrgEvent<VariantChanged>> changes, CancellationToken ct = default) =>
        store.KeepNewestAsync(changes.Select(c => new NewestSnapshot<CatalogVariant>(c.Orgcode, c.Payload.VariantGuid,
            current => current.VariantRevision >= c.Payload.Revision,
            current => (current ?? new CatalogVariant { VariantGuid = c.Payload.VariantGuid }) with
            {
                VariantCode = c.Payload.VariantCode,
                StyleGuid = c.Payload.StyleGuid,
                Status = c.Payload.Status,
                VariantRevision = c.Payload.Revision,
            })).ToList(), ct);

    /// <summary>
    /// The style (brand, category path, status), or null when PVM does not know it in this org. Read from the projection;
    /// a style PVM has not told PPM about yet is asked of PVM once (<c>/style/get</c> and its categories' parents, then kept).
    /// Throws <see cref="DependencyUnavailableException"/> when PVM cannot answer.
    /// </summary>
    public async Task<CatalogStyle?> GetStyleAsync(string orgcode, string styleGuid, CancellationToken ct = default)
    {
        if (!Guid.TryParse(styleGuid, out _))
        {
            return null;
        }
        var known = await styles.GetAsync(orgcode, styleGuid, ct: ct);
        if (known is { Record.StyleRevision: > 0 })
        {
            return known.Record;
        }
        var options = new InvocationOptions(orgcode);
        var answer = await invoker.InvokeAsync(PvmAppId, "/style/get", new { style_guid = styleGuid }, options, ct);
        if (answer.StatusCode == (int)HttpStatusCode.NotFound)
        {
            return null;
        }
        if (!answer.IsSuccess)
        {
            throw new DependencyUnavailableException("The product service (PVM)");
        }
        var style = answer.ReadAs<PvmStyle>();
        var path = new List<string>();
        for (var next = style.CategoryGuid; next is not null && path.Count < MaxCategoryDepth && !path.Contains(next, StringComparer.Ordinal);)
        {
            path.Add(next);
            var category = await invoker.InvokeAsync(PvmAppId, "/category/get", new { category_guid = next }, options, ct);
            if (!category.IsSuccess)
            {
                if (category.StatusCode != (int)HttpStatusCode.NotFound)
                {
                    throw new DependencyUnavailableException("The product service (PVM)");
                }
                break;
            }
            next = category.ReadAs<PvmCategory>().ParentCategoryGuid;
        }
        await ApplyAsync(orgcode, new StyleChanged(style.StyleGuid, style.StyleCode, style.BrandGuid, path, style.Status, style.Revision), ct);
        return (await styles.GetAsync(orgcode, styleGuid, ct: ct))?.Record;
    }

    /// <summary>Keeps a style snapshot unless the projection already holds the same or a newer revision.</summary>
    public Task ApplyAsync(string orgcode, StyleChanged changed, CancellationToken ct = default) => ApplyAsync([new OrgEvent<StyleChanged>(orgcode, changed)], ct);

    /// <summary>Keeps each style snapshot of a batch (in the order given) unless the projection holds the same or a newer revision: one commit.</summary>
    public Task ApplyAsync(IReadOnlyList<OrgEvent<StyleChanged>> changes, CancellationToken ct = default) =>
        styles.KeepNewestAsync(changes.Select(c => new NewestSnapshot<CatalogStyle>(c.Orgcode, c.Payload.StyleGuid,
            current => current.StyleRevision >= c.Payload.Revision,
            current => (current ?? new CatalogStyle { StyleGuid = c.Payload.StyleGuid }) with
            {
                StyleCode = c.Payload.StyleCode,
                BrandGuid = c.Payload.BrandGuid,
                CategoryGuids = c.Payload.CategoryGuids ?? [],
                Status = c.Payload.Status,
                StyleRevision = c.Payload.Revision,
            })).ToList(), ct);
}

/// <summary>PVM's variant snapshot as PPM reads it (the fields it keeps); also the shape of <c>/pvm/variant/get</c>.</summary>
public sealed record VariantChanged(string VariantGuid, string? VariantCode, string? StyleGuid, string? Status, long Revision);

/// <summary>PVM's <c>pvm.style.changed</c> payload as PPM reads it: the style's brand, category path (its own first) and status.</summary>
public sealed record StyleChanged(string StyleGuid, string? StyleCode, string? BrandGuid, IReadOnlyList<string>? CategoryGuids, string? Status, long Revision);

/// <summary>The fields PPM reads of <c>/pvm/style/get</c>.</summary>
internal sealed record PvmStyle(string StyleGuid, string? StyleCode, string? BrandGuid, string? CategoryGuid, string? Status, long Revision);

/// <summary>The field PPM reads of <c>/pvm/category/get</c>.</summary>
internal sealed record PvmCategory(string CategoryGuid, string? ParentCategoryGuid);
