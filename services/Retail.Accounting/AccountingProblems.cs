namespace Retail.Accounting;

/// <summary>Accounting's own stable error codes. Listed in README.md. Add yours here (merge conflicts: keep both sides).</summary>
public static class AccountingProblems
{
    /// <summary>422: a referenced record (an export, a batch, a schedule, a day) does not exist.</summary>
    public static ProblemHttpResult UnknownReference(string field, string detail) =>
        ApiProblem.Business("unknown_reference", "A referenced record does not exist.", detail, [new("field", field)]);
}
