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

    // Prices and approvals (prices helper).

    /// <summary>409: the price approval was already approved or rejected.</summary>
    public static ProblemHttpResult ApprovalNotPending(string detail) =>
        ApiProblem.Create(StatusCodes.Status409Conflict, "approval_not_pending", "The approval is not pending.", detail);
}
