using Microsoft.AspNetCore.Http.HttpResults;
using Retail.Shared.Problems;

namespace Retail.Shared.Collaboration;

/// <summary>
/// Says whether a subject record (entity and key) exists in this service, live, in the org. The default reads the
/// service's own record stores (<see cref="CommentsAndInboxOptions.Subject{T}"/>); a service whose subjects are not
/// plain records can register its own implementation under its app id.
/// </summary>
public interface ICommentSubjects
{
    IReadOnlyCollection<string> Entities { get; }

    Task<bool> ExistsAsync(string orgcode, string entity, string key, CancellationToken cancellationToken);
}

internal sealed class RecordCommentSubjects(CommentsAndInboxOptions options, IServiceProvider services) : ICommentSubjects
{
    public IReadOnlyCollection<string> Entities => options.SubjectEntities;

    public Task<bool> ExistsAsync(string orgcode, string entity, string key, CancellationToken cancellationToken) =>
        options.SubjectChecks.TryGetValue(entity, out var check) ? check(services, orgcode, key, cancellationToken) : Task.FromResult(false);
}

internal static class SubjectCheck
{
    /// <summary>Null when the subject is there; a 400 for an entity the service does not take, a 422 for a missing record.</summary>
    public static async Task<ProblemHttpResult?> ProblemAsync(ICommentSubjects subjects, string orgcode, string entity, string key,
        CancellationToken ct)
    {
        if (!subjects.Entities.Contains(entity))
        {
            return ApiProblem.Validation("subject_entity", $"must be one of: {string.Join(", ", subjects.Entities.Order(StringComparer.Ordinal))}");
        }
        return await subjects.ExistsAsync(orgcode, entity, key, ct)
            ? null
            : ApiProblem.Business(CollaborationProblems.SubjectNotFound, "The subject record does not exist.",
                $"No live {entity.Replace('_', ' ')} '{key}' in this org.");
    }
}
