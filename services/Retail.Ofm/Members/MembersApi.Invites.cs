using FluentValidation;
using Retail.Ofm.Directory;
using Retail.Ofm.Facilities;
using Retail.Ofm.MasterData;
using Retail.Ofm.Orgs;

namespace Retail.Ofm.Members;

/// <summary>Invitations: made by an admin, accepted by the invited user's own session.</summary>
public static partial class MembersApi
{
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
        return write.ToCreated();
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
        // The membership and the invite's acceptance commit together: two racing accepts cannot both win, and a
        // crash cannot leave a member whose invite still looks pending.
        var existing = await members.FindAsync(orgcode, "user_guid", principal.Id, ct);
        var batch = new RecordBatch();
        Member joined;
        if (existing is null)
        {
            joined = members.Create(batch, orgcode, new Member
            {
                MemberGuid = Guid.CreateVersion7().ToString(),
                UserGuid = principal.Id,
                Email = principal.Email?.ToLowerInvariant() ?? invite.Record.Email,
                Role = invite.Record.Role,
                GrantExpiresAt = invite.Record.GrantExpiresAt,
                InviteGuid = invite.Record.InviteGuid,
            }, JoinedEvents(orgcode, invite.Record, principal));
        }
        else
        {
            joined = members.Update(batch, orgcode, existing, existing.Record with
            {
                Role = invite.Record.Role,
                State = MemberState.Active,
                GrantExpiresAt = invite.Record.GrantExpiresAt,
                InviteGuid = invite.Record.InviteGuid,
            }, "updated", JoinedEvents(orgcode, invite.Record, principal, existing.Record.MemberGuid));
        }
        invites.Update(batch, orgcode, invite, invite.Record with { Status = InviteStatus.Accepted, AcceptedBy = principal.Id }, "status_changed");
        var write = await batch.CommitAsync(ct);
        if (!write.Succeeded)
        {
            return write.Problem();
        }
        cache.Invalidate(orgcode);
        return TypedResults.Ok(joined);
    }

    private static DomainEvent[] JoinedEvents(string orgcode, Invite invite, Principal principal, string? memberGuid = null) =>
    [
        new(OfmEvents.MemberJoined, new MemberJoined(orgcode, memberGuid ?? "", principal.Id, OrgGate.Name(invite.Role), invite.GrantExpiresAt)),
        AccessChanged(orgcode, "member_joined", principal.Id),
    ];

    public static async Task<Ok<Page<Invite>>> ListInvites(ListInvitesRequest request, RecordStore<Invite> invites, RequestContext context,
        CancellationToken ct)
    {
        IReadOnlyList<StateFilter> filters = request.Status is { } status ? [StateFilter.Eq("status", status)] : [];
        return TypedResults.Ok(await invites.ListAsync(context.RequireOrgcode(), filters, Paging.LimitOf(request), request.NextToken, ct: ct));
    }

    public static async Task<Results<Ok<Invite>, ProblemHttpResult>> RevokeInvite(RevokeInviteRequest request, RecordStore<Invite> invites,
        RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (invite, problem) = await invites.LoadForChangeAsync(orgcode, request.InviteGuid, request.ExpectedRevision, ct: ct);
        if (problem is not null)
        {
            return problem;
        }
        if (invite!.Record.Status != InviteStatus.Pending)
        {
            return OfmProblems.InviteNotPending(OrgGate.Name(invite.Record.Status));
        }
        var write = await invites.UpdateAsync(orgcode, invite, invite.Record with { Status = InviteStatus.Revoked }, "status_changed",
            [new DomainEvent(OfmEvents.InviteRevoked, new InviteRevoked(orgcode, invite.Record.InviteGuid))], ct);
        return write.ToOk();
    }

    private static bool IsInvitee(Invite invite, Principal principal) =>
        (invite.UserGuid is not null && invite.UserGuid == principal.Id)
        || (invite.Email is not null && principal.Email is not null && string.Equals(invite.Email, principal.Email.Trim(), StringComparison.OrdinalIgnoreCase));
}
