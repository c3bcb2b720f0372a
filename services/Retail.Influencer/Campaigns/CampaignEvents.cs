namespace Retail.Influencer.Campaigns;

/// <summary>The data of <c>campaign.created</c>: what attribution and earnings key on.</summary>
public sealed record CampaignCreated(string Orgcode, string CampaignGuid, string Code, string ProfileGuid, DateTimeOffset StartsAt, DateTimeOffset? EndsAt,
    IReadOnlyList<string> Channels, string Currency, CommissionRule Commission, string? DiscountCode, int BuyerDiscountBps, long Revision);

/// <summary>The data of <c>campaign.status_changed</c>, with the PPM promotion behind the buyer's code (once created).</summary>
public sealed record CampaignStatusChanged(string Orgcode, string CampaignGuid, string Code, string ProfileGuid, CampaignStatus From, CampaignStatus Status,
    string? Reason, string? PromotionGuid, long Revision);

/// <summary>The data of <c>discount_tier.changed</c> (created or changed): the tier as it stands.</summary>
public sealed record DiscountTierChanged(string Orgcode, string TierCode, string Currency, long ThresholdMinor, int CommissionRateBps, int BuyerDiscountBps,
    bool Active, long Revision);

public static class CampaignEvents
{
    public static DomainEvent Created(string orgcode, Campaign c) =>
        new(InfluencerEvents.CampaignCreated, new CampaignCreated(orgcode, c.CampaignGuid, c.Code, c.ProfileGuid, c.StartsAt, c.EndsAt, c.Channels, c.Currency,
            c.Commission, c.DiscountCode, c.BuyerDiscountBps, 1), $"campaign/{c.CampaignGuid}");

    public static DomainEvent StatusChanged(string orgcode, Campaign from, Campaign to) =>
        new(InfluencerEvents.CampaignStatusChanged, new CampaignStatusChanged(orgcode, to.CampaignGuid, to.Code, to.ProfileGuid, from.Status, to.Status,
            to.StatusReason, to.PromotionGuid, from.Revision + 1), $"campaign/{to.CampaignGuid}");

    public static DomainEvent TierChanged(string orgcode, DiscountTier t, long revision) =>
        new(InfluencerEvents.DiscountTierChanged, new DiscountTierChanged(orgcode, t.TierCode, t.Currency, t.ThresholdMinor, t.CommissionRateBps,
            t.BuyerDiscountBps, t.Active, revision), $"discount_tier/{t.TierCode}");
}
