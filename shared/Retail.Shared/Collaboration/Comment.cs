using System.Text.Json.Serialization;
using Retail.Shared.Contract;
using Retail.Shared.Records;

namespace Retail.Shared.Collaboration;

public enum CommentStatus
{
    Visible,
    Hidden,
    Resolved,
    Redacted,
}

public enum ReportReason
{
    Spam,
    Abusive,
    OffTopic,
    PersonalData,
    Other,
}

/// <summary>The latest report of a comment; every earlier one stays in the comment's history.</summary>
public sealed record CommentReport(ReportReason Reason, string? Note, string? ReportedBy, DateTimeOffset ReportedAt);

/// <summary>
/// A comment on a subject record of the service. Revisions replace the body; every earlier body stays in the record's
/// history. Reports raise a flag for review that an admin's moderation move clears; the count says how many there were.
/// </summary>
public sealed record Comment : Record
{
    public required string CommentGuid { get; init; }

    public required string SubjectEntity { get; init; }

    public required string SubjectKey { get; init; }

    public required string Body { get; init; }

    /// <summary>MRS record guids, checked at write time: there, in this org, not doomed.</summary>
    public IReadOnlyList<string> Attachments { get; init; } = [];

    public required string AuthorId { get; init; }

    public CommentStatus Status { get; init; } = CommentStatus.Visible;

    public bool Reported { get; init; }

    public int ReportCount { get; init; }

    public CommentReport? LastReport { get; init; }

    public DateTimeOffset? RevisedAt { get; init; }

    /// <summary>What full-text search may find: nothing once the comment is hidden or redacted.</summary>
    public string? SearchText => CommentRules.IsPublic(Status) ? Body : null;

    [JsonIgnore]
    public override string Key => CommentGuid;

    /// <summary>Comments of a subject, and the reported ones for review, are index lookups.</summary>
    public static readonly RecordType<Comment> Type = new RecordType<Comment>("comment")
        .IndexBy("subject_entity", "subject_key")
        .IndexBy("reported");
}

public static class CommentRules
{
    public const string WithheldBody = "[redacted]";

    /// <summary>
    /// Members resolve and reopen; hiding, un-hiding and redacting are moderation (admin). Redaction is final: the body
    /// stays in storage for admins and audits, but nobody below admin reads it again.
    /// </summary>
    public static readonly StateMachine<CommentStatus> Lifecycle = new(new Dictionary<CommentStatus, CommentStatus[]>
    {
        [CommentStatus.Visible] = [CommentStatus.Resolved, CommentStatus.Hidden, CommentStatus.Redacted],
        [CommentStatus.Resolved] = [CommentStatus.Visible, CommentStatus.Hidden, CommentStatus.Redacted],
        [CommentStatus.Hidden] = [CommentStatus.Visible, CommentStatus.Redacted],
        [CommentStatus.Redacted] = [],
    });

    /// <summary>Statuses anyone in the org reads in full, in lists and in search.</summary>
    public static bool IsPublic(CommentStatus status) => status is CommentStatus.Visible or CommentStatus.Resolved;

    /// <summary>Moves that only an admin may make: anything into or out of moderation.</summary>
    public static bool IsModeration(CommentStatus from, CommentStatus to) => !IsPublic(from) || !IsPublic(to);

    public static bool MayRevise(Comment comment, string? principalId, Role role) =>
        role >= Role.Admin || (comment.AuthorId == principalId && comment.Status != CommentStatus.Redacted);

    /// <summary>Statuses a list may show to <paramref name="role"/>; redacted ones to nobody.</summary>
    public static IReadOnlyList<CommentStatus> Listable(Role role) =>
        role >= Role.Admin ? [CommentStatus.Visible, CommentStatus.Resolved, CommentStatus.Hidden] : [CommentStatus.Visible, CommentStatus.Resolved];
}

/// <summary>A comment as a caller may see it: below admin, a hidden or redacted comment's body and attachments are withheld.</summary>
public sealed record CommentView(
    string CommentGuid,
    string SubjectEntity,
    string SubjectKey,
    string Body,
    bool BodyWithheld,
    IReadOnlyList<string> Attachments,
    string AuthorId,
    CommentStatus Status,
    bool Reported,
    int ReportCount,
    CommentReport? LastReport,
    long Revision,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? RevisedAt,
    IReadOnlyList<CommentRevision>? Revisions = null)
{
    public static CommentView For(Comment c, Role role)
    {
        var withheld = !CommentRules.IsPublic(c.Status) && role < Role.Admin;
        return new CommentView(c.CommentGuid, c.SubjectEntity, c.SubjectKey, withheld ? CommentRules.WithheldBody : c.Body, withheld,
            withheld ? [] : c.Attachments, c.AuthorId, c.Status, c.Reported, c.ReportCount, role >= Role.Admin ? c.LastReport : null,
            c.Revision, c.CreatedAt, c.UpdatedAt, c.RevisedAt);
    }
}

/// <summary>One body a comment had, from its history.</summary>
public sealed record CommentRevision(long Revision, string Body, string? By, DateTimeOffset At);
