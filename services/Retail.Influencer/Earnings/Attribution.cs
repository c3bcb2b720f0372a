using System.Text.Json.Serialization;

namespace Retail.Influencer.Earnings;

/// <summary>How an attribution came: from SCM's <c>order.placed</c> carrying a campaign code, or recorded by a member.</summary>
public enum AttributionSource
{
    Event,
    Manual,
}

/// <summary>An order line as attributed: its net (after promotions, as SCM keeps it) for its quantity.</summary>
public sealed record AttributedLine(int LineNo, string? VariantGuid, long Quantity, long NetMinor);

/// <summary>
/// An SCM order attributed to a campaign (UC-INF-002): one per order in the org (<see cref="OrderGuid"/> is unique), so an
/// event redelivered or a second record answers the first. <see cref="NetMinor"/> is the sum of the lines' <c>net_minor</c>:
/// after promotions, without shipping and without exclusive tax (with tax-inclusive prices SCM's line net includes the tax,
/// and so does the attributed net). The commission earned on it is the earning <c>commission:{order_guid}</c>.
/// </summary>
public sealed record Attribution : Record
{
    public required string AttributionGuid { get; init; }

    public required string OrderGuid { get; init; }

    public string? OrderNumber { get; init; }

    public required string CampaignGuid { get; init; }

    public required string CampaignCode { get; init; }

    public required string ProfileGuid { get; init; }

    public string? ChannelCode { get; init; }

    public required long NetMinor { get; init; }

    public required string Currency { get; init; }

    public IReadOnlyList<AttributedLine> Lines { get; init; } = [];

    public required DateTimeOffset PlacedAt { get; init; }

    public required AttributionSource Source { get; init; }

    /// <summary>The commission earned on this sale.</summary>
    public string? EarningGuid { get; init; }

    public string? RecordedBy { get; init; }

    [JsonIgnore]
    public override string Key => AttributionGuid;

    public static readonly RecordType<Attribution> Type = new RecordType<Attribution>("attribution", a => [new UniqueValue("order_guid", a.OrderGuid)])
        .IndexBy("profile_guid")
        .IndexBy("campaign_guid");
}
