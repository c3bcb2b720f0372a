using Retail.Ics.Stock;

namespace Retail.Ics;

/// <summary>ICS's own stable error codes. Listed in README.md.</summary>
public static class IcsProblems
{
    /// <summary>409: the change would take a state (or a bin) below zero; <c>shortfalls</c> names each line.</summary>
    public static ProblemHttpResult InsufficientStock(IReadOnlyList<Shortfall> shortfalls) =>
        ApiProblem.Create(StatusCodes.Status409Conflict, "insufficient_stock", "Not enough stock.",
            string.Join("; ", shortfalls.Select(s =>
                $"{s.VariantGuid} at {s.FacilityCode}{(s.BinCode is null ? "" : $" bin {s.BinCode}")}: {s.Requested} asked, {s.Available} {s.State}")),
            [new("shortfalls", shortfalls)]);

    /// <summary>422: a referenced record (a variant, a facility, a bin) does not exist in this org.</summary>
    public static ProblemHttpResult UnknownReference(string field, string detail) =>
        ApiProblem.Business("unknown_reference", "A referenced record does not exist.", detail, [new("field", field)]);

    /// <summary>422: a referenced record exists but is not active (a retired variant, an inactive facility or bin).</summary>
    public static ProblemHttpResult ReferenceNotActive(string field, string detail) =>
        ApiProblem.Business("reference_not_active", "A referenced record is not active.", detail, [new("field", field)]);

    /// <summary>403 <c>segregation_of_duties</c> (CONTRACT.md): whoever submitted a thing for approval cannot approve it.</summary>
    public static ProblemHttpResult SegregationOfDuties(string detail) =>
        ApiProblem.Create(StatusCodes.Status403Forbidden, ProblemCodes.SegregationOfDuties, "Someone else must approve this.", detail);
}
