namespace Retail.Ppm;

/// <summary>PPM's own stable error codes. Listed in README.md.</summary>
public static class PpmProblems
{
    /// <summary>422: a referenced record (a variant, a list, a zone, a unit, a channel, a facility) does not exist in this org.</summary>
    public static ProblemHttpResult UnknownReference(string field, string detail) =>
        ApiProblem.Business("unknown_reference", "A referenced record does not exist.", detail, [new("field", field)]);

    /// <summary>422: a referenced record exists but is not active (a retired variant, an inactive list or zone).</summary>
    public static ProblemHttpResult ReferenceNotActive(string field, string detail) =>
        ApiProblem.Business("reference_not_active", "A referenced record is not active.", detail, [new("field", field)]);

    /// <summary>422: an amount's currency is not the price list's (or the rule's and the list's differ).</summary>
    public static ProblemHttpResult CurrencyMismatch(string field, string detail) =>
        ApiProblem.Business("currency_mismatch", "The currency does not match the price list's.", detail, [new("field", field)]);

    /// <summary>409: another window of the same variant, list, zone and unit overlaps this one.</summary>
    public static ProblemHttpResult PriceWindowOverlap(string detail) =>
        ApiProblem.Create(StatusCodes.Status409Conflict, "price_window_overlap", "Another price of the same key overlaps this window.", detail);

    /// <summary>403 <c>segregation_of_duties</c> (CONTRACT.md; the issue's <c>same_actor</c>): whoever submitted a price change cannot approve it.</summary>
    public static ProblemHttpResult SegregationOfDuties(string detail) =>
        ApiProblem.Create(StatusCodes.Status403Forbidden, ProblemCodes.SegregationOfDuties, "Someone else must approve this.", detail);

    // Lists, zones, units and policy (lists helper).

    /// <summary>409: a list still assigned to a channel, or a zone still assigned to a facility, cannot be retired.</summary>
    public static ProblemHttpResult InUse(string detail) =>
        ApiProblem.Create(StatusCodes.Status409Conflict, "in_use", "The record is still in use.", detail);

    /// <summary>409: a price list's currency cannot change once any price exists on the list.</summary>
    public static ProblemHttpResult CurrencyLocked(string detail) =>
        ApiProblem.Create(StatusCodes.Status409Conflict, "currency_locked", "The price list's currency can no longer change.", detail,
            [new("field", "currency")]);

    /// <summary>409: another list is already assigned to the channel at this priority.</summary>
    public static ProblemHttpResult PriorityTaken(string detail) =>
        ApiProblem.Create(StatusCodes.Status409Conflict, "priority_taken", "Another price list of the channel has this priority.", detail,
            [new("field", "priority")]);

    /// <summary>409: the facility is already in another price zone (move it by naming its assignment's expected_revision).</summary>
    public static ProblemHttpResult AlreadyAssigned(string detail, long currentRevision) =>
        ApiProblem.Create(StatusCodes.Status409Conflict, "already_assigned", "The facility is already in another price zone.", detail,
            [new("current_revision", currentRevision)]);

    /// <summary>422: no active price list is assigned to the channel.</summary>
    public static ProblemHttpResult NoPriceList(string detail) =>
        ApiProblem.Business("no_price_list", "No active price list applies to the channel.", detail, [new("field", "channel_code")]);

    /// <summary>422: the built-in unit <c>each</c> is one base unit, for every variant; it cannot be set.</summary>
    public static ProblemHttpResult UomFixed(string detail) =>
        ApiProblem.Business("uom_fixed", "The unit 'each' is fixed at one base unit.", detail, [new("field", "uom_code")]);

    // Prices and approvals (prices helper).

    /// <summary>409: the price approval was already approved or rejected.</summary>
    public static ProblemHttpResult ApprovalNotPending(string detail) =>
        ApiProblem.Create(StatusCodes.Status409Conflict, "approval_not_pending", "The approval is not pending.", detail);

    // Promotions and dynamic rules (issue 12, promotions helper).

    /// <summary>422: a promotion whose window has already ended when it is created would never apply.</summary>
    public static ProblemHttpResult WindowInPast(string detail) =>
        ApiProblem.Business("window_in_past", "The window has already ended.", detail, [new("field", "ends_at")]);

    /// <summary>409: the promotion has already ended; an ended promotion never applies again.</summary>
    public static ProblemHttpResult PromotionEnded(string detail) =>
        ApiProblem.Create(StatusCodes.Status409Conflict, "promotion_ended", "The promotion has already ended.", detail);

    /// <summary>409: a retired dynamic rule is kept as it was; set up a rule under a new code.</summary>
    public static ProblemHttpResult RuleRetired(string detail) =>
        ApiProblem.Create(StatusCodes.Status409Conflict, "rule_retired", "The dynamic rule is retired.", detail);
}
