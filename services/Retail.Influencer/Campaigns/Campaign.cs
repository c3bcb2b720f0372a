using System.Text.Json.Serialization;

namespace Retail.Influencer.Campaigns;

/// <summary><c>draft → active ⇄ paused → ended</c> (a draft may also end). Attributions count only while active.</summary>
public enum CampaignStatus
{
    Draft,
    Active,
    Paused,
    Ended,
}

/// <summary>
/// How a campaign pays: <see cref="RateBps"/> of an attributed sale's net amount (basis points: 1000 = 10 %), or, when
/// <see cref="UseTiers"/>, the rate of the highest discount tier the influencer's attributed volume has reached (see
/// <see cref="DiscountTier"/>), never below <see cref="RateBps"/>. Commission = floor(net × rate / 10000) in minor units.
/// </summary>
/// <param name="ReturnWindowDays">Earnings stay <c>pending</c> this long after the sale, then become <c>available</c>.</param>
public sealed record CommissionRule(int RateBps, bool UseTiers, int ReturnWindowDays);

/// <summary>
/// An influencer campaign (UC-INF-001): its <see cref="Code"/> (unique in the org) is what an SCM order carries
/// (<c>campaign_code</c>) to be attributed. <see cref="DiscountCode"/> is the buyer's code, a PPM promotion
/// (<see cref="PromotionGuid"/>) created with the campaign and ended with it. <see cref="Channels"/> empty means every
/// channel. The window is [<see cref="StartsAt"/>, <see cref="EndsAt"/>).
/// </summary>
public sealed record Campaign : Record
{
    public required string CampaignGuid { get; init; }

    public required string Code { get; init; }

    public required string Name { get; init; }

    /// <summary>The influencer the campaign's earnings go to.</summary>
    public required string ProfileGuid { get; init; }

    public required DateTimeOffset StartsAt { get; init; }

    public DateTimeOffset? EndsAt { get; init; }

    public IReadOnlyList<string> Channels { get; init; } = [];

    public required string Currency { get; init; }

    public required CommissionRule Commission { get; init; }

    /// <summary>The buyer's discount: a percentage (basis points) off, through PPM's promotion.</summary>
    public string? DiscountCode { get; init; }

    public int BuyerDiscountBps { get; init; }

    /// <summary>PPM's promotion behind <see cref="DiscountCode"/>, once created.</summary>
    public string? PromotionGuid { get; init; }

    public CampaignStatus Status { get; init; } = CampaignStatus.Draft;

    public string? StatusReason { get; init; }

    [JsonIgnore]
    public override string Key => CampaignGuid;

    /// <summary>Whether an order placed at <paramref name="at"/> in <paramref name="channel"/> counts for this campaign.</summary>
    public bool Counts(DateTimeOffset at, string? channel) =>
        Status == CampaignStatus.Active && at >= StartsAt && (EndsAt is null || at < EndsAt)
        && (Channels.Count == 0 || (channel is not null && Channels.Contains(channel, StringComparer.Ordinal)));

    public static readonly StateMachine<CampaignStatus> Lifecycle = new(new Dictionary<CampaignStatus, CampaignStatus[]>
    {
        [CampaignStatus.Draft] = [CampaignStatus.Active, CampaignStatus.Ended],
        [CampaignStatus.Active] = [CampaignStatus.Paused, CampaignStatus.Ended],
        [CampaignStatus.Paused] = [CampaignStatus.Active, CampaignStatus.Ended],
    });

    public static readonly RecordType<Campaign> Type = new RecordType<Campaign>("campaign", UniquesOf)
        .IndexBy("status")
        .IndexBy("profile_guid", "status");

    // The buyer's code is unique too, so an order's campaign_code names one campaign whichever of the two it carries.
    private static IEnumerable<UniqueValue> UniquesOf(Campaign c) => c.DiscountCode is null || c.DiscountCode == c.Code
        ? [new UniqueValue("code", c.Code)]
        : [new UniqueValue("code", c.Code), new UniqueValue("discount_code", c.DiscountCode)];
}

/// <summary>
/// A discount tier (<c>/discount-tier/set|get|list</c>): once an influencer's attributed net sales (in the org's tier
/// currency, all campaigns, before the sale being rated) reach <see cref="ThresholdMinor"/>, campaigns that use tiers pay
/// <see cref="CommissionRateBps"/> and may give buyers <see cref="BuyerDiscountBps"/>. Keyed by <see cref="TierCode"/>;
/// the tier that applies is the one with the highest threshold reached.
/// </summary>
public sealed record DiscountTier : Record
{
    public required string TierCode { get; init; }

    public required string Name { get; init; }

    public required string Currency { get; init; }

    public required long ThresholdMinor { get; init; }

    public required int CommissionRateBps { get; init; }

    public int BuyerDiscountBps { get; init; }

    public bool Active { get; init; } = true;

    [JsonIgnore]
    public override string Key => TierCode;

    public static readonly RecordType<DiscountTier> Type = new RecordType<DiscountTier>("discount_tier")
        .IndexBy("active")
        .IndexBy("threshold_minor")
        .IndexBy("active", "threshold_minor");
}
