using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Retail.Shared.Contract;
using Retail.Shared.Json;
using Retail.Shared.Problems;
using Retail.Shared.Records;
using Retail.Shared.State;

namespace Retail.Shared.Collaboration;

/// <summary>Comments on a service's records: create, get, list, revise, status (moderation), report.</summary>
public static class CommentsApi
{
    public static async Task<Results<Created<CommentView>, ProblemHttpResult>> CreateComment(CreateCommentRequest request, CollaborationKit kit,
        CancellationToken ct)
    {
        var orgcode = kit.OrgOfRequest;
        if (await kit.CheckSubjectAsync(request.SubjectEntity!, request.SubjectKey!, ct) is { } subjectProblem)
        {
            return subjectProblem;
        }
        var attachments = AttachmentCheck.Normalize(request.Attachments);
        if (await kit.CheckAttachmentsAsync(attachments, ct) is { } attachmentProblem)
        {
            return attachmentProblem;
        }
        var comment = new Comment
        {
            CommentGuid = Ids.New(),
            SubjectEntity = request.SubjectEntity!,
            SubjectKey = request.SubjectKey!,
            Body = request.Body!.Trim(),
            Attachments = attachments,
            AuthorId = kit.Context.RequirePrincipal().Id,
        };
        var write = await kit.Comments.CreateAsync(orgcode, comment,
            [new DomainEvent(CollaborationEvents.CommentCreated, new CommentCreated(orgcode, kit.AppId, comment.CommentGuid, comment.SubjectEntity,
                comment.SubjectKey, comment.AuthorId, attachments.Count))], ct);
        return write.Succeeded ? TypedResults.Created((string?)null, CommentView.For(write.Record!, kit.Role)) : write.Problem();
    }

    public static async Task<Results<Ok<CommentView>, ProblemHttpResult>> GetComment(CommentKeyRequest request, CollaborationKit kit, CancellationToken ct)
    {
        var loaded = await kit.Comments.GetAsync(kit.OrgOfRequest, request.CommentGuid!, ct: ct);
        if (loaded is null)
        {
            return ApiProblem.NotFound("No such comment.");
        }
        var view = CommentView.For(loaded.Record, kit.Role);
        if (request.IncludeRevisions == true && !view.BodyWithheld)
        {
            view = view with { Revisions = await RevisionsAsync(kit, loaded.Record.CommentGuid, ct) };
        }
        return TypedResults.Ok(view);
    }

    public static async Task<Results<Ok<Page<CommentView>>, ProblemHttpResult>> ListComments(ListCommentsRequest request, CollaborationKit kit,
        CancellationToken ct)
    {
        var listable = CommentRules.Listable(kit.Role);
        if ((request.Reported == true || request.Status == CommentStatus.Hidden) && kit.Role < Role.Admin)
        {
            return CollaborationProblems.AdminOnly("list reported or hidden comments");
        }
        var filters = new List<StateFilter>
        {
            request.Status is { } status ? StateFilter.Eq("status", status) : StateFilter.In("status", listable.Cast<object?>().ToArray()),
        };
        if (request.SubjectEntity is not null)
        {
            filters.Add(StateFilter.Eq("subject_entity", request.SubjectEntity));
            filters.Add(StateFilter.Eq("subject_key", request.SubjectKey));
        }
        if (request.AuthorId is not null)
        {
            filters.Add(StateFilter.Eq("author_id", request.AuthorId));
        }
        if (request.Reported is { } reported)
        {
            filters.Add(StateFilter.Eq("reported", reported));
        }
        var page = await kit.Comments.ListAsync(kit.OrgOfRequest, filters, Paging.LimitOf(request), request.NextToken, ct: ct);
        return TypedResults.Ok(new Page<CommentView>(page.Items.Select(c => CommentView.For(c, kit.Role)).ToList(), page.NextToken));
    }

