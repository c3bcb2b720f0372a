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

/// <summary>Invitations, membership, and the assignment of members and service accounts to logical facilities.</summary>
public static class MembersApi
{
    public static readonly TimeSpan InviteLifetime = TimeSpan.FromDays(7);

    public static RouteGroupBuilder MapMembers(this IEndpointRouteBuilder routes)
    {
        var members = routes.MapGroup("/member").WithTags("Members");
        members.MapPost("/invite/create", CreateInvite).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Invite a user (by e-mail or user_guid) to the org with a role and an optional grant expiry.");
        // The invited user has no part in the org yet, so acceptance is checked here, not by the org directory.
        members.MapPost("/invite/accept", AcceptInvite).RequireAuthenticated().RequireOrgHeader().AsWrite()
            .WithSummary("Accept an invite addressed to the signed-in user; names the org in x-orgcode.");
        members.MapPost("/invite/list", ListInvites).RequireRole(Role.Admin)
            .WithSummary("List the org's invites.");
        members.MapPost("/invite/revoke", RevokeInvite).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Revoke a pending invite.");
        members.MapPost("/state/set", SetMemberState).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Change a member's state, role or grant expiry.");
        members.MapPost("/assign-logical", AssignLogical).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Assign a member to a logical facility.");
        members.MapPost("/detach-logical", DetachLogical).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Detach a member from a logical facility.");
        members.MapPost("/list", ListMembers).RequireRole(Role.Viewer)
            .WithSummary("List the org's members.");
        members.MapPost("/assignments", MemberAssignments).RequireRole(Role.Viewer)
            .WithSummary("The logical facilities a member is assigned to.");
        members.MapPost("/resolve", ResolveMember).RequireRole(Role.Viewer)
            .WithSummary("A user's effective role in the org and where it comes from (owner or membership).");

        var accounts = routes.MapGroup("/service-account").WithTags("Service-account assignments");
        accounts.MapPost("/assign-logical", AssignServiceAccount).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Assign a service account to a logical facility.");
        accounts.MapPost("/detach-logical", DetachServiceAccount).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Detach a service account from a logical facility.");
        accounts.MapPost("/assignments", ServiceAccountAssignments).RequireRole(Role.Viewer)
            .WithSummary("The logical facilities a service account is assigned to.");
        return members;
    }

    public static async Task<Results<Created<Invite>, ProblemHttpResult>> CreateInvite(CreateInviteRequest request, RecordStore<Invite> invites,
        RequestContext context, TimeProvider clock, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        if (request.Role > context.Role)
        {
            return ApiProblem.Forbidden("You cannot grant a role above your own.");
        }
        var invite = new Invite
        {
            InviteGuid = Guid.CreateVersion7().ToString(),
            Email = request.Email?.Trim().ToLowerInvariant(),
            UserGuid = request.UserGuid,
            Role = request.Role!.Value,
            GrantExpiresAt = request.GrantExpiresAt,
            ExpiresAt = clock.GetUtcNow() + InviteLifetime,
            InvitedBy = context.Principal?.Id,
        };
        var write = await invites.CreateAsync(orgcode, invite,
            [new DomainEvent(OfmEvents.MemberInvited,
                new MemberInvited(orgcode, invite.InviteGuid, invite.Email, invite.UserGuid, OrgGate.Name(invite.Role), invite.GrantExpiresAt))], ct);
        return MasterDataApi.AnswerCreated(write, invites.Entity);
    }

