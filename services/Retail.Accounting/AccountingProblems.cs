namespace Retail.Accounting;

/// <summary>Accounting's own stable error codes. Listed in README.md. Add yours here (merge conflicts: keep both sides).</summary>
public static class AccountingProblems
{
    /// <summary>422: a referenced record (an export, a batch, a schedule, a day) does not exist.</summary>
    public static ProblemHttpResult UnknownReference(string field, string detail) =>
        ApiProblem.Business("unknown_reference", "A referenced record does not exist.", detail, [new("field", field)]);

    /// <summary>422: the service named is not one whose storage Accounting measures.</summary>
    public static ProblemHttpResult UnknownService(string service, IReadOnlyList<string> measured) =>
        ApiProblem.Business("unknown_service", "Storage of this service is not measured.",
            $"'{service}' is not a measured service; measured: {string.Join(", ", measured)}.", [new("field", "service")]);
}
