using System.Text.Json.Serialization;

namespace Retail.Pvm.Brands;

/// <summary>
/// A brand. Its primary vendor and manufacturer are kept on the brand itself, so "one primary of each" is one
/// ETag-checked record, not a race between links.
/// </summary>
public sealed record Brand : Record, IMasterRecord<Brand>
{
    public required string BrandGuid { get; init; }

    public required string BrandCode { get; init; }

    public required string Name { get; init; }

    public string? Description { get; init; }

    public string? PrimaryVendorGuid { get; init; }

    public string? PrimaryManufacturerGuid { get; init; }

    public MasterStatus Status { get; init; } = MasterStatus.Active;

    public string? StatusReason { get; init; }

    [JsonIgnore]
    public override string Key => BrandGuid;

    public static RecordType<Brand> Type { get; } = new("brand", b => [new UniqueValue("brand_code", b.BrandCode)]);

    public static string KeyName => "brand_guid";

    public static string CodeName => "brand_code";

    public Brand WithStatus(MasterStatus status, string? reason) => this with { Status = status, StatusReason = reason };
}

public enum SupplierKind
{
    Vendor,
    Manufacturer,
}

/// <summary>A brand's link to one of its suppliers. Keyed "{brand_guid}:{kind}:{supplier_guid}"; removing dooms it.</summary>
public sealed record BrandLink : Record
{
    public required string BrandGuid { get; init; }

    public required SupplierKind SupplierKind { get; init; }

    public required string SupplierGuid { get; init; }

    public required string SupplierCode { get; init; }

    [JsonIgnore]
    public override string Key => KeyOf(BrandGuid, SupplierKind, SupplierGuid);

    public static string KeyOf(string brandGuid, SupplierKind kind, string supplierGuid) =>
        $"{brandGuid}:{Retail.Shared.Json.SnakeCase.Name(kind)}:{supplierGuid}";

    public static RecordType<BrandLink> Type { get; } = new RecordType<BrandLink>("brand_link")
        .IndexBy("brand_guid", "supplier_kind")
        .IndexBy("supplier_guid");
}
