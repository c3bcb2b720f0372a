using System.Text.Json.Serialization;

namespace Retail.Ppm.Uoms;

/// <summary>
/// A unit of measure prices are quoted in (each, pack, case, …): how many of a variant's base unit one of it holds.
/// <c>each</c> (1 base unit) always exists, stored or not. A variant may override the count (<see cref="UomConversion"/>).
/// </summary>
public sealed record Uom : Record
{
    public const string Each = "each";

    public required string UomCode { get; init; }

    public required string Name { get; init; }

    /// <summary>Base units in one of this unit unless a variant says otherwise (≥ 1).</summary>
    public int BaseUnits { get; init; } = 1;

    public MasterStatus Status { get; init; } = MasterStatus.Active;

    [JsonIgnore]
    public override string Key => UomCode;

    /// <summary>Units are listed by status (active ones for pickers).</summary>
    public static RecordType<Uom> Type { get; } = new RecordType<Uom>("uom").IndexBy("status");

    /// <summary><c>each</c> as it is answered: never stored (revision 0), one base unit, active.</summary>
    public static Uom BuiltInEach { get; } = new() { UomCode = Each, Name = "Each", BaseUnits = 1 };
}

/// <summary>One variant's own count of base units in a unit (a case of this variant holds 24, not the unit's default 12).</summary>
public sealed record UomConversion : Record
{
    public required string UomCode { get; init; }

    public required string VariantGuid { get; init; }

    public required int BaseUnits { get; init; }

    [JsonIgnore]
    public override string Key => KeyOf(UomCode, VariantGuid);

    public static string KeyOf(string uomCode, string variantGuid) => $"{uomCode}:{variantGuid}";

    public static RecordType<UomConversion> Type { get; } = new RecordType<UomConversion>("uom_conversion").IndexBy("uom_code");
}
