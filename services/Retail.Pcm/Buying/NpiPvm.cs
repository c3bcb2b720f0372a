using Retail.Pcm.Sources;

namespace Retail.Pcm.Buying;

/// <summary>A PVM style or variant as the NPI approval reads it: its guid, status and revision (for the status change).</summary>
public sealed record PvmProduct(string? StyleGuid, string? VariantGuid, string? StyleCode, string? VariantCode, string Status, long Revision);

/// <summary>
/// Makes an approved NPI's style and variants exist and be active in PVM, once: each call carries a deterministic
/// Idempotency-Key (<c>npi:{guid}:style</c>, <c>npi:{guid}:style:active</c>, <c>npi:{guid}:variant:{code}</c>,
/// <c>npi:{guid}:variant:{code}:active</c>), and a code PVM already holds is read and activated instead of created, so
/// an approval retried after a failure half way creates nothing twice. PVM's 4xx surfaces as
/// <see cref="SourceRefusedException"/>; an unavailable PVM as <see cref="SourceUnavailableException"/>.
/// </summary>
public sealed class NpiPvm(PcmSources sources)
{
    public async Task<(string StyleGuid, IReadOnlyList<NpiVariant> Variants)> EnsureAsync(string orgcode, Npi npi, CancellationToken ct)
    {
        var style = await EnsureStyleAsync(orgcode, npi, ct);
        var styleGuid = style.StyleGuid!;
        var variants = new List<NpiVariant>();
        foreach (var variant in npi.Variants)
        {
            var made = await EnsureVariantAsync(orgcode, npi, styleGuid, variant, ct);
            variants.Add(variant with { VariantGuid = made.VariantGuid });
        }
        return (styleGuid, variants);
    }

    private async Task<PvmProduct> EnsureStyleAsync(string orgcode, Npi npi, CancellationToken ct)
    {
        var s = npi.Style;
        var style = await sources.GetAsync<PvmProduct>(orgcode, PcmSources.Pvm, "/style/get", new { style_code = s.StyleCode }, ct)
            ?? await sources.SendAsync<PvmProduct>(orgcode, PcmSources.Pvm, "/style", new
            {
                style_code = s.StyleCode,
                name = s.Name,
                description = s.Description,
                brand_code = s.BrandCode,
                primary_vendor_guid = npi.VendorGuid,
                primary_manufacturer_code = s.ManufacturerCode,
                category_code = s.CategoryCode,
                season_code = s.SeasonCode,
                ogm_guid = s.OgmGuid,
                ogm_code = s.OgmCode,
                ogm_revision = s.OgmRevision,
                compliance = s.Compliance,
            }, $"npi:{npi.NpiGuid}:style", ct);
        if (style.Status == "active")
        {
            return style;
        }
        return await sources.SendAsync<PvmProduct>(orgcode, PcmSources.Pvm, "/style/status",
            new { style_guid = style.StyleGuid, status = "active", expected_revision = style.Revision }, $"npi:{npi.NpiGuid}:style:active", ct);
    }

    private async Task<PvmProduct> EnsureVariantAsync(string orgcode, Npi npi, string styleGuid, NpiVariant v, CancellationToken ct)
    {
        var variant = await sources.GetAsync<PvmProduct>(orgcode, PcmSources.Pvm, "/variant/get", new { variant_code = v.VariantCode }, ct)
            ?? await sources.SendAsync<PvmProduct>(orgcode, PcmSources.Pvm, "/variant", new
            {
                style_guid = styleGuid,
                variant_code = v.VariantCode,
                name = v.Name,
                options = v.Options.Select(o => new { option_group_code = o.OptionGroupCode, option_code = o.OptionCode }).ToArray(),
                status = "active",
                barcodes = v.Barcodes.Count == 0 ? null : v.Barcodes.Select(b => new { barcode = b.Barcode, symbology = b.Symbology, primary = b.Primary }).ToArray(),
            }, $"npi:{npi.NpiGuid}:variant:{v.VariantCode}", ct);
        if (variant.Status == "active")
        {
            return variant;
        }
        return await sources.SendAsync<PvmProduct>(orgcode, PcmSources.Pvm, "/variant/status",
            new { variant_guid = variant.VariantGuid, status = "active", expected_revision = variant.Revision },
            $"npi:{npi.NpiGuid}:variant:{v.VariantCode}:active", ct);
    }
}