    public static async Task<Results<Ok<Member>, ProblemHttpResult>> AcceptInvite(InviteKeyRequest request, RecordStore<Invite> invites,
        RecordStore<Member> members, OrgAccessResolver resolver, RequestContext context, OrgDirectoryCache cache, TimeProvider clock,
        CancellationToken ct)
    {
        var principal = context.RequirePrincipal();
        if (context.Orgcode is not { } orgcode)
        {
            return ApiProblem.Validation(CredentialHeaders.Orgcode, "is required for this operation");
        }
        var invite = await invites.GetAsync(orgcode, request.InviteGuid!, ct: ct);
        // Only the invited user's own session may accept; anyone else learns nothing about the invitation.
        if (invite is null || principal.Kind != PrincipalKind.User || !IsInvitee(invite.Record, principal))
        {
            return ApiProblem.NotFound("No such invitation for you.");
        }
        var org = await resolver.FindOrgAsync(orgcode, ct);
        if (org is null)
        {
            return ApiProblem.NotFound("No such invitation for you.");
        }
        if (org.Record.Status != OrgStatus.Active)
        {
            return OfmProblems.OrgNotActive(org.Record.Status);
        }
        if (invite.Record.Status != InviteStatus.Pending)
        {
            return OfmProblems.InviteNotPending(OrgGate.Name(invite.Record.Status));
        }
        var now = clock.GetUtcNow();
        if (invite.Record.ExpiresAt <= now)
        {
            return OfmProblems.InviteExpired();
        }
        var existing = await members.FindAsync(orgcode, "user_guid", principal.Id, ct);
        var joined = new DomainEvent(OfmEvents.MemberJoined, new MemberJoined(orgcode, "", principal.Id, OrgGate.Name(invite.Record.Role),
            invite.Record.GrantExpiresAt));
        RecordWrite<Member> write;
        if (existing is null)
        {
            var member = new Member
            {
                MemberGuid = Guid.CreateVersion7().ToString(),
                UserGuid = principal.Id,
                Email = principal.Email?.ToLowerInvariant() ?? invite.Record.Email,
                Role = invite.Record.Role,
                GrantExpiresAt = invite.Record.GrantExpiresAt,
                InviteGuid = invite.Record.InviteGuid,
            };
            write = await members.CreateAsync(orgcode, member,
                [joined with { Data = new MemberJoined(orgcode, member.MemberGuid, member.UserGuid, OrgGate.Name(member.Role), member.GrantExpiresAt) },
                 AccessChanged(orgcode, "member_joined", principal.Id)], ct);
        }
        else
        {
            write = await members.UpdateAsync(orgcode, existing, existing.Record with
            {
                Role = invite.Record.Role,
                State = MemberState.Active,
                GrantExpiresAt = invite.Record.GrantExpiresAt,
                InviteGuid = invite.Record.InviteGuid,
            }, "updated",
                [joined with { Data = new MemberJoined(orgcode, existing.Record.MemberGuid, principal.Id, OrgGate.Name(invite.Record.Role), invite.Record.GrantExpiresAt) },
                 AccessChanged(orgcode, "member_joined", principal.Id)], ct);
        }
        if (!write.Succeeded)
        {
            return ApiProblem.RevisionMismatch(write.CurrentRevision ?? 0);
        }
        var accepted = await invites.UpdateAsync(orgcode, invite, invite.Record with { Status = InviteStatus.Accepted, AcceptedBy = principal.Id },
            "status_changed", ct: ct);
        cache.Invalidate(orgcode);
        return accepted.Succeeded ? TypedResults.Ok(write.Record!) : ApiProblem.RevisionMismatch(accepted.CurrentRevision ?? 0);
    }

    public static async Task<Ok<Page<Invite>>> ListInvites(ListInvitesRequest request, RecordStore<Invite> invites, RequestContext context,
        CancellationToken ct)
    {
        IReadOnlyList<StateFilter> filters = request.Status is { } status ? [StateFilter.Eq("status", OrgGate.Name(status))] : [];
        return TypedResults.Ok(await invites.ListAsync(context.RequireOrgcode(), filters, Paging.LimitOf(request), request.NextToken, ct: ct));
    }

