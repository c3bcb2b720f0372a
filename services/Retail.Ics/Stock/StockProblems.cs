namespace Retail.Ics.Stock;

/// <summary>The codes of stock, warehouse and consignment operations beside <see cref="IcsProblems"/>.</summary>
public static class StockProblems
{
    /// <summary>422: reserved, allocated and committed stock moves only through holds (reservation, allocation, commit and their releases).</summary>
    public static ProblemHttpResult HeldState(string field) =>
        ApiProblem.Business("held_state", "This state belongs to holds.",
            "Reserved, allocated and committed stock only moves through reservations, allocations and commitments.", [new("field", field)]);

    /// <summary>422: a quantity beyond what a record still has open (QC beyond what is on hold for a receipt line, settling beyond consumed).</summary>
    public static ProblemHttpResult ExceedsOpen(string field, string detail) =>
        ApiProblem.Business("quantity_exceeds_open", "The quantity is more than is still open.", detail, [new("field", field)]);

    /// <summary>422: the hold is not an active commitment at this facility (or does not claim the variant).</summary>
    public static ProblemHttpResult NotCommitted(string detail) =>
        ApiProblem.Business("hold_not_committed", "The hold is not an active commitment here.", detail, [new("field", "hold_guid")]);
}
