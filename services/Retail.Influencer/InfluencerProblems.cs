namespace Retail.Influencer;

/// <summary>Influencer's own stable error codes. Listed in README.md. Add yours here (merge conflicts: keep both sides).</summary>
public static class InfluencerProblems
{
    /// <summary>422: a referenced record (a profile, a campaign, an order, a tier) does not exist in this org.</summary>
    public static ProblemHttpResult UnknownReference(string field, string detail) =>
        ApiProblem.Business("unknown_reference", "A referenced record does not exist.", detail, [new("field", field)]);

    /// <summary>422: the campaign is not active (draft, paused or ended): an attribution does not count.</summary>
    public static ProblemHttpResult CampaignNotActive(string code, string status) =>
        ApiProblem.Business("campaign_not_active", "The campaign is not active.", $"Campaign {code} is {status}; attributions count only while it is active.",
            [new("status", status)]);
}
