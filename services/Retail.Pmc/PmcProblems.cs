namespace Retail.Pmc;

/// <summary>PMC's own stable error codes. Listed in README.md.</summary>
public static class PmcProblems
{
    /// <summary>422: a referenced record (a channel, a facility, a style, a brand, a category, a variant, a revision) does not exist in this org.</summary>
    public static ProblemHttpResult UnknownReference(string field, string detail) =>
        ApiProblem.Business("unknown_reference", "A referenced record does not exist.", detail, [new("field", field)]);

    /// <summary>422: the pointer names a revision that this product does not have in this channel.</summary>
    public static ProblemHttpResult UnknownRevision(string detail, string field = "revision_no") =>
        ApiProblem.Business("unknown_revision", "The product has no such revision in this channel.", detail, [new("field", field)]);

    /// <summary>409: the run is not waiting for a step (it runs on its own, or has finished).</summary>
    public static ProblemHttpResult RunNotWaiting(string detail) =>
        ApiProblem.Create(StatusCodes.Status409Conflict, "run_not_waiting", "The run is not waiting for a step.", detail);

    /// <summary>409: the run has finished (completed, cancelled or failed).</summary>
    public static ProblemHttpResult RunFinished(string detail) =>
        ApiProblem.Create(StatusCodes.Status409Conflict, "run_finished", "The run has finished.", detail);

    /// <summary>409: the pack was already completed.</summary>
    public static ProblemHttpResult PackCompleted(string detail) =>
        ApiProblem.Create(StatusCodes.Status409Conflict, "pack_completed", "The pack has already gone online.", detail);

    /// <summary>409: the product has no pointer to take online.</summary>
    public static ProblemHttpResult NoPointer(string detail) =>
        ApiProblem.Create(StatusCodes.Status409Conflict, "no_pointer", "The product has no revision pointer in this channel.", detail);

    /// <summary>422: the run's manifest is not built yet.</summary>
    public static ProblemHttpResult ManifestNotReady(string detail) =>
        ApiProblem.Business("manifest_not_ready", "The run's manifest is not built yet.", detail);
}
