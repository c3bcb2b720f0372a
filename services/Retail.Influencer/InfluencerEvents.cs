namespace Retail.Influencer;

/// <summary>
/// The business events Influencer publishes (topic = type), each committed in the transaction of its change beside the CDC
/// event of every record. Listed in README.md. Add yours here (merge conflicts: keep both).
/// </summary>
public static class InfluencerEvents
{
    public const string ProfileCreated = "influencer.profile_created";
    public const string ProfileUpdated = "influencer.profile_updated";
    public const string CampaignCreated = "campaign.created";
    public const string CampaignStatusChanged = "campaign.status_changed";
    public const string DiscountTierChanged = "discount_tier.changed";
    public const string AttributionRecorded = "attribution.recorded";
    public const string EarningCreated = "earning.created";
    public const string EarningAvailable = "earning.available";
    public const string EarningHeld = "earning.held";
    public const string EarningReleased = "earning.released";
    public const string EarningClawedBack = "earning.clawed_back";
    public const string EarningCancelled = "earning.cancelled";
    public const string PayoutReadinessChanged = "payout.readiness_changed";
    public const string PayoutSubmitted = "payout.submitted";
    public const string PayoutPaid = "payout.paid";
    public const string PayoutFailed = "payout.failed";
    public const string StatementCreated = "statement.created";
}
