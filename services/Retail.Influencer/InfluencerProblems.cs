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

    /// <summary>422: the profile cannot be paid yet; <c>reasons</c> lists every readiness check that failed.</summary>
    public static ProblemHttpResult PayoutNotReady(IReadOnlyList<string> reasons, long availableMinor, long minimumMinor) =>
        ApiProblem.Business("payout_not_ready", "The profile is not ready for a payout.", $"Not ready: {string.Join(", ", reasons)}.",
            [new("reasons", reasons), new("available_minor", availableMinor), new("minimum_payout_minor", minimumMinor)]);

    /// <summary>409: nothing is available to pay (already taken by another payout, or clawbacks net it to zero or below).</summary>
    public static ProblemHttpResult NothingToPay(long availableMinor) =>
        ApiProblem.Create(StatusCodes.Status409Conflict, "nothing_to_pay", "Nothing is available to pay.",
            $"The profile's available earnings come to {availableMinor}; a payout needs a positive amount.", [new("available_minor", availableMinor)]);

    /// <summary>422: the payout provider declined the transfer; the payout failed and its earnings are available again.</summary>
    public static ProblemHttpResult PayoutDeclined(string payoutGuid, string reason) =>
        ApiProblem.Business("payout_declined", "The payout provider declined the payout.",
            $"Payout {payoutGuid} failed ({reason}); its earnings are available again.", [new("payout_guid", payoutGuid), new("reason", reason)]);

    /// <summary>503: the payout provider did not answer; the payout stays submitted and a retry of submit (or the sweep) finishes it, once.</summary>
    public static ProblemHttpResult PayoutProviderUnavailable(string payoutGuid) =>
        ApiProblem.Create(StatusCodes.Status503ServiceUnavailable, "payout_provider_unavailable", "The payout provider did not answer.",
            $"Payout {payoutGuid} is submitted and its earnings are taken. Retry /payout/submit (or let the sweep do it): the provider sees the same payout guid and pays at most once.",
            [new("payout_guid", payoutGuid)]);

    /// <summary>409: the profile's earnings kept changing while a payout was claimed or settled; retry.</summary>
    public static ProblemHttpResult PayoutContended() =>
        ApiProblem.Create(StatusCodes.Status409Conflict, "payout_contended", "The earnings kept changing.",
            "Other changes to this profile's earnings kept winning; retry the request.");

    /// <summary>409: the period overlaps a statement the profile already has.</summary>
    public static ProblemHttpResult StatementOverlap(string statementGuid, DateTimeOffset start, DateTimeOffset end) =>
        ApiProblem.Create(StatusCodes.Status409Conflict, "statement_overlap", "The period overlaps an existing statement.",
            $"Statement {statementGuid} covers {start:O} to {end:O}.", [new("statement_guid", statementGuid)]);

    /// <summary>422: the campaign is active but does not count this order (outside its window, or not its channel).</summary>
    public static ProblemHttpResult CampaignNotCounting(string code, string why) =>
        ApiProblem.Business("campaign_not_active", "The campaign is not active.", $"Campaign {code} does not count this order: {why}.",
            [new("status", "active")]);

    /// <summary>422: the order's currency is not the campaign's (earnings and balances are kept in one currency).</summary>
    public static ProblemHttpResult CurrencyMismatch(string currency, string expected) =>
        ApiProblem.Business("currency_mismatch", "The currency does not match.", $"The order is in {currency}; the campaign earns in {expected}.",
            [new("currency", currency), new("expected", expected)]);

    /// <summary>422: the window of a campaign being created or activated has already ended.</summary>
    public static ProblemHttpResult WindowInPast(DateTimeOffset endsAt) =>
        ApiProblem.Business("window_in_past", "The campaign's window has ended.", $"The window ended at {endsAt.ToUniversalTime():O}.",
            [new("ends_at", endsAt)]);

    /// <summary>422: a campaign is created or activated, and its sales attributed, only for an active influencer profile.</summary>
    public static ProblemHttpResult ProfileNotActive(string profileGuid, string status) =>
        ApiProblem.Business("profile_not_active", "The influencer profile is not active.", $"Profile {profileGuid} is {status}.",
            [new("status", status)]);

    /// <summary>422: the order was not placed (still a draft, or cancelled): there is no sale to attribute.</summary>
    public static ProblemHttpResult OrderNotPlaced(string orderGuid, string? status) =>
        ApiProblem.Business("order_not_placed", "The order is not placed.", $"Order {orderGuid} is {status ?? "unknown"}; only a placed order is attributed.",
            [new("status", status)]);

    /// <summary>422: holds, releases and clawbacks apply to commissions, not to clawback entries.</summary>
    public static ProblemHttpResult NotACommission(string earningGuid) =>
        ApiProblem.Business("not_a_commission", "The earning is not a commission.", $"Earning {earningGuid} is a clawback; only a commission can be held or clawed back.");

    /// <summary>422: a manual clawback asks for more than is left of the commission (or for nothing).</summary>
    public static ProblemHttpResult ClawbackExceedsCommission(long asked, long clawable) =>
        ApiProblem.Business("clawback_exceeds_commission", "The clawback exceeds the commission.",
            $"Asked to claw back {asked}; {clawable} of the commission is left to claw back.", [new("clawable_minor", clawable)]);

    /// <summary>409: an earnings change kept losing races on the influencer's balance; retry.</summary>
    public static ProblemHttpResult EarningsContended() =>
        ApiProblem.Create(StatusCodes.Status409Conflict, "earnings_contended", "The balance is busy.",
            "The influencer's balance kept changing while this change was decided; retry.");

    /// <summary>409: the buyer's discount code is held by another active PPM promotion.</summary>
    public static ProblemHttpResult DiscountCodeTaken(string code) =>
        ApiProblem.Create(StatusCodes.Status409Conflict, "discount_code_taken", "The discount code is taken.",
            $"Another active PPM promotion holds the code '{code}'.", [new("discount_code", code)]);

    /// <summary>422: PPM refused to make the buyer's promotion (its code and detail are passed on); the campaign did not change.</summary>
    public static ProblemHttpResult DiscountRefused(string ppmCode, string? detail) =>
        ApiProblem.Business("discount_refused", "Pricing refused the buyer's discount.", detail, [new("ppm_code", ppmCode)]);
}
