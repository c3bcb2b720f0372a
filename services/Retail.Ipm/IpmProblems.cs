namespace Retail.Ipm;

/// <summary>IPM's own stable error codes. Listed in README.md. Add yours here (merge conflicts: keep both sides).</summary>
public static class IpmProblems
{
    /// <summary>422: a referenced record (a webhook, a job, a file, a KPI) does not exist in the org.</summary>
    public static ProblemHttpResult UnknownReference(string field, string detail) =>
        ApiProblem.Business("unknown_reference", "A referenced record does not exist.", detail, [new("field", field)]);
}
