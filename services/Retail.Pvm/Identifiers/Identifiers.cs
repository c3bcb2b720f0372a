using System.Text.Json.Serialization;

namespace Retail.Pvm.Identifiers;

/// <summary>
/// A typed external id of a variant (sku, erp, plm, …). Keyed by "{id_type}:{value}", so resolving it is one key read
/// and a value is held by at most one record of the org; a doomed one is revived (history continues) when added again.
/// </summary>
public sealed record Identifier : Record
{
    public required string IdType { get; init; }

    public required string Value { get; init; }

    public required string VariantGuid { get; init; }

    /// <summary>The variant that held it before its last transfer or revival, so each history entry shows from and to.</summary>
    public string? PreviousVariantGuid { get; init; }

    /// <summary>Why it last moved (a transfer's reason).</summary>
    public string? TransferReason { get; init; }

    [JsonIgnore]
    public override string Key => KeyOf(IdType, Value);

    public static string KeyOf(string idType, string value) => $"{idType}:{value}";

    public static RecordType<Identifier> Type { get; } = new RecordType<Identifier>("identifier").IndexBy("variant_guid");
}

public enum BarcodeSymbology
{
    Gtin8,
    Gtin12,
    Gtin13,
    Gtin14,

    /// <summary>An in-house code without a check digit.</summary>
    Internal,
}

/// <summary>
/// A barcode of a variant, keyed by its value (digits for GTINs), so <c>resolve/barcode</c> is one key read. At most one
/// primary per variant: the unique value <c>primary_barcode</c> = variant guid, held only by the primary.
/// </summary>
public sealed record Barcode : Record
{
    public required string Value { get; init; }

    public required BarcodeSymbology Symbology { get; init; }

    public required string VariantGuid { get; init; }

    public bool Primary { get; init; }

    public MasterStatus Status { get; init; } = MasterStatus.Active;

    public string? StatusReason { get; init; }

    [JsonIgnore]
    public override string Key => Value;

    public static RecordType<Barcode> Type { get; } = new RecordType<Barcode>("barcode",
        b => b.Primary ? [new UniqueValue("primary_barcode", b.VariantGuid)] : []).IndexBy("variant_guid", "status");
}

/// <summary>
/// A tagged alias of a variant (a supplier's SKU, a marketplace id): one value per tag per variant, and a tag's value
/// names one variant of the org. Keyed by "{tag}:{value}"; the unique value <c>variant_tag</c> holds the one-per-tag rule.
/// </summary>
public sealed record Alias : Record
{
    public required string Tag { get; init; }

    public required string Value { get; init; }

    public required string VariantGuid { get; init; }

    [JsonIgnore]
    public override string Key => KeyOf(Tag, Value);

    public static string KeyOf(string tag, string value) => $"{tag}:{value}";

    public static RecordType<Alias> Type { get; } = new RecordType<Alias>("alias",
        a => [new UniqueValue("variant_tag", $"{a.VariantGuid}:{a.Tag}")]).IndexBy("variant_guid");
}
