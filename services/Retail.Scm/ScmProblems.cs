namespace Retail.Scm;

/// <summary>SCM's own stable error codes. Listed in README.md. Add yours here (merge conflicts: keep both sides).</summary>
public static class ScmProblems
{
    /// <summary>422: a referenced record (a channel, a facility, a variant, an order, a shipment) does not exist in this org.</summary>
    public static ProblemHttpResult UnknownReference(string field, string detail) =>
        ApiProblem.Business("unknown_reference", "A referenced record does not exist.", detail, [new("field", field)]);

    /// <summary>409: not enough stock for some lines; <c>lines</c> names each (line_no, variant_guid, requested, available).</summary>
    public static ProblemHttpResult InsufficientStock(string detail, IReadOnlyList<object> lines) =>
        ApiProblem.Create(StatusCodes.Status409Conflict, "insufficient_stock", "Not enough stock.", detail, [new("lines", lines)]);

    /// <summary>422: a line has no price in the channel (PPM's reason per line).</summary>
    public static ProblemHttpResult Unpriced(string detail, IReadOnlyList<object> lines) =>
        ApiProblem.Business("unpriced", "Some lines have no price in this channel.", detail, [new("lines", lines)]);

    /// <summary>403: the approver is the creator (segregation of duties).</summary>
    public static ProblemHttpResult SameActor(string detail) =>
        ApiProblem.Create(StatusCodes.Status403Forbidden, "same_actor", "The approver may not be the creator.", detail);
}
