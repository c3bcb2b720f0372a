using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Retail.Shared.Problems;

/// <summary>Builds RFC 9457 problems that carry the contract's stable <c>code</c>.</summary>
public static class ApiProblem
{
    public static ProblemHttpResult Create(int status, string code, string title, string? detail = null,
        IEnumerable<KeyValuePair<string, object?>>? extensions = null)
    {
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail, Type = TypeFor(code) };
        Fill(problem, code, extensions);
        return TypedResults.Problem(problem);
    }

    public static ProblemHttpResult Validation(IDictionary<string, string[]> errors, string? detail = null)
    {
        var problem = new HttpValidationProblemDetails(errors)
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "The request is not valid.",
            Detail = detail ?? "One or more fields are invalid.",
            Type = TypeFor(ProblemCodes.ValidationFailed),
        };
        Fill(problem, ProblemCodes.ValidationFailed, null);
        return TypedResults.Problem(problem);
    }

    public static ProblemHttpResult Validation(string field, string message) =>
        Validation(new Dictionary<string, string[]> { [field] = [message] });

    public static ProblemHttpResult NotFound(string? detail = null) =>
        Create(StatusCodes.Status404NotFound, ProblemCodes.NotFound, "Not found.", detail);

    public static ProblemHttpResult Duplicate(string detail, string? field = null) =>
        Create(StatusCodes.Status409Conflict, ProblemCodes.Duplicate, "Duplicate.", detail,
            field is null ? null : [new KeyValuePair<string, object?>("field", field)]);

    public static ProblemHttpResult Forbidden(string? detail = null) =>
        Create(StatusCodes.Status403Forbidden, ProblemCodes.Forbidden, "Forbidden.", detail ?? "Your role does not allow this operation.");

    public static ProblemHttpResult Unauthenticated(string? detail = null) =>
        Create(StatusCodes.Status401Unauthorized, ProblemCodes.Unauthenticated, "Unauthenticated.", detail ?? "Missing, unknown, expired or revoked credentials.");

    public static ProblemHttpResult ExpectedRevisionRequired() =>
        Create(StatusCodes.Status400BadRequest, ProblemCodes.ExpectedRevisionRequired, "expected_revision is required.",
            "Every change to an existing record must name the revision it was based on.",
            [new("errors", new Dictionary<string, string[]> { ["expected_revision"] = ["is required"] })]);

    public static ProblemHttpResult RevisionMismatch(long currentRevision) =>
        Create(StatusCodes.Status409Conflict, ProblemCodes.RevisionMismatch, "The record has changed.",
            $"The record is at revision {currentRevision}.", [new("current_revision", currentRevision)]);

    public static ProblemHttpResult InvalidTransition(string from, string to, IReadOnlyCollection<string> allowed) =>
        Create(StatusCodes.Status409Conflict, ProblemCodes.InvalidTransition, "Transition not allowed.",
            $"Cannot move from '{from}' to '{to}'.", [new("from", from), new("to", to), new("allowed", allowed)]);

    public static ProblemHttpResult Business(string code, string title, string? detail = null,
        IEnumerable<KeyValuePair<string, object?>>? extensions = null) =>
        Create(StatusCodes.Status422UnprocessableEntity, code, title, detail, extensions);

    public static ProblemHttpResult RateLimited(TimeSpan retryAfter) =>
        Create(StatusCodes.Status429TooManyRequests, ProblemCodes.RateLimited, "Too many requests.",
            "Try again later.", [new("retry_after_seconds", (int)Math.Ceiling(retryAfter.TotalSeconds))]);

    public static ProblemHttpResult DependencyUnavailable(string dependency) =>
        Create(StatusCodes.Status503ServiceUnavailable, ProblemCodes.DependencyUnavailable, "A dependency is unavailable.",
            $"{dependency} could not be reached or did not answer in time; nothing was committed here. Retry the request: calls to " +
            $"{dependency} carry idempotency keys, so a retry finishes (or a timeout undoes) what may have begun there.");

    public static string TypeFor(string code) => $"https://retail.dev/problems/{code.Replace('_', '-')}";

    private static void Fill(ProblemDetails problem, string code, IEnumerable<KeyValuePair<string, object?>>? extensions)
    {
        problem.Extensions["code"] = code;
        if (extensions is null)
        {
            return;
        }
        foreach (var (key, value) in extensions)
        {
            problem.Extensions[key] = value;
        }
    }
}
