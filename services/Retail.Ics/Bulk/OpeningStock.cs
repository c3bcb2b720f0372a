using System.Text.Json.Serialization;

namespace Retail.Ics.Bulk;

/// <summary>
/// The opening quantity of a variant at a facility, as a migration booked it: one record per (facility, variant), created in
/// the ledger change that received the stock, so booking the same opening stock again finds it and adds nothing.
/// </summary>
public sealed record OpeningStock : Record
{
    public required string FacilityCode { get; init; }

    public required string VariantGuid { get; init; }

    public required long Quantity { get; init; }

    public string? BinCode { get; init; }

    /// <summary>The ledger change (its movements' change guid) that received it.</summary>
    public required string ChangeGuid { get; init; }

    [JsonIgnore]
    public override string Key => KeyOf(FacilityCode, VariantGuid);

    public static string KeyOf(string facilityCode, string variantGuid) => $"{facilityCode}:{variantGuid}";

    public static RecordType<OpeningStock> Type { get; } = new RecordType<OpeningStock>("opening_stock").IndexBy("facility_code");
}