    public static async Task<Results<Ok<CommentView>, ProblemHttpResult>> ReviseComment(ReviseCommentRequest request, CollaborationKit kit,
        TimeProvider clock, CancellationToken ct)
    {
        var orgcode = kit.OrgOfRequest;
        var (loaded, problem) = await kit.Comments.LoadForChangeAsync(orgcode, request.CommentGuid, request.ExpectedRevision, ct: ct);
        if (problem is not null)
        {
            return problem;
        }
        var comment = loaded!.Record;
        if (!CommentRules.MayRevise(comment, kit.PrincipalId, kit.Role))
        {
            return ApiProblem.Forbidden("Only the comment's author or an admin may revise it.");
        }
        var attachments = request.Attachments is null ? comment.Attachments : AttachmentCheck.Normalize(request.Attachments);
        if (await kit.CheckAttachmentsAsync(attachments.Except(comment.Attachments, StringComparer.Ordinal).ToList(), ct) is { } attachmentProblem)
        {
            return attachmentProblem;
        }
        var revised = comment with { Body = request.Body!.Trim(), Attachments = attachments, RevisedAt = clock.GetUtcNow() };
        var write = await kit.Comments.UpdateAsync(orgcode, loaded, revised, "updated",
            [new DomainEvent(CollaborationEvents.CommentRevised, new CommentRevised(orgcode, kit.AppId, comment.CommentGuid, comment.Revision + 1,
                kit.PrincipalId))], ct);
        return write.Succeeded ? TypedResults.Ok(CommentView.For(write.Record!, kit.Role)) : write.Problem();
    }

    public static async Task<Results<Ok<CommentView>, ProblemHttpResult>> SetCommentStatus(CommentStatusRequest request, CollaborationKit kit,
        CancellationToken ct)
    {
        var orgcode = kit.OrgOfRequest;
        var (loaded, problem) = await kit.Comments.LoadForChangeAsync(orgcode, request.CommentGuid, request.ExpectedRevision, ct: ct);
        if (problem is not null)
        {
            return problem;
        }
        var comment = loaded!.Record;
        var to = request.Status!.Value;
        if (CommentRules.Lifecycle.Check(comment.Status, to) is { } refused)
        {
            return refused;
        }
        var moderation = CommentRules.IsModeration(comment.Status, to);
        if (moderation && kit.Role < Role.Admin)
        {
            return CollaborationProblems.AdminOnly($"move a comment from '{SnakeCase.Name(comment.Status)}' to '{SnakeCase.Name(to)}'");
        }
        // An admin's decision is the review a report asked for.
        var next = comment with { Status = to, Reported = comment.Reported && kit.Role < Role.Admin };
        DomainEvent[] events = to == CommentStatus.Redacted
            ? [new DomainEvent(CollaborationEvents.CommentRedacted, new CommentRedacted(orgcode, kit.AppId, comment.CommentGuid, kit.PrincipalId, comment.Attachments))]
            : [];
        var write = await kit.Comments.UpdateAsync(orgcode, loaded, next, "status_changed", events, ct);
        return write.Succeeded ? TypedResults.Ok(CommentView.For(write.Record!, kit.Role)) : write.Problem();
    }

    public static async Task<Results<Ok<CommentView>, ProblemHttpResult>> ReportComment(ReportCommentRequest request, CollaborationKit kit,
        TimeProvider clock, CancellationToken ct)
    {
        var orgcode = kit.OrgOfRequest;
        var (loaded, problem) = await kit.Comments.LoadForChangeAsync(orgcode, request.CommentGuid, request.ExpectedRevision,
            c => c.Status != CommentStatus.Redacted, ct);
        if (problem is not null)
        {
            return problem;
        }
        var comment = loaded!.Record;
        var report = new CommentReport(request.Reason!.Value, Validation.RequestRules.Trimmed(request.Note), kit.PrincipalId, clock.GetUtcNow());
        var write = await kit.Comments.UpdateAsync(orgcode, loaded,
            comment with { Reported = true, ReportCount = comment.ReportCount + 1, LastReport = report }, ct: ct);
        return write.Succeeded ? TypedResults.Ok(CommentView.For(write.Record!, kit.Role)) : write.Problem();
    }

    /// <summary>The bodies the comment has had, oldest first, from its history (the first 500 changes).</summary>
    private static async Task<IReadOnlyList<CommentRevision>> RevisionsAsync(CollaborationKit kit, string commentGuid, CancellationToken ct)
    {
        var history = await kit.Comments.HistoryAsync(kit.OrgOfRequest, commentGuid, Paging.MaxLimit, ct: ct);
        return history.Items
            .Where(h => h.Op == "created" || h.Changed.Contains("body"))
            .Select(h => new CommentRevision(h.Revision, h.Record.GetProperty("body").GetString() ?? "", h.PrincipalId, h.At))
            .ToList();
    }
}
