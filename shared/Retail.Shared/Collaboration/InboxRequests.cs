using FluentValidation;
using Retail.Shared.Records;
using Retail.Shared.Validation;

namespace Retail.Shared.Collaboration;

public sealed record CreateInboxItemRequest(string? Title, string? Body, string? SubjectEntity, string? SubjectKey, Assignee? Assignee,
    InboxPriority? Priority, DateTimeOffset? DueAt);

public sealed record InboxItemKeyRequest(string? InboxItemGuid);

public sealed record ListInboxRequest(Assignee? Assignee, InboxState? State, InboxStatus? Status, string? SubjectEntity, string? SubjectKey,
    DateTimeOffset? DueBefore, int? Limit, string? NextToken) : IPagedRequest;

public sealed record InboxStatusRequest(string? InboxItemGuid, InboxStatus? Status, long? ExpectedRevision);

public sealed record InboxStateRequest(string? InboxItemGuid, InboxState? State, long? ExpectedRevision);

public sealed class AssigneeValidator : AbstractValidator<Assignee>
{
    public AssigneeValidator()
    {
        RuleFor(a => a.Kind).NotNull().WithMessage("is required");
        RuleFor(a => a.Id).RequiredGuid();
    }
}

public sealed class CreateInboxItemRequestValidator : AbstractValidator<CreateInboxItemRequest>
{
    public CreateInboxItemRequestValidator()
    {
        RuleFor(r => r.Title).RequiredText(CollaborationRules.MaxTitle);
        RuleFor(r => r.Body).MultilineText(CollaborationRules.MaxBody);
        RuleFor(r => r.SubjectEntity).SubjectEntity();
        RuleFor(r => r.SubjectKey).SubjectKey();
        RuleFor(r => r.Assignee).NotNull().WithMessage("is required").SetValidator(new AssigneeValidator()!);
    }
}

public sealed class InboxItemKeyRequestValidator : AbstractValidator<InboxItemKeyRequest>
{
    public InboxItemKeyRequestValidator() => RuleFor(r => r.InboxItemGuid).RequiredGuid();
}

public sealed class ListInboxRequestValidator : AbstractValidator<ListInboxRequest>
{
    public ListInboxRequestValidator()
    {
        this.AddPagingRules();
        RuleFor(r => r.Assignee!).SetValidator(new AssigneeValidator()).When(r => r.Assignee is not null);
        RuleFor(r => r.SubjectEntity).SubjectEntity().When(r => r.SubjectEntity is not null || r.SubjectKey is not null);
        RuleFor(r => r.SubjectKey).SubjectKey().When(r => r.SubjectEntity is not null || r.SubjectKey is not null);
    }
}

public sealed class InboxStatusRequestValidator : AbstractValidator<InboxStatusRequest>
{
    public InboxStatusRequestValidator()
    {
        RuleFor(r => r.InboxItemGuid).RequiredGuid();
        RuleFor(r => r.Status).NotNull().WithMessage("is required");
    }
}

public sealed class InboxStateRequestValidator : AbstractValidator<InboxStateRequest>
{
    public InboxStateRequestValidator()
    {
        RuleFor(r => r.InboxItemGuid).RequiredGuid();
        RuleFor(r => r.State).NotNull().WithMessage("is required");
    }
}
