using FluentValidation;
using Retail.Ofm.Directory;
using Retail.Ofm.Facilities;
using Retail.Ofm.MasterData;
using Retail.Ofm.Orgs;

namespace Retail.Ofm.Members;

public sealed record CreateInviteRequest(string? Email, string? UserGuid, Role? Role, DateTimeOffset? GrantExpiresAt);

public sealed record InviteKeyRequest(string? InviteGuid);

public sealed record RevokeInviteRequest(string? InviteGuid, long? ExpectedRevision);

public sealed record ListInvitesRequest(InviteStatus? Status, int? Limit, string? NextToken) : IPagedRequest;

public sealed record MyInvitesRequest(int? Limit, string? NextToken) : IPagedRequest;

/// <summary>An invite as its invitee sees it: which org, which role, until when, and the guid to accept it with.</summary>
public sealed record MyInvite(string Orgcode, string InviteGuid, Role Role, DateTimeOffset? GrantExpiresAt, DateTimeOffset ExpiresAt);

public sealed record SetMemberStateRequest(string? UserGuid, MemberState? State, Role? Role, DateTimeOffset? GrantExpiresAt, long? ExpectedRevision);

public sealed record ListMembersRequest(MemberState? State, Role? Role, int? Limit, string? NextToken) : IPagedRequest;

public sealed record MemberKeyRequest(string? UserGuid);

public sealed record ResolveMemberRequest(string? UserGuid, string? Email);

public sealed record MemberAssignmentRequest(string? UserGuid, string? FacilityCode, long? ExpectedRevision);

public sealed record ServiceAccountAssignmentRequest(string? ServiceAccountGuid, string? FacilityCode, long? ExpectedRevision);

public sealed record ServiceAccountKeyRequest(string? ServiceAccountGuid);

public sealed record AssignmentsResponse(string Subject, IReadOnlyList<string> LogicalFacilityCodes, long Revision);

/// <summary>What a user is in the org right now: the effective role and where it comes from.</summary>
public sealed record ResolvedMember(string UserGuid, Role Role, string Source, bool Active, DateTimeOffset? GrantExpiresAt, Member? Member);

internal static class MemberRules
{
    public static bool IsGrantableRole(Role? role) => role is Role.Viewer or Role.Member or Role.Admin;
}

public sealed class CreateInviteRequestValidator : AbstractValidator<CreateInviteRequest>
{
    public CreateInviteRequestValidator(TimeProvider clock)
    {
        RuleFor(r => r.Email).Must(e => e is null || (e.Length <= 254 && e.Contains('@', StringComparison.Ordinal) && !e.Any(char.IsWhiteSpace)))
            .WithMessage("is not an e-mail address");
        RuleFor(r => r.UserGuid).OptionalGuid();
        RuleFor(r => r.Email).NotEmpty().When(r => r.UserGuid is null).WithMessage("name the invited user by email or user_guid");
        RuleFor(r => r.Role).Must(MemberRules.IsGrantableRole).WithMessage("must be viewer, member or admin");
        RuleFor(r => r.GrantExpiresAt).Must(t => t is null || t > clock.GetUtcNow()).WithMessage("must be in the future");
    }
}

public sealed class InviteKeyRequestValidator : AbstractValidator<InviteKeyRequest>
{
    public InviteKeyRequestValidator() => RuleFor(r => r.InviteGuid).RequiredGuid();
}

public sealed class RevokeInviteRequestValidator : AbstractValidator<RevokeInviteRequest>
{
    public RevokeInviteRequestValidator() => RuleFor(r => r.InviteGuid).RequiredGuid();
}

public sealed class MyInvitesRequestValidator : AbstractValidator<MyInvitesRequest>
{
    public MyInvitesRequestValidator() => this.AddPagingRules();
}

public sealed class ListInvitesRequestValidator : AbstractValidator<ListInvitesRequest>
{
    public ListInvitesRequestValidator() => this.AddPagingRules();
}

public sealed class SetMemberStateRequestValidator : AbstractValidator<SetMemberStateRequest>
{
    public SetMemberStateRequestValidator()
    {
        RuleFor(r => r.UserGuid).RequiredGuid();
        RuleFor(r => r.Role).Must(r => r is null || MemberRules.IsGrantableRole(r)).WithMessage("must be viewer, member or admin");
        RuleFor(r => r).Must(r => r.State is not null || r.Role is not null || r.GrantExpiresAt is not null)
            .OverridePropertyName("state").WithMessage("name a state, a role or a grant expiry to set");
    }
}

public sealed class ListMembersRequestValidator : AbstractValidator<ListMembersRequest>
{
    public ListMembersRequestValidator() => this.AddPagingRules();
}

public sealed class MemberKeyRequestValidator : AbstractValidator<MemberKeyRequest>
{
    public MemberKeyRequestValidator() => RuleFor(r => r.UserGuid).RequiredGuid();
}

public sealed class ResolveMemberRequestValidator : AbstractValidator<ResolveMemberRequest>
{
    public ResolveMemberRequestValidator()
    {
        RuleFor(r => r.UserGuid).OptionalGuid();
        RuleFor(r => r.Email).NotEmpty().When(r => r.UserGuid is null).WithMessage("name the user by user_guid or email");
    }
}

public sealed class MemberAssignmentRequestValidator : AbstractValidator<MemberAssignmentRequest>
{
    public MemberAssignmentRequestValidator()
    {
        RuleFor(r => r.UserGuid).RequiredGuid();
        RuleFor(r => r.FacilityCode).BusinessCode();
    }
}

public sealed class ServiceAccountAssignmentRequestValidator : AbstractValidator<ServiceAccountAssignmentRequest>
{
    public ServiceAccountAssignmentRequestValidator()
    {
        RuleFor(r => r.ServiceAccountGuid).RequiredGuid();
        RuleFor(r => r.FacilityCode).BusinessCode();
    }
}

public sealed class ServiceAccountKeyRequestValidator : AbstractValidator<ServiceAccountKeyRequest>
{
    public ServiceAccountKeyRequestValidator() => RuleFor(r => r.ServiceAccountGuid).RequiredGuid();
}
