using FluentValidation;
using Retail.Shared.Records;
using Retail.Shared.Validation;

namespace Retail.Shared.Collaboration;

public sealed record CreateCommentRequest(string? SubjectEntity, string? SubjectKey, string? Body, IReadOnlyList<string>? Attachments);

public sealed record CommentKeyRequest(string? CommentGuid, bool? IncludeRevisions);

public sealed record ListCommentsRequest(string? SubjectEntity, string? SubjectKey, string? AuthorId, CommentStatus? Status, bool? Reported,
    int? Limit, string? NextToken) : IPagedRequest;

public sealed record ReviseCommentRequest(string? CommentGuid, string? Body, IReadOnlyList<string>? Attachments, long? ExpectedRevision);

public sealed record CommentStatusRequest(string? CommentGuid, CommentStatus? Status, long? ExpectedRevision);

public sealed record ReportCommentRequest(string? CommentGuid, ReportReason? Reason, string? Note, long? ExpectedRevision);

/// <summary>The field rules of the module, shared by its comment and inbox validators.</summary>
public static class CollaborationRules
{
    public const int MaxBody = 10_000;
    public const int MaxTitle = 200;
    public const int MaxAttachments = 10;
    public const int MaxNote = 500;
    public const int MaxQuery = 200;
    public const int MaxQueryTerms = 16;

    public static IRuleBuilderOptions<T, string?> SubjectEntity<T>(this IRuleBuilder<T, string?> rule) =>
        rule.NotEmpty().WithMessage("is required")
            .Must(e => e is { Length: <= 64 } && char.IsAsciiLetterLower(e[0]) && e.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_'))
            .WithMessage("must be an entity name such as product or purchase_order");

    /// <summary>A record key (a guid or a code): 1–128 printable characters without '|'.</summary>
    public static IRuleBuilderOptions<T, string?> SubjectKey<T>(this IRuleBuilder<T, string?> rule) =>
        rule.NotEmpty().WithMessage("is required").Must(IsSubjectKey).WithMessage("must be a record key of 1–128 printable characters");

    public static bool IsSubjectKey(string? key) =>
        key is { Length: > 0 and <= 128 } && key.Trim().Length == key.Length && !key.Contains('|', StringComparison.Ordinal) && RequestRules.IsText(key, 128);

    public static void AttachmentRules<T>(this AbstractValidator<T> validator, System.Linq.Expressions.Expression<Func<T, IReadOnlyList<string>?>> attachments)
    {
        validator.RuleFor(attachments).Must(a => a is null || a.Count <= MaxAttachments).WithMessage($"at most {MaxAttachments} attachments");
        validator.RuleFor(attachments).Must(a => a is null || a.All(g => Guid.TryParse(g, out _))).WithMessage("each attachment is an MRS record guid");
    }

    /// <summary>The words of a search query: runs of letters and digits, lower-cased; at most <see cref="MaxQueryTerms"/>.</summary>
    public static IReadOnlyList<string> Terms(string? query)
    {
        var terms = new List<string>();
        var word = new System.Text.StringBuilder();
        foreach (var c in (query ?? "") + " ")
        {
            if (char.IsLetterOrDigit(c))
            {
                word.Append(char.ToLowerInvariant(c));
            }
            else if (word.Length > 0)
            {
                terms.Add(word.ToString());
                word.Clear();
            }
        }
        return terms.Distinct(StringComparer.Ordinal).ToList();
    }
}

public sealed class CreateCommentRequestValidator : AbstractValidator<CreateCommentRequest>
{
    public CreateCommentRequestValidator()
    {
        RuleFor(r => r.SubjectEntity).SubjectEntity();
        RuleFor(r => r.SubjectKey).SubjectKey();
        RuleFor(r => r.Body).NotEmpty().WithMessage("is required").MultilineText(CollaborationRules.MaxBody);
        this.AttachmentRules(r => r.Attachments);
    }
}

public sealed class CommentKeyRequestValidator : AbstractValidator<CommentKeyRequest>
{
    public CommentKeyRequestValidator() => RuleFor(r => r.CommentGuid).RequiredGuid();
}

public sealed class ListCommentsRequestValidator : AbstractValidator<ListCommentsRequest>
{
    public ListCommentsRequestValidator()
    {
        this.AddPagingRules();
        RuleFor(r => r.SubjectEntity).SubjectEntity().When(r => r.SubjectEntity is not null || r.SubjectKey is not null);
        RuleFor(r => r.SubjectKey).SubjectKey().When(r => r.SubjectEntity is not null || r.SubjectKey is not null);
        RuleFor(r => r.AuthorId).Text(128);
        RuleFor(r => r.Status).NotEqual(CommentStatus.Redacted).WithMessage("redacted comments are never listed");
    }
}

public sealed class ReviseCommentRequestValidator : AbstractValidator<ReviseCommentRequest>
{
    public ReviseCommentRequestValidator()
    {
        RuleFor(r => r.CommentGuid).RequiredGuid();
        RuleFor(r => r.Body).NotEmpty().WithMessage("is required").MultilineText(CollaborationRules.MaxBody);
        this.AttachmentRules(r => r.Attachments);
    }
}

public sealed class CommentStatusRequestValidator : AbstractValidator<CommentStatusRequest>
{
    public CommentStatusRequestValidator()
    {
        RuleFor(r => r.CommentGuid).RequiredGuid();
        RuleFor(r => r.Status).NotNull().WithMessage("is required");
    }
}

public sealed class ReportCommentRequestValidator : AbstractValidator<ReportCommentRequest>
{
    public ReportCommentRequestValidator()
    {
        RuleFor(r => r.CommentGuid).RequiredGuid();
        RuleFor(r => r.Reason).NotNull().WithMessage("is required");
        RuleFor(r => r.Note).MultilineText(CollaborationRules.MaxNote);
    }
}
