using System.Collections.Concurrent;
using Retail.Pmc.Products;

namespace Retail.Pmc.Runs.Activities;

/// <summary>
/// The profile applied to one style: every variant's verdict (included, or the first rule it fails: style, category,
/// compliance and media first, then the variant's status, barcode and price) and the snapshot of the included ones.
/// Brands and categories are cached for the page it evaluates.
/// </summary>
public sealed class StyleEvaluator(RunSources sources, string orgcode, PublishRun run)
{
    private const int MaxCategoryDepth = 16;
    // Shared by the styles of a page evaluated at the same time: one lookup per brand or category.
    private readonly ConcurrentDictionary<string, Lazy<Task<PvmBrand?>>> _brands = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<PvmCategory?>>> _categories = new(StringComparer.Ordinal);

    public sealed record Verdict(ProductSnapshot? Snapshot, IReadOnlyList<VariantVerdict> Verdicts, string? StyleCode);

    public async Task<Verdict> EvaluateAsync(RunItem item, CancellationToken ct)
    {
        var profile = run.Profile;
        var style = await sources.StyleAsync(orgcode, item.StyleGuid, ct);
        if (style is null)
        {
            return new Verdict(null, Unknown(item.VariantGuids ?? []).ToList(), item.StyleCode);
        }
        var styleVariants = await sources.VariantsOfAsync(orgcode, style.StyleGuid, ct);
        var all = styleVariants.Variants;
        var named = item.VariantGuids?.ToHashSet(StringComparer.Ordinal);
        var candidates = all.Where(v => named is null || named.Contains(v.VariantGuid)).OrderBy(v => v.VariantCode, StringComparer.Ordinal).ToList();
        var verdicts = new List<VariantVerdict>(Unknown((item.VariantGuids ?? []).Where(g => candidates.All(v => v.VariantGuid != g))));

        var path = await CategoryPathAsync(style.CategoryGuid, ct);
        var media = await sources.MediaAsync(orgcode, style.StyleGuid, ct);
        var styleRule = StyleRule(style, path, media, profile);
        if (styleRule is { } excluded)
        {
            verdicts.AddRange(candidates.Select(v => new VariantVerdict(v.VariantGuid, v.VariantCode, false, excluded.Rule, excluded.Detail)));
            return new Verdict(null, verdicts, style.StyleCode);
        }

        var barcodes = new Dictionary<string, IReadOnlyList<PvmBarcode>>(StringComparer.Ordinal);
        var open = new List<PvmVariant>();
        foreach (var variant in candidates)
        {
            if (variant.Status != "active")
            {
                verdicts.Add(new(variant.VariantGuid, variant.VariantCode, false, ExclusionRules.VariantNotActive, $"The variant is {variant.Status}."));
                continue;
            }
            var active = styleVariants.CodesOf(variant.VariantGuid).Barcodes;
            if (profile.RequireBarcode && active.Count == 0)
            {
                verdicts.Add(new(variant.VariantGuid, variant.VariantCode, false, ExclusionRules.NoBarcode, "The variant has no active barcode."));
                continue;
            }
            barcodes[variant.VariantGuid] = active;
            open.Add(variant);
        }
        var prices = open.Count == 0
            ? new Dictionary<string, PpmLine>()
            : await sources.PricesAsync(orgcode, run.ChannelCode, run.FacilityCode, open.Select(v => v.VariantGuid).ToList(), ct);
        var included = new List<ProductVariant>();
        foreach (var variant in open)
        {
            var line = prices.GetValueOrDefault(variant.VariantGuid);
            var priced = line is { Priced: true, UnitMinor: not null, Currency: not null };
            if (profile.RequirePrice && !priced)
            {
                verdicts.Add(new(variant.VariantGuid, variant.VariantCode, false, ExclusionRules.NoPrice,
                    $"No price in channel '{run.ChannelCode}'{(line?.Reason is { } reason ? $" ({reason})" : "")}."));
                continue;
            }
            var identifiers = styleVariants.CodesOf(variant.VariantGuid).Identifiers;
            var codes = barcodes[variant.VariantGuid].OrderByDescending(b => b.Primary).ThenBy(b => b.Barcode, StringComparer.Ordinal).ToList();
            included.Add(new ProductVariant(variant.VariantGuid, variant.VariantCode, variant.Name,
                variant.Options.Select(o => new OptionValue(o.OptionGroupCode, o.OptionCode)).ToList(),
                codes.Select(b => b.Barcode).ToList(), codes.FirstOrDefault(b => b.Primary)?.Barcode,
                identifiers.Select(i => new IdentifierValue(i.IdType, i.Value)).OrderBy(i => i.IdType, StringComparer.Ordinal)
                    .ThenBy(i => i.Value, StringComparer.Ordinal).ToList(),
                priced ? new VariantPrice(line!.Currency!, line.UnitMinor!.Value, line.ListUnitMinor, line.PriceListCode) : null));
            verdicts.Add(new(variant.VariantGuid, variant.VariantCode, true, null, null));
        }
        if (included.Count == 0)
        {
            return new Verdict(null, verdicts, style.StyleCode);
        }
        var brand = await BrandAsync(style.BrandGuid, ct);
        var category = path[0];
        var snapshot = new ProductSnapshot(style.StyleGuid, style.StyleCode, style.Name, style.Description,
            new NamedRef(style.BrandGuid, brand?.BrandCode ?? "", brand?.Name),
            new NamedRef(style.CategoryGuid, category?.CategoryCode ?? "", category?.Name),
            path.Select((c, i) => c?.CategoryGuid ?? (i == 0 ? style.CategoryGuid : "")).Where(g => g.Length > 0).ToList(),
            style.SeasonGuid,
            style.Compliance is { } c ? new ProductCompliance(c.CountryOfOrigin, c.HsCode, c.Hazmat, c.AgeRestriction, c.Materials, c.Certifications) : null,
            media.OrderBy(m => m.RecordGuid, StringComparer.Ordinal)
                .Select(m => new MediaRef(m.RecordGuid, m.Name, m.ContentType, m.Tags.Order(StringComparer.Ordinal).ToList())).ToList(),
            included,
            Summary(included));
        return new Verdict(snapshot, verdicts, style.StyleCode);
    }

