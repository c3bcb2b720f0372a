using System.Text.Json.Serialization;

namespace Retail.Ppm.Catalog;

/// <summary>
/// PPM's projection of a PVM variant (keyed by guid): its style and status, read by key when a price is set and on
/// every resolve. Kept current by <c>pvm.variant.*</c> events (newest revision wins).
/// </summary>
public sealed record CatalogVariant : Record
{
    public required string VariantGuid { get; init; }

    public string? VariantCode { get; init; }

    public string? StyleGuid { get; init; }

    /// <summary>PVM's status: draft, active, discontinued, retired.</summary>
    public string? Status { get; init; }

    public long VariantRevision { get; init; }

    [JsonIgnore]
    public override string Key => VariantGuid;

    [JsonIgnore]
    public bool IsActive => Status == "active";

    public static RecordType<CatalogVariant> Type { get; } = new RecordType<CatalogVariant>("catalog_variant").Derived();
}

/// <summary>
/// PPM's projection of a PVM style: its brand and category with the category's ancestors (for selectors), from
/// <c>pvm.style.changed</c> (newest revision wins).
/// </summary>
public sealed record CatalogStyle : Record
{
    public required string StyleGuid { get; init; }

    public string? StyleCode { get; init; }

    public string? BrandGuid { get; init; }

    /// <summary>The style's category first, then its parent categories outwards.</summary>
    public IReadOnlyList<string> CategoryGuids { get; init; } = [];

    public string? Status { get; init; }

    public long StyleRevision { get; init; }

    [JsonIgnore]
    public override string Key => StyleGuid;

    public static RecordType<CatalogStyle> Type { get; } = new RecordType<CatalogStyle>("catalog_style").Derived();
}
