using System.Text.Json.Serialization;

namespace Retail.Ppm.Lists;

/// <summary>A price list: the prices of one currency a sales channel sells at (assigned with a priority).</summary>
public sealed record PriceList : Record, IMasterRecord<PriceList>
{
    public required string PriceListGuid { get; init; }

    public required string PriceListCode { get; init; }

    public required string Name { get; init; }

    /// <summary>ISO 4217; every price on the list is in it.</summary>
    public required string Currency { get; init; }

    public string? Description { get; init; }

    public MasterStatus Status { get; init; } = MasterStatus.Active;

    public string? StatusReason { get; init; }

    [JsonIgnore]
    public override string Key => PriceListGuid;

    /// <summary>Listed by currency (and status, which every master record is indexed by).</summary>
    public static RecordType<PriceList> Type { get; } = new RecordType<PriceList>("price_list", l => [new UniqueValue("price_list_code", l.PriceListCode)])
        .IndexBy("currency", "status");

    public static string KeyName => "price_list_guid";

    public static string CodeName => "price_list_code";

    public PriceList WithStatus(MasterStatus status, string? reason) => this with { Status = status, StatusReason = reason };
}

/// <summary>A price zone: overrides of a list's prices for the logical facilities assigned to it (a city, a region, an airport store).</summary>
public sealed record PriceZone : Record, IMasterRecord<PriceZone>
{
    public required string PriceZoneGuid { get; init; }

    public required string PriceZoneCode { get; init; }

    public required string Name { get; init; }

    public string? Description { get; init; }

    public MasterStatus Status { get; init; } = MasterStatus.Active;

    public string? StatusReason { get; init; }

    [JsonIgnore]
    public override string Key => PriceZoneGuid;

    public static RecordType<PriceZone> Type { get; } = new("price_zone", z => [new UniqueValue("price_zone_code", z.PriceZoneCode)]);

    public static string KeyName => "price_zone_guid";

    public static string CodeName => "price_zone_code";

    public PriceZone WithStatus(MasterStatus status, string? reason) => this with { Status = status, StatusReason = reason };
}

/// <summary>A list assigned to a channel: the lowest <see cref="Priority"/> number is tried first.</summary>
public sealed record ListAssignment(string PriceListGuid, string PriceListCode, int Priority, DateTimeOffset AssignedAt, string AssignedBy);

/// <summary>
/// The lists one sales channel (OFM's channel code) sells at, in priority order: one record per channel, so an assign
/// or clear is one ETag-checked write and resolving a channel is one read. The value set <c>price_list_code</c> finds
/// the channels of a list.
/// </summary>
public sealed record ChannelLists : Record
{
    public required string ChannelCode { get; init; }

    public IReadOnlyList<ListAssignment> Assignments { get; init; } = [];

    [JsonIgnore]
    public override string Key => ChannelCode;

    public static RecordType<ChannelLists> Type { get; } = new RecordType<ChannelLists>("channel_lists")
        .IndexValues("price_list_code", c => c.Assignments.Select(a => a.PriceListCode));
}

/// <summary>The zone a logical facility (OFM's facility code) prices in: at most one per facility, one read to resolve.</summary>
public sealed record FacilityZone : Record
{
    public required string FacilityCode { get; init; }

    public required string PriceZoneGuid { get; init; }

    public required string PriceZoneCode { get; init; }

    public DateTimeOffset AssignedAt { get; init; }

    public string? AssignedBy { get; init; }

    [JsonIgnore]
    public override string Key => FacilityCode;

    public static RecordType<FacilityZone> Type { get; } = new RecordType<FacilityZone>("facility_zone").IndexBy("price_zone_code");
}
