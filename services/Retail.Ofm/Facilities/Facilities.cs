using System.Text.Json.Serialization;

namespace Retail.Ofm.Facilities;

public sealed record PostalAddress(string? Line1, string? Line2, string? City, string? Region, string? PostalCode, string? Country);

/// <summary>A physical site: where things are. Its time zone is an IANA id.</summary>
public sealed record PhysicalFacility : Record, IMasterRecord<PhysicalFacility>
{
    public required string FacilityGuid { get; init; }

    public required string FacilityCode { get; init; }

    public required string Name { get; init; }

    public string? Site { get; init; }

    public PostalAddress? Address { get; init; }

    public required string TimeZone { get; init; }

    public MasterStatus Status { get; init; } = MasterStatus.Active;

    public string? StatusReason { get; init; }

    [JsonIgnore]
    public override string Key => FacilityGuid;

    public static RecordType<PhysicalFacility> Type { get; } = new("physical_facility", f => [new UniqueValue("facility_code", f.FacilityCode)]);

    public static string KeyName => "facility_guid";

    public static string CodeName => "facility_code";

    public PhysicalFacility WithStatus(MasterStatus status, string? reason) => this with { Status = status, StatusReason = reason };
}

/// <summary>A legal entity: who is accountable (registration and tax ids).</summary>
public sealed record LegalFacility : Record, IMasterRecord<LegalFacility>
{
    public required string FacilityGuid { get; init; }

    public required string FacilityCode { get; init; }

    public required string LegalName { get; init; }

    public string? RegistrationId { get; init; }

    public string? TaxId { get; init; }

    public string? Country { get; init; }

    public PostalAddress? Address { get; init; }

    public MasterStatus Status { get; init; } = MasterStatus.Active;

    public string? StatusReason { get; init; }

    [JsonIgnore]
    public override string Key => FacilityGuid;

    public static RecordType<LegalFacility> Type { get; } = new("legal_facility", f => [new UniqueValue("facility_code", f.FacilityCode)]);

    public static string KeyName => "facility_guid";

    public static string CodeName => "facility_code";

    public LegalFacility WithStatus(MasterStatus status, string? reason) => this with { Status = status, StatusReason = reason };
}

public enum LogicalKind
{
    Warehouse,
    Store,
    Showroom,
    DistributionCentre,
    FulfilmentCentre,
    Popup,
    Virtual,
}

/// <summary>
/// An operational unit (warehouse, store, showroom, …): where stock and sales are attributed. It sits in one physical
/// facility and belongs to one legal entity. This is the code <c>x-facility-code</c> names.
/// </summary>
public sealed record LogicalFacility : Record, IMasterRecord<LogicalFacility>
{
    public required string FacilityGuid { get; init; }

    public required string FacilityCode { get; init; }

    public required string Name { get; init; }

    public LogicalKind Kind { get; init; }

    public required string PhysicalFacilityCode { get; init; }

    public required string LegalFacilityCode { get; init; }

    public MasterStatus Status { get; init; } = MasterStatus.Active;

    public string? StatusReason { get; init; }

    [JsonIgnore]
    public override string Key => FacilityGuid;

    public static RecordType<LogicalFacility> Type { get; } = new("logical_facility", f => [new UniqueValue("facility_code", f.FacilityCode)]);

    public static string KeyName => "facility_guid";

    public static string CodeName => "facility_code";

    public LogicalFacility WithStatus(MasterStatus status, string? reason) => this with { Status = status, StatusReason = reason };
}

/// <summary>An area inside a logical facility (backroom, sales floor, bin range); its code is unique within that facility.</summary>
public sealed record Zone : Record, IMasterRecord<Zone>
{
    public required string ZoneGuid { get; init; }

    public required string ZoneCode { get; init; }

    public required string FacilityCode { get; init; }

    public required string Name { get; init; }

    public string? Kind { get; init; }

    public MasterStatus Status { get; init; } = MasterStatus.Active;

    public string? StatusReason { get; init; }

    [JsonIgnore]
    public override string Key => ZoneGuid;

    public static RecordType<Zone> Type { get; } = new("zone", z => [new UniqueValue("zone", $"{z.FacilityCode}/{z.ZoneCode}")]);

    public static string KeyName => "zone_guid";

    public static string CodeName => "zone";

    public Zone WithStatus(MasterStatus status, string? reason) => this with { Status = status, StatusReason = reason };
}
