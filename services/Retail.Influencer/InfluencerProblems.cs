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

    /// <summary>422: the window of a campaign being created or activated has already ended.</summary>
    public static ProblemHttpResult WindowInPast(DateTimeOffset endsAt) =>
        ApiProblem.Business("window_in_past", "The campaign's window has ended.", $"The window ended at {endsAt.ToUniversalTime():O}.",
            [new("ends_at", endsAt)]);

    /// <summary>422: a campaign is created or activated only for an active influencer profile.</summary>
    public static ProblemHttpResult ProfileNotActive(string profileGuid, string status) =>
        ApiProblem.Business("profile_not_active", "The influencer profile is not active.", $"Profile {profileGuid} is {status}.",
            [new("status", status)]);

    /// <summary>409: the buyer's discount code is held by another active PPM promotion.</summary>
    public static ProblemHttpResult DiscountCodeTaken(string code) =>
        ApiProblem.Create(StatusCodes.Status409Conflict, "discount_code_taken", "The discount code is taken.",
            $"Another active PPM promotion holds the code '{code}'.", [new("discount_code", code)]);

    /// <summary>422: PPM refused to make the buyer's promotion (its code and detail are passed on); the campaign did not change.</summary>
    public static ProblemHttpResult DiscountRefused(string ppmCode, string? detail) =>
        ApiProblem.Business("discount_refused", "Pricing refused the buyer's discount.", detail, [new("ppm_code", ppmCode)]);
}
