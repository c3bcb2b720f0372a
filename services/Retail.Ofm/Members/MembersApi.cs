using FluentValidation;
using Retail.Ofm.Directory;
using Retail.Ofm.Facilities;
using Retail.Ofm.MasterData;
using Retail.Ofm.Orgs;

namespace Retail.Ofm.Members;

/// <summary>Invitations, membership, and the assignment of members and service accounts to logical facilities.</summary>
public static partial class MembersApi
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
        // The invitee has no part in the org yet, so this is theirs across orgs, not an org-scoped list.
        members.MapPost("/invite/mine", ListMyInvites).RequireAuthenticated()
            .WithSummary("List the pending invites addressed to the signed-in user, in every org.");
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

    public static async Task<Results<Ok<Member>, ProblemHttpResult>> SetMemberState(SetMemberStateRequest request, RecordStore<Member> members,
        RequestContext context, OrgDirectoryCache cache, CancellationToken ct)
    {
        var (member, problem) = await members.LoadForChangeByAsync(context.RequireOrgcode(), "user_guid", request.UserGuid, request.ExpectedRevision, ct: ct);
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
        return write.ToOk();
    }

    public static async Task<Ok<Page<Member>>> ListMembers(ListMembersRequest request, RecordStore<Member> members, RequestContext context,
        CancellationToken ct)
    {
        var filters = new List<StateFilter>();
        if (request.State is { } state)
        {
            filters.Add(StateFilter.Eq("state", state));
        }
        if (request.Role is { } role)
        {
            filters.Add(StateFilter.Eq("role", role));
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

    private static async Task<Results<Ok<Member>, ProblemHttpResult>> ChangeMemberAssignmentAsync(MemberAssignmentRequest request,
        RecordStore<Member> members, RecordStore<LogicalFacility> logicals, RequestContext context, bool assign, CancellationToken ct)
    {
        var (member, problem) = await members.LoadForChangeByAsync(context.RequireOrgcode(), "user_guid", request.UserGuid, request.ExpectedRevision, ct: ct);
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
        return write.ToOk();
    }

    private static async Task<ProblemHttpResult?> LogicalProblemAsync(RecordStore<LogicalFacility> logicals, string orgcode, string code,
        CancellationToken ct) =>
        OfmMasterData.Missing(await logicals.FindAsync(orgcode, LogicalFacility.CodeName, code, ct), "facility_code", $"logical facility '{code}'");

    private static DomainEvent AccessChanged(string orgcode, string change, string userGuid) =>
        new(OfmEvents.OrgAccessChanged, new OrgAccessChanged(orgcode, change, userGuid));
}
