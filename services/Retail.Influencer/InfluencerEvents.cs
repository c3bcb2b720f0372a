using System.ComponentModel;
using Retail.Shared.Events;
using Retail.Influencer.Campaigns;
using Retail.Influencer.Earnings;
using Retail.Influencer.Payouts;
using Retail.Influencer.Profiles;

namespace Retail.Influencer;

/// <summary>
/// The business events Influencer publishes (topic = type), each committed in the transaction of its change beside the CDC
/// event of every record. Listed in README.md. Add yours here (merge conflicts: keep both).
/// </summary>
public static class InfluencerEvents
{
    [EventData(typeof(ProfileCreated))]
    [Description("Influencer profile created.")]
    public const string ProfileCreated = "influencer.profile_created";
    [Description("Influencer profile updated.")]
    public const string ProfileUpdated = "influencer.profile_updated";
    [EventData(typeof(CampaignCreated))]
    [Description("Campaign created.")]
    public const string CampaignCreated = "campaign.created";
    [EventData(typeof(CampaignStatusChanged))]
    [Description("Campaign status changed.")]
    public const string CampaignStatusChanged = "campaign.status_changed";
    [EventData(typeof(DiscountTierChanged))]
    [Description("Discount tier changed.")]
    public const string DiscountTierChanged = "discount_tier.changed";
    [EventData(typeof(AttributionRecorded))]
    [Description("Attribution recorded.")]
    public const string AttributionRecorded = "attribution.recorded";
    [EventData(typeof(EarningChanged))]
    [Description("Earning created.")]
    public const string EarningCreated = "earning.created";
    [EventData(typeof(EarningChanged))]
    [Description("Earning available.")]
    public const string EarningAvailable = "earning.available";
    [EventData(typeof(EarningChanged))]
    [Description("Earning held.")]
    public const string EarningHeld = "earning.held";
    [EventData(typeof(EarningChanged))]
    [Description("Earning released.")]
    public const string EarningReleased = "earning.released";
    [EventData(typeof(EarningChanged))]
    [Description("Earning clawed back.")]
    public const string EarningClawedBack = "earning.clawed_back";
    [EventData(typeof(EarningChanged))]
    [Description("Earning cancelled.")]
    public const string EarningCancelled = "earning.cancelled";
    [EventData(typeof(PayoutReadinessChanged))]
    [Description("Payout readiness changed.")]
    public const string PayoutReadinessChanged = "payout.readiness_changed";
    [EventData(typeof(PayoutChanged))]
    [Description("Payout submitted.")]
    public const string PayoutSubmitted = "payout.submitted";
    [EventData(typeof(PayoutChanged))]
    [Description("Payout paid.")]
    public const string PayoutPaid = "payout.paid";
    [EventData(typeof(PayoutChanged))]
    [Description("Payout failed.")]
    public const string PayoutFailed = "payout.failed";
    [EventData(typeof(StatementCreated))]
    [Description("Statement created.")]
    public const string StatementCreated = "statement.created";
}
