using Retail.Ofm.Channels;
using Retail.Ofm.CostCentres;
using Retail.Ofm.Facilities;
using Retail.Ofm.Members;
using Retail.Ofm.Orgs;

namespace Retail.Ofm.Directory;

/// <summary>
/// OFM's own answer to "what may this principal do in this org": the operator and services in any existing org; a
/// service account only in its bound org, with its bound role (never above admin); a user as owner (primary or active
/// secondary) or through a membership that is active and whose grant has not expired.
/// </summary>
public sealed class OrgAccessResolver(RecordStore<Org> orgs, RecordStore<Member> members, TimeProvider clock)
{
    public Task<Loaded<Org>?> FindOrgAsync(string orgcode, CancellationToken ct) => orgs.FindAsync(null, "orgcode", Codes.Normalize(orgcode), ct);

    public async Task<DirectoryAccessResponse> ResolveAsync(DirectoryAccessRequest request, CancellationToken ct)
    {
        var org = await FindOrgAsync(request.Orgcode, ct);
        if (org is null)
        {
            return new DirectoryAccessResponse(false, OrgStatus.Pending, Role.None, null);
        }
        var (role, validUntil) = await RoleOfAsync(org.Record, request.PrincipalKind, request.PrincipalId, request.BoundOrgcode, request.BoundRole, ct);
        return new DirectoryAccessResponse(role != Role.None, org.Record.Status, role, validUntil);
    }

    public Task<(Role Role, DateTimeOffset? ValidUntil)> RoleOfAsync(Org org, Principal principal, CancellationToken ct) =>
        RoleOfAsync(org, principal.Kind, principal.Id, principal.BoundOrgcode, principal.BoundRole, ct);

    private async Task<(Role Role, DateTimeOffset? ValidUntil)> RoleOfAsync(Org org, PrincipalKind kind, string principalId,
        string? boundOrgcode, Role? boundRole, CancellationToken ct)
    {
        switch (kind)
        {
            case PrincipalKind.Operator:
            case PrincipalKind.Service:
                return (Role.Operator, null);
            case PrincipalKind.ServiceAccount:
                return boundOrgcode == org.Orgcode ? ((Role)Math.Min((int)(boundRole ?? Role.Viewer), (int)Role.Admin), null) : (Role.None, null);
        }
        if (org.IsOwner(principalId))
        {
            return (Role.Owner, null);
        }
        var member = await members.FindAsync(org.Orgcode, "user_guid", principalId, ct);
        if (member is null || !member.Record.CountsAt(clock.GetUtcNow()))
        {
            return (Role.None, null);
        }
        return (member.Record.Role, member.Record.GrantExpiresAt);
    }
}

/// <summary>Checks the context codes a request names: each must exist in the org and be active.</summary>
public sealed class ContextCodeChecker(RecordStore<LogicalFacility> logicals, RecordStore<SalesChannel> channels, RecordStore<CostCentre> costCentres)
{
    public async Task<DirectoryContextResponse> CheckAsync(DirectoryContextRequest request, CancellationToken ct)
    {
        var org = Codes.Normalize(request.Orgcode);
        var errors = new Dictionary<string, string>();
        if (request.FacilityCode is { } facility)
        {
            var found = await logicals.FindAsync(org, LogicalFacility.CodeName, Codes.Normalize(facility), ct);
            Note(errors, CredentialHeaders.FacilityCode, found?.Record.Status, "logical facility");
        }
        if (request.ChannelCode is { } channel)
        {
            var found = await channels.FindAsync(org, SalesChannel.CodeName, Codes.Normalize(channel), ct);
            Note(errors, CredentialHeaders.ChannelCode, found?.Record.Status, "sales channel");
        }
        if (request.Cccode is { } cccode)
        {
            var found = await costCentres.FindAsync(org, CostCentre.CodeName, Codes.Normalize(cccode), ct);
            Note(errors, CredentialHeaders.CostCentreCode, found?.Record.Status, "cost centre");
        }
        return new DirectoryContextResponse(errors);
    }

    private static void Note(Dictionary<string, string> errors, string header, MasterStatus? status, string what)
    {
        if (status is null)
        {
            errors[header] = $"names no {what} of this org";
        }
        else if (status != MasterStatus.Active)
        {
            errors[header] = $"names a {what} that is not active";
        }
    }
}
