using System.Text.Json.Serialization;

namespace Retail.Ofm.Channels;

public enum ChannelKind
{
    Pos,
    Ecom,
    Marketplace,
    Wholesale,
    Social,
    App,
}

/// <summary>The channel's configuration document, stored in MRS and checked at complete.</summary>
public sealed record ChannelConfig(string RecordGuid, string ContentType, long SizeBytes, string Md5, DateTimeOffset CompletedAt);

/// <summary>A sales channel: where the org sells (a store's tills, a web shop, a marketplace), with market and locales.</summary>
public sealed record SalesChannel : Record, IMasterRecord<SalesChannel>
{
    public required string SalesChannelGuid { get; init; }

    public required string ChannelCode { get; init; }

    public required string Name { get; init; }

    public ChannelKind Kind { get; init; }

    public required string MarketCode { get; init; }

    public IReadOnlyList<string> LocaleCodes { get; init; } = [];

    public string? DefaultLocale { get; init; }

    public string? Currency { get; init; }

    /// <summary>The logical facility that fulfils or rings up this channel's sales, if one.</summary>
    public string? FacilityCode { get; init; }

    public ChannelConfig? Config { get; init; }

    public MasterStatus Status { get; init; } = MasterStatus.Active;

    public string? StatusReason { get; init; }

    [JsonIgnore]
    public override string Key => SalesChannelGuid;

    public static RecordType<SalesChannel> Type { get; } = new("sales_channel", c => [new UniqueValue("channel_code", c.ChannelCode)]);

    public static string KeyName => "sales_channel_guid";

    public static string CodeName => "channel_code";

    public SalesChannel WithStatus(MasterStatus status, string? reason) => this with { Status = status, StatusReason = reason };
}
