namespace Retail.Shared.Collaboration;

/// <summary>The business events of the module, each committed with its change (topic = type). <c>app_id</c> names the service.</summary>
public static class CollaborationEvents
{
    public const string CommentCreated = "comment.created";
    public const string CommentRevised = "comment.revised";
    public const string CommentRedacted = "comment.redacted";
    public const string InboxItemStateChanged = "inbox.item.state_changed";
}

public sealed record CommentCreated(string Orgcode, string AppId, string CommentGuid, string SubjectEntity, string SubjectKey, string AuthorId,
    int AttachmentCount);

public sealed record CommentRevised(string Orgcode, string AppId, string CommentGuid, long Revision, string? RevisedBy);

/// <summary>
/// Carries no body: consumers must not learn what was redacted. <see cref="Attachments"/> are the comment's MRS record
/// guids, so MRS can give them a retention TTL (redaction is final).
/// </summary>
public sealed record CommentRedacted(string Orgcode, string AppId, string CommentGuid, string? RedactedBy, IReadOnlyList<string> Attachments);

public sealed record InboxItemStateChanged(string Orgcode, string AppId, string InboxItemGuid, InboxState From, InboxState To, string? ChangedBy,
    AssigneeKind AssigneeKind, string AssigneeId);