    public static async Task<Results<Ok<Invite>, ProblemHttpResult>> RevokeInvite(RevokeInviteRequest request, RecordStore<Invite> invites,
        RequestContext context, CancellationToken ct)
    {
        if (request.ExpectedRevision is null)
        {
            return ApiProblem.ExpectedRevisionRequired();
        }
        var orgcode = context.RequireOrgcode();
        var invite = await invites.GetAsync(orgcode, request.InviteGuid!, ct: ct);
        if (invite is null)
        {
            return ApiProblem.NotFound("No such invitation.");
        }
        if (invite.Record.Revision != request.ExpectedRevision)
        {
            return ApiProblem.RevisionMismatch(invite.Record.Revision);
        }
        if (invite.Record.Status != InviteStatus.Pending)
        {
            return OfmProblems.InviteNotPending(OrgGate.Name(invite.Record.Status));
        }
        var write = await invites.UpdateAsync(orgcode, invite, invite.Record with { Status = InviteStatus.Revoked }, "status_changed",
            [new DomainEvent(OfmEvents.InviteRevoked, new InviteRevoked(orgcode, invite.Record.InviteGuid))], ct);
        return MasterDataApi.Answer(write, invites.Entity);
    }

    public static async Task<Results<Ok<Member>, ProblemHttpResult>> SetMemberState(SetMemberStateRequest request, RecordStore<Member> members,
        RequestContext context, OrgDirectoryCache cache, CancellationToken ct)
    {
        var (member, problem) = await LoadMemberForChangeAsync(members, context, request.UserGuid!, request.ExpectedRevision, ct);
        if (problem is not null)
        {
            return problem;
        }
        if (request.Role > context.Role || member!.Record.Role > context.Role)
        {
            return ApiProblem.Forbidden("You cannot change a member whose role, old or new, is above your own.");
        }
        var orgcode = context.RequireOrgcode();
        var next = member.Record with
        {
            State = request.State ?? member.Record.State,
            Role = request.Role ?? member.Record.Role,
            GrantExpiresAt = request.GrantExpiresAt ?? member.Record.GrantExpiresAt,
        };
        var write = await members.UpdateAsync(orgcode, member, next, "status_changed",
            [new DomainEvent(OfmEvents.MemberStateChanged, new MemberStateChanged(orgcode, next.UserGuid, OrgGate.Name(next.State), OrgGate.Name(next.Role))),
             AccessChanged(orgcode, "member_state_changed", next.UserGuid)], ct);
        cache.Invalidate(orgcode);
        return MasterDataApi.Answer(write, members.Entity);
    }

    public static async Task<Ok<Page<Member>>> ListMembers(ListMembersRequest request, RecordStore<Member> members, RequestContext context,
        CancellationToken ct)
    {
        var filters = new List<StateFilter>();
        if (request.State is { } state)
        {
            filters.Add(StateFilter.Eq("state", OrgGate.Name(state)));
        }
        if (request.Role is { } role)
        {
            filters.Add(StateFilter.Eq("role", OrgGate.Name(role)));
        }
        return TypedResults.Ok(await members.ListAsync(context.RequireOrgcode(), filters, Paging.LimitOf(request), request.NextToken, ct: ct));
    }

    public static async Task<Results<Ok<AssignmentsResponse>, ProblemHttpResult>> MemberAssignments(MemberKeyRequest request,
        RecordStore<Member> members, RequestContext context, CancellationToken ct) =>
        await members.FindAsync(context.RequireOrgcode(), "user_guid", request.UserGuid!, ct) is { } member
            ? TypedResults.Ok(new AssignmentsResponse(member.Record.UserGuid, member.Record.LogicalFacilityCodes, member.Record.Revision))
            : ApiProblem.NotFound("No such member.");

