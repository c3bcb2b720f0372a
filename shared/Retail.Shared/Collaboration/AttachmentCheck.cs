using System.Net;
using Microsoft.AspNetCore.Http.HttpResults;
using Retail.Shared.Invocation;
using Retail.Shared.Problems;

namespace Retail.Shared.Collaboration;

/// <summary>
/// Asks MRS about each attachment in the caller's org: its <c>/record/meta</c> answers only for a record that exists
/// there and is neither doomed nor expired, so a 404 covers "missing", "another org's" and "doomed" alike. Anything
/// but a clear yes or no (MRS down, an error) refuses the write: fail closed.
/// </summary>
internal static class AttachmentCheck
{
    public static async Task<ProblemHttpResult?> ProblemAsync(IServiceInvoker invoker, string mrsAppId, string orgcode,
        IReadOnlyList<string> attachments, CancellationToken ct)
    {
        foreach (var guid in attachments)
        {
            InvocationResponse answer;
            try
            {
                answer = await invoker.InvokeAsync(mrsAppId, "/record/meta", new { record_guid = guid }, new InvocationOptions(orgcode), ct);
            }
            catch (DependencyUnavailableException)
            {
                return ApiProblem.DependencyUnavailable("The record service (MRS)");
            }
            if (answer.StatusCode == (int)HttpStatusCode.NotFound)
            {
                return ApiProblem.Business(CollaborationProblems.AttachmentNotFound, "An attachment does not exist.",
                    $"No live MRS record '{guid}' in this org.", [new("attachment", guid)]);
            }
            if (!answer.IsSuccess)
            {
                return ApiProblem.DependencyUnavailable("The record service (MRS)");
            }
        }
        return null;
    }

    public static IReadOnlyList<string> Normalize(IReadOnlyList<string>? attachments) =>
        (attachments ?? []).Select(g => Guid.Parse(g).ToString()).Distinct(StringComparer.Ordinal).ToList();
}
