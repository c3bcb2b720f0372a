using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Retail.Shared.Problems;

namespace Retail.Shared.Collaboration;

/// <summary>The module's own stable codes, beside the contract's.</summary>
public static class CollaborationProblems
{
    public const string SubjectNotFound = "subject_not_found";
    public const string AttachmentNotFound = "attachment_not_found";
    public const string AssigneeNotFound = "assignee_not_found";
    /// <summary>The contract's own code: a bad page token is refused by the pipeline, as on every list.</summary>
    public const string InvalidNextToken = ProblemCodes.InvalidNextToken;
    public const string SearchUnavailable = "search_unavailable";

    public static ProblemHttpResult NotAvailable(string reason) =>
        ApiProblem.Create(StatusCodes.Status501NotImplemented, SearchUnavailable, "Search is not available here.", reason);

    public static ProblemHttpResult AdminOnly(string what) =>
        ApiProblem.Forbidden($"Only an admin may {what}.");
}
