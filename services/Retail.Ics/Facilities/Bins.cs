using System.Text.Json.Serialization;

namespace Retail.Ics.Facilities;

/// <summary>What a bin is for: picking faces, bulk reserve, the receiving dock, staging lanes, returns, quality control.</summary>
public enum BinKind
{
    Pick,
    Bulk,
    Receiving,
    Staging,
    Returns,
    Qc,
}

/// <summary>
/// An area inside a logical facility (backroom, mezzanine, cold room) that groups bins, unique within its facility as
/// "{facility_code}/{zone_code}". Named <c>storage_zone</c> beside OFM's own <c>zone</c>.
/// </summary>
public sealed record StorageZone : Record, IMasterRecord<StorageZone>
{
    public required string ZoneGuid { get; init; }

    public required string FacilityCode { get; init; }

    public required string ZoneCode { get; init; }

    public required string Name { get; init; }

    public MasterStatus Status { get; init; } = MasterStatus.Active;

    public string? StatusReason { get; init; }

    [JsonIgnore]
    public override string Key => ZoneGuid;

    public static RecordType<StorageZone> Type { get; } = new RecordType<StorageZone>("storage_zone",
            z => [new UniqueValue(CodeName, FacilityCodes.Of(z.FacilityCode, z.ZoneCode))])
        .IndexBy("facility_code");

    public static string KeyName => "zone_guid";

    public static string CodeName => "zone";

    public StorageZone WithStatus(MasterStatus status, string? reason) => this with { Status = status, StatusReason = reason };
}

/// <summary>
/// A place stock sits in inside a logical facility, unique within it as "{facility_code}/{bin_code}", optionally in a
/// zone of that facility. Its stock is the <see cref="Stock.BinBalance"/>s under its facility and code.
/// </summary>
public sealed record Bin : Record, IMasterRecord<Bin>
{
    public required string BinGuid { get; init; }

    public required string FacilityCode { get; init; }

    public required string BinCode { get; init; }

    public string? ZoneCode { get; init; }

    public required BinKind Kind { get; init; }

    public string? Name { get; init; }

    public MasterStatus Status { get; init; } = MasterStatus.Active;

    public string? StatusReason { get; init; }

    [JsonIgnore]
    public override string Key => BinGuid;

    public static RecordType<Bin> Type { get; } = new RecordType<Bin>("bin", b => [new UniqueValue(CodeName, FacilityCodes.Of(b.FacilityCode, b.BinCode))])
        .IndexBy("facility_code", "zone_code");

    public static string KeyName => "bin_guid";

    public static string CodeName => "bin";

    public Bin WithStatus(MasterStatus status, string? reason) => this with { Status = status, StatusReason = reason };
}

internal static class FacilityCodes
{
    /// <summary>A code unique within its facility, unique within the org as "{facility_code}/{code}".</summary>
    public static string Of(string facilityCode, string code) => $"{facilityCode}/{code}";

    /// <summary>The same from a request's raw codes (normalized); null when either is missing.</summary>
    public static string? OfRequest(string? facilityCode, string? code) =>
        facilityCode is null || code is null ? null : Of(Codes.Normalize(facilityCode), Codes.Normalize(code));
}
