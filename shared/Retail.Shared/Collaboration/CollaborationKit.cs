using Microsoft.AspNetCore.Http.HttpResults;
using Retail.Shared.Contract;
using Retail.Shared.Invocation;
using Retail.Shared.Records;
using Retail.Shared.State;

namespace Retail.Shared.Collaboration;

/// <summary>
/// The module's dependencies for the service handling the current request. One host may mount the module in several
/// services; each keeps its comments and inbox items in its own state store, so everything here is per app id.
/// </summary>
public sealed class CollaborationKit(
    string appId,
    CommentsAndInboxOptions options,
    RecordStore<Comment> comments,
    RecordStore<InboxItem> inbox,
    ICommentSubjects subjects,
    IInboxAssignees assignees,
    ITextSearch search,
    IServiceInvoker invoker,
    RequestContext context)
{
    public string AppId { get; } = appId;

    public CommentsAndInboxOptions Options { get; } = options;

    public RecordStore<Comment> Comments { get; } = comments;

    public RecordStore<InboxItem> Inbox { get; } = inbox;

    public ITextSearch Search { get; } = search;

    public RequestContext Context { get; } = context;

    /// <summary>The request's org (not named Orgcode: the validation filter reads that name on arguments as a body field).</summary>
    public string OrgOfRequest => Context.RequireOrgcode();

    public Role Role => Context.Role;

    public string? PrincipalId => Context.Principal?.Id;

    public Task<ProblemHttpResult?> CheckSubjectAsync(string entity, string key, CancellationToken ct) =>
        SubjectCheck.ProblemAsync(subjects, OrgOfRequest, entity, key, ct);

    public async Task<ProblemHttpResult?> CheckAssigneeAsync(Assignee assignee, CancellationToken ct) =>
        AssigneeProblems.For(await assignees.CheckAsync(OrgOfRequest, assignee, ct), assignee);

    public Task<ProblemHttpResult?> CheckAttachmentsAsync(IReadOnlyList<string> attachments, CancellationToken ct) =>
        AttachmentCheck.ProblemAsync(invoker, Options.AttachmentsAppId, OrgOfRequest, attachments, ct);
}
