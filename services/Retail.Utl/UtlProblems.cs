namespace Retail.Utl;

/// <summary>UTL's own stable error codes. Listed in README.md. Add yours here (merge conflicts: keep both sides).</summary>
public static class UtlProblems
{
    /// <summary>422: the export has not completed (running or failed): there is no manifest to download yet.</summary>
    public static ProblemHttpResult ExportNotReady(string exportGuid, string status) =>
        ApiProblem.Business("export_not_ready", "The export has not completed.",
            $"Export {exportGuid} is {status}; its manifest can be downloaded once it is completed.", [new("status", status)]);

    /// <summary>422: the export's files are no longer in MRS (the org was purged since).</summary>
    public static ProblemHttpResult ExportGone(string exportGuid) =>
        ApiProblem.Business("export_gone", "The export's files are gone.", $"Export {exportGuid}'s manifest is no longer in MRS.");

    /// <summary>409: the org already has an offboarding in progress (one at a time).</summary>
    public static ProblemHttpResult OffboardingInProgress(string offboardingGuid, string stage) =>
        ApiProblem.Create(StatusCodes.Status409Conflict, "offboarding_in_progress", "The org already has an offboarding in progress.",
            $"Offboarding {offboardingGuid} is {stage}; cancel it or let it finish first.", [new("offboarding_guid", offboardingGuid), new("stage", stage)]);

    /// <summary>404: the org has no offboarding (or none that is live, for start and cancel).</summary>
    public static ProblemHttpResult NoOffboarding(string orgcode) => ApiProblem.NotFound($"Org '{orgcode}' has no offboarding in progress.");

    /// <summary>409: the offboarding has already been started by an operator.</summary>
    public static ProblemHttpResult AlreadyStarted(string offboardingGuid, string stage) =>
        ApiProblem.Create(StatusCodes.Status409Conflict, "offboarding_already_started", "The offboarding has already been started.",
            $"Offboarding {offboardingGuid} is {stage}.", [new("stage", stage)]);

    /// <summary>422: the purge has begun (or the offboarding ended): it can no longer be cancelled.</summary>
    public static ProblemHttpResult NotCancellable(string offboardingGuid, string stage) =>
        ApiProblem.Business("offboarding_not_cancellable", "The offboarding can no longer be cancelled.",
            $"Offboarding {offboardingGuid} is {stage}; cancel works until the purge begins.", [new("stage", stage)]);

    /// <summary>403: the operator who starts an offboarding must not be the one who requested it (two people destroy an org's data).</summary>
    public static ProblemHttpResult SameRequester() =>
        ApiProblem.Create(StatusCodes.Status403Forbidden, "segregation_of_duties", "The requester cannot start the offboarding.",
            "Whoever requested an offboarding cannot start it; another person (an operator) must.");
}