    public static async Task<Results<Ok<ResolvedMember>, ProblemHttpResult>> ResolveMember(ResolveMemberRequest request, RecordStore<Member> members,
        OrgAccessResolver resolver, RequestContext context, TimeProvider clock, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var org = await resolver.FindOrgAsync(orgcode, ct);
        Loaded<Member>? member = null;
        if (request.UserGuid is { } userGuid)
        {
            member = await members.FindAsync(orgcode, "user_guid", userGuid, ct);
        }
        else
        {
            var email = request.Email!.Trim().ToLowerInvariant();
            var page = await members.ListAsync(orgcode, [StateFilter.Eq("email", email)], 1, ct: ct);
            member = page.Items.Count > 0 ? await members.GetAsync(orgcode, page.Items[0].MemberGuid, ct: ct) : null;
        }
        var user = request.UserGuid ?? member?.Record.UserGuid;
        if (org is not null && user is not null && org.Record.IsOwner(user))
        {
            return TypedResults.Ok(new ResolvedMember(user, Role.Owner, org.Record.PrimaryOwnerGuid == user ? "primary_owner" : "secondary_owner",
                true, null, member?.Record));
        }
        if (member is null)
        {
            return ApiProblem.NotFound("No such member.");
        }
        var active = member.Record.CountsAt(clock.GetUtcNow());
        return TypedResults.Ok(new ResolvedMember(member.Record.UserGuid, active ? member.Record.Role : Role.None, "membership", active,
            member.Record.GrantExpiresAt, member.Record));
    }

    public static async Task<Results<Ok<Member>, ProblemHttpResult>> AssignLogical(MemberAssignmentRequest request, RecordStore<Member> members,
        RecordStore<LogicalFacility> logicals, RequestContext context, CancellationToken ct) =>
        await ChangeMemberAssignmentAsync(request, members, logicals, context, assign: true, ct);

    public static async Task<Results<Ok<Member>, ProblemHttpResult>> DetachLogical(MemberAssignmentRequest request, RecordStore<Member> members,
        RecordStore<LogicalFacility> logicals, RequestContext context, CancellationToken ct) =>
        await ChangeMemberAssignmentAsync(request, members, logicals, context, assign: false, ct);

    public static async Task<Results<Ok<ServiceAccountAssignment>, ProblemHttpResult>> AssignServiceAccount(ServiceAccountAssignmentRequest request,
        RecordStore<ServiceAccountAssignment> assignments, RecordStore<LogicalFacility> logicals, RequestContext context, CancellationToken ct) =>
        await ChangeServiceAccountAssignmentAsync(request, assignments, logicals, context, assign: true, ct);

    public static async Task<Results<Ok<ServiceAccountAssignment>, ProblemHttpResult>> DetachServiceAccount(ServiceAccountAssignmentRequest request,
        RecordStore<ServiceAccountAssignment> assignments, RecordStore<LogicalFacility> logicals, RequestContext context, CancellationToken ct) =>
        await ChangeServiceAccountAssignmentAsync(request, assignments, logicals, context, assign: false, ct);

    public static async Task<Ok<AssignmentsResponse>> ServiceAccountAssignments(ServiceAccountKeyRequest request,
        RecordStore<ServiceAccountAssignment> assignments, RequestContext context, CancellationToken ct)
    {
        var loaded = await assignments.GetAsync(context.RequireOrgcode(), request.ServiceAccountGuid!, ct: ct);
        return TypedResults.Ok(new AssignmentsResponse(request.ServiceAccountGuid!, loaded?.Record.LogicalFacilityCodes ?? [], loaded?.Record.Revision ?? 0));
    }

    private static async Task<Results<Ok<Member>, ProblemHttpResult>> ChangeMemberAssignmentAsync(MemberAssignmentRequest request,
        RecordStore<Member> members, RecordStore<LogicalFacility> logicals, RequestContext context, bool assign, CancellationToken ct)
    {
        var (member, problem) = await LoadMemberForChangeAsync(members, context, request.UserGuid!, request.ExpectedRevision, ct);
        if (problem is not null)
        {
            return problem;
        }
        var orgcode = context.RequireOrgcode();
        var code = Codes.Normalize(request.FacilityCode);
        var codes = member!.Record.LogicalFacilityCodes;
        if (assign)
        {
            if (await LogicalProblemAsync(logicals, orgcode, code, ct) is { } missing)
            {
                return missing;
            }
            codes = codes.Contains(code) ? codes : [.. codes, code];
        }
        else
        {
            if (!codes.Contains(code))
            {
                return ApiProblem.NotFound("The member is not assigned to this logical facility.");
            }
            codes = codes.Where(c => c != code).ToList();
        }
        var write = await members.UpdateAsync(orgcode, member, member.Record with { LogicalFacilityCodes = codes }, ct: ct);
        return MasterDataApi.Answer(write, members.Entity);
    }

