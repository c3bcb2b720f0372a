using System.Text.Json.Serialization;

namespace Retail.Pvm.Catalog;

/// <summary>Styles and variants are <c>draft → active → discontinued → retired</c> (discontinued may come back).</summary>
public enum ProductStatus
{
    Draft,
    Active,
    Discontinued,
    Retired,
}

public static class ProductLifecycle
{
    public static readonly StateMachine<ProductStatus> Machine = new(new Dictionary<ProductStatus, ProductStatus[]>
    {
        [ProductStatus.Draft] = [ProductStatus.Active, ProductStatus.Retired],
        [ProductStatus.Active] = [ProductStatus.Discontinued, ProductStatus.Retired],
        [ProductStatus.Discontinued] = [ProductStatus.Active, ProductStatus.Retired],
        [ProductStatus.Retired] = [],
    });
}

/// <summary>What trade and safety rules ask of a product (country of origin ISO 3166-1, HS code, hazmat, age limit, …).</summary>
public sealed record ComplianceAttributes(
    string? CountryOfOrigin,
    string? HsCode,
    bool? Hazmat,
    int? AgeRestriction,
    IReadOnlyList<string>? Materials,
    IReadOnlyList<string>? Certifications);

/// <summary>A style: the product as merchandised (a shirt), whose variants are its sellable units (the shirt in M, blue).</summary>
public sealed record Style : Record, ILifecycleRecord<Style, ProductStatus>
{
    public required string StyleGuid { get; init; }

    public required string StyleCode { get; init; }

    public required string Name { get; init; }

    public string? Description { get; init; }

    public required string BrandGuid { get; init; }

    public required string PrimaryVendorGuid { get; init; }

    public required string PrimaryManufacturerGuid { get; init; }

    public required string CategoryGuid { get; init; }

    public string? SeasonGuid { get; init; }

    /// <summary>The OGM (a specific revision) its variants are built on.</summary>
    public required string OgmGuid { get; init; }

    public ComplianceAttributes? Compliance { get; init; }

    public ProductStatus Status { get; init; } = ProductStatus.Draft;

    public string? StatusReason { get; init; }

    [JsonIgnore]
    public override string Key => StyleGuid;

    public static RecordType<Style> Type { get; } = new RecordType<Style>("style", s => [new UniqueValue("style_code", s.StyleCode)])
        .IndexBy("brand_guid", "status")
        .IndexBy("category_guid", "status")
        .IndexBy("season_guid", "status")
        .IndexBy("primary_vendor_guid", "status")
        .IndexBy("primary_manufacturer_guid", "status")
        .IndexBy("ogm_guid");

    public static string KeyName => "style_guid";

    public static string CodeName => "style_code";

    public static StateMachine<ProductStatus> Lifecycle => ProductLifecycle.Machine;

    public Style WithStatus(ProductStatus status, string? reason) => this with { Status = status, StatusReason = reason };
}

/// <summary>One axis value of a variant: the group and the option chosen on it.</summary>
public sealed record VariantOption(string OptionGroupCode, string OptionCode);

/// <summary>Physical attributes in grams and millimetres.</summary>
public sealed record PhysicalAttributes(int? WeightGrams, int? LengthMm, int? WidthMm, int? HeightMm);

/// <summary>
/// A variant: one option per axis of its style's OGM. The combination is unique within the style and OGM (unique value
/// <c>combination</c>); <see cref="Stale"/> marks a variant whose style moved to another OGM (UC-PVM-007).
/// </summary>
public sealed record Variant : Record, ILifecycleRecord<Variant, ProductStatus>
{
    public required string VariantGuid { get; init; }

    public required string VariantCode { get; init; }

    public required string StyleGuid { get; init; }

    public required string StyleCode { get; init; }

    public required string OgmGuid { get; init; }

    /// <summary>In the order of the OGM's axes.</summary>
    public required IReadOnlyList<VariantOption> Options { get; init; }

    public string? Name { get; init; }

    public PhysicalAttributes? Physical { get; init; }

    /// <summary>A kit sells as its components (<c>/kit/component/…</c>).</summary>
    public bool IsKit { get; init; }

    public bool Stale { get; init; }

    /// <summary>Set on a retired variant that <c>variant/recreate</c> replaced.</summary>
    public string? ReplacedByGuid { get; init; }

    /// <summary>Set on the replacement: the variant it replaced.</summary>
    public string? ReplacesGuid { get; init; }

    public ProductStatus Status { get; init; } = ProductStatus.Draft;

    public string? StatusReason { get; init; }

    [JsonIgnore]
    public override string Key => VariantGuid;

    public static string CombinationOf(string styleGuid, string ogmGuid, IEnumerable<VariantOption> options) =>
        $"{styleGuid}|{ogmGuid}|" + string.Join(";", options.Select(o => $"{o.OptionGroupCode}={o.OptionCode}"));

    public static RecordType<Variant> Type { get; } = new RecordType<Variant>("variant", v =>
        [
            new UniqueValue("variant_code", v.VariantCode),
            new UniqueValue("combination", CombinationOf(v.StyleGuid, v.OgmGuid, v.Options)),
        ])
        .IndexBy("style_guid", "status")
        .IndexBy("style_guid", "stale");

    public static string KeyName => "variant_guid";

    public static string CodeName => "variant_code";

    public static StateMachine<ProductStatus> Lifecycle => ProductLifecycle.Machine;

    public Variant WithStatus(ProductStatus status, string? reason) => this with { Status = status, StatusReason = reason };
}
