using FluentValidation;
using Retail.Shared;
using Retail.Shared.Notifications;
using Retail.Ofm.Directory;
using Retail.Ofm.Facilities;
using Retail.Ofm.MasterData;
using Retail.Ofm.Orgs;

namespace Retail.Ofm.Members;

/// <summary>Invitations: made by an admin, accepted by the invited user's own session.</summary>
public static partial class MembersApi
{
    public static async Task<Results<Created<Invite>, ProblemHttpResult>> CreateInvite(CreateInviteRequest request, RecordStore<Invite> invites,
        RecordStore<Member> members, OrgAccessResolver resolver, INotifier notifier, RequestContext context, TimeProvider clock, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        if (request.Role > context.Role)
        {
            return ApiProblem.Forbidden("You cannot grant a role above your own.");
        }
        if (await AlreadyInOrgAsync(orgcode, request, members, resolver, ct) is { } already)
        {
            return already;
        }
        var invite = new Invite
        {
            InviteGuid = Ids.New(),
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
        if (write.Succeeded && invite.Email is { } email)
        {
            // The same mailbox as verification mail; the invitee can also find it with /member/invite/mine.
            await notifier.SendAsync(new MailMessage(email, $"You are invited to {orgcode}",
                $"You are invited to join the org {orgcode} as {OrgGate.Name(invite.Role)} until {invite.ExpiresAt:yyyy-MM-dd}.\n" +
                $"Sign in and accept it: POST /ofm/member/invite/accept with x-orgcode: {orgcode} and the invite_guid below.",
                Token: invite.InviteGuid), ct);
        }
        return write.ToCreated();
    }

    /// <summary>An owner, or a member who has not been removed, is not invited again: their role changes through state/set.</summary>
    private static async Task<ProblemHttpResult?> AlreadyInOrgAsync(string orgcode, CreateInviteRequest request, RecordStore<Member> members,
        OrgAccessResolver resolver, CancellationToken ct)
    {
        if (request.UserGuid is { } userGuid)
        {
            if (await resolver.FindOrgAsync(orgcode, ct) is { } org && org.Record.IsOwner(userGuid))
            {
                return OfmProblems.AlreadyMember("This user is an owner of the org.");
            }
            if (await members.FindAsync(orgcode, "user_guid", userGuid, ct) is { Record.State: not MemberState.Removed })
            {
                return OfmProblems.AlreadyMember("This user is a member of the org.");
            }
        }
        if (request.Email?.Trim().ToLowerInvariant() is { } email
            && (await members.ListAsync(orgcode, [StateFilter.Eq("email", email)], 1, ct: ct)).Items is [{ State: not MemberState.Removed }])
        {
            return OfmProblems.AlreadyMember("A member of the org has this e-mail address.");
        }
        return null;
    }

    /// <summary>The caller's own pending invites in every org, by user guid or e-mail address, from the index of invitees.</summary>
    public static async Task<Ok<Page<MyInvite>>> ListMyInvites(MyInvitesRequest request, RecordStore<Invite> invites, RequestContext context,
        TimeProvider clock, CancellationToken ct)
    {
        var principal = context.RequirePrincipal();
        object?[] addressedTo = principal.Email is { } email ? [principal.Id, email.Trim().ToLowerInvariant()] : [principal.Id];
        var page = await invites.ListAcrossOrgsAsync([StateFilter.In("invitee", addressedTo), StateFilter.Eq("status", InviteStatus.Pending)],
            Paging.LimitOf(request), request.NextToken, ct: ct);
        var now = clock.GetUtcNow();
        return TypedResults.Ok(new Page<MyInvite>(page.Items.Where(i => i.Record.ExpiresAt > now)
            .Select(i => new MyInvite(i.Orgcode, i.Record.InviteGuid, i.Record.Role, i.Record.GrantExpiresAt, i.Record.ExpiresAt)).ToList(),
            page.NextToken));
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
                MemberGuid = Ids.New(),
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
