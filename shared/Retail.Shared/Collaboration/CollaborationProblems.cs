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
    public const string InvalidNextToken = "invalid_next_token";
    public const string SearchUnavailable = "search_unavailable";

    public static ProblemHttpResult BadNextToken() =>
        ApiProblem.Create(StatusCodes.Status400BadRequest, InvalidNextToken, "The next_token is not valid.",
            "Send back the next_token of the previous page of the same request, unchanged.");

    public static ProblemHttpResult NotAvailable(string reason) =>
        ApiProblem.Create(StatusCodes.Status501NotImplemented, SearchUnavailable, "Search is not available here.", reason);

    public static ProblemHttpResult AdminOnly(string what) =>
        ApiProblem.Forbidden($"Only an admin may {what}.");

    /// <summary>A malformed page token surfaces from the store as an <see cref="ArgumentException"/> on its token.</summary>
    public static bool IsBadToken(ArgumentException exception) => exception.ParamName == "token";
}