    private static async Task<Results<Ok<ServiceAccountAssignment>, ProblemHttpResult>> ChangeServiceAccountAssignmentAsync(
        ServiceAccountAssignmentRequest request, RecordStore<ServiceAccountAssignment> assignments, RecordStore<LogicalFacility> logicals,
        RequestContext context, bool assign, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var code = Codes.Normalize(request.FacilityCode);
        var current = await assignments.GetAsync(orgcode, request.ServiceAccountGuid!, ct: ct);
        // The first assignment creates the record; every later change names the revision it saw.
        if (current is not null && request.ExpectedRevision is null)
        {
            return ApiProblem.ExpectedRevisionRequired();
        }
        if (current is not null && current.Record.Revision != request.ExpectedRevision)
        {
            return ApiProblem.RevisionMismatch(current.Record.Revision);
        }
        if (current is null && request.ExpectedRevision is > 0)
        {
            return ApiProblem.RevisionMismatch(0);
        }
        var codes = current?.Record.LogicalFacilityCodes ?? [];
        if (assign)
        {
            if (await LogicalProblemAsync(logicals, orgcode, code, ct) is { } missing)
            {
                return missing;
            }
            codes = codes.Contains(code) ? codes : [.. codes, code];
        }
        else if (!codes.Contains(code))
        {
            return ApiProblem.NotFound("The service account is not assigned to this logical facility.");
        }
        else
        {
            codes = codes.Where(c => c != code).ToList();
        }
        if (current is null)
        {
            var created = await assignments.CreateAsync(orgcode,
                new ServiceAccountAssignment { ServiceAccountGuid = request.ServiceAccountGuid!, LogicalFacilityCodes = codes }, ct: ct);
            return created.Succeeded ? TypedResults.Ok(created.Record!) : ApiProblem.RevisionMismatch(1);
        }
        var write = await assignments.UpdateAsync(orgcode, current, current.Record with { LogicalFacilityCodes = codes }, ct: ct);
        return MasterDataApi.Answer(write, assignments.Entity);
    }

    private static async Task<ProblemHttpResult?> LogicalProblemAsync(RecordStore<LogicalFacility> logicals, string orgcode, string code,
        CancellationToken ct)
    {
        var logical = await logicals.FindAsync(orgcode, LogicalFacility.CodeName, code, ct);
        return logical is null || logical.Record.Status != MasterStatus.Active
            ? OfmProblems.UnknownReference("facility_code", $"No active logical facility '{code}' in this org.")
            : null;
    }

    private static async Task<(Loaded<Member>? Member, ProblemHttpResult? Problem)> LoadMemberForChangeAsync(RecordStore<Member> members,
        RequestContext context, string userGuid, long? expectedRevision, CancellationToken ct)
    {
        if (expectedRevision is null)
        {
            return (null, ApiProblem.ExpectedRevisionRequired());
        }
        var member = await members.FindAsync(context.RequireOrgcode(), "user_guid", userGuid, ct);
        if (member is null)
        {
            return (null, ApiProblem.NotFound("No such member."));
        }
        return member.Record.Revision != expectedRevision ? (null, ApiProblem.RevisionMismatch(member.Record.Revision)) : (member, null);
    }

    private static bool IsInvitee(Invite invite, Principal principal) =>
        (invite.UserGuid is not null && invite.UserGuid == principal.Id)
        || (invite.Email is not null && principal.Email is not null && string.Equals(invite.Email, principal.Email.Trim(), StringComparison.OrdinalIgnoreCase));

    private static DomainEvent AccessChanged(string orgcode, string change, string userGuid) =>
        new(OfmEvents.OrgAccessChanged, new OrgAccessChanged(orgcode, change, userGuid));
}