    /// <summary>The rule that excludes the whole style, if any (style status, category chain, compliance, media).</summary>
    private static (string Rule, string Detail)? StyleRule(PvmStyle style, IReadOnlyList<PvmCategory?> path, IReadOnlyList<MrsMeta> media,
        PublishProfile profile)
    {
        if (style.Status != "active")
        {
            return (ExclusionRules.StyleNotActive, $"The style is {style.Status}.");
        }
        if (profile.RequireActiveCategory && path.Any(c => c is null || c.Status != "active"))
        {
            var inactive = path.First(c => c is null || c.Status != "active");
            return (ExclusionRules.CategoryNotActive, inactive is null
                ? "A category of the style no longer exists."
                : $"Category '{inactive.CategoryCode}' is {inactive.Status}.");
        }
        var missing = profile.RequiredCompliance.Where(a => !HasCompliance(style.Compliance, a)).ToList();
        if (missing.Count > 0)
        {
            return (ExclusionRules.MissingCompliance, string.Join(", ", missing));
        }
        var tags = media.SelectMany(m => m.Tags).ToHashSet(StringComparer.Ordinal);
        var absent = profile.RequiredMedia.Where(t => !tags.Contains(t)).ToList();
        if (absent.Count > 0)
        {
            return (ExclusionRules.MissingMedia, string.Join(", ", absent));
        }
        return null;
    }

    private static bool HasCompliance(PvmCompliance? c, string attribute) => attribute switch
    {
        "country_of_origin" => !string.IsNullOrWhiteSpace(c?.CountryOfOrigin),
        "hs_code" => !string.IsNullOrWhiteSpace(c?.HsCode),
        "hazmat" => c?.Hazmat is not null,
        "age_restriction" => c?.AgeRestriction is not null,
        "materials" => c?.Materials is { Count: > 0 },
        "certifications" => c?.Certifications is { Count: > 0 },
        _ => false,
    };

    private static PriceSummary? Summary(IReadOnlyList<ProductVariant> variants)
    {
        var priced = variants.Where(v => v.Price is not null).Select(v => v.Price!).ToList();
        if (priced.Count == 0)
        {
            return null;
        }
        var currency = priced[0].Currency;
        var same = priced.Where(p => p.Currency == currency).ToList();
        return new PriceSummary(currency, same.Min(p => p.AmountMinor), same.Max(p => p.AmountMinor));
    }

    private static IEnumerable<VariantVerdict> Unknown(IEnumerable<string> guids) =>
        guids.Select(g => new VariantVerdict(g, null, false, ExclusionRules.UnknownVariant, "PVM has no such variant of this style."));

    /// <summary>The category and its parents, its own first (null where PVM has none).</summary>
    private async Task<IReadOnlyList<PvmCategory?>> CategoryPathAsync(string categoryGuid, CancellationToken ct)
    {
        var path = new List<PvmCategory?>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string? next = categoryGuid;
        while (next is not null && path.Count < MaxCategoryDepth && seen.Add(next))
        {
            var key = next;
            var category = await _categories.GetOrAdd(key, _ => new Lazy<Task<PvmCategory?>>(() => sources.CategoryAsync(orgcode, key, ct))).Value;
            path.Add(category);
            next = category?.ParentCategoryGuid;
        }
        return path;
    }

    private Task<PvmBrand?> BrandAsync(string brandGuid, CancellationToken ct) =>
        _brands.GetOrAdd(brandGuid, _ => new Lazy<Task<PvmBrand?>>(() => sources.BrandAsync(orgcode, brandGuid, ct))).Value;
}
