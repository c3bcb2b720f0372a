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
