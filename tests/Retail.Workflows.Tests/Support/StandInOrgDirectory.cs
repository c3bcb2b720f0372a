using Retail.Shared.Contract;

namespace Retail.Workflows.Tests.Support;

/// <summary>
/// The workflows app tested alone has no OFM to ask (the real directory would fail closed with 503), so it answers
/// like OFM would for orgs that exist and are active: the operator and services in any org, a service account in its
/// own org with its own role, users nowhere.
/// </summary>
public sealed class StandInOrgDirectory : IOrgDirectory
{
    public ValueTask<OrgAccess> GetAccessAsync(string orgcode, Principal principal, CancellationToken cancellationToken) =>
        ValueTask.FromResult(principal.Kind switch
        {
            PrincipalKind.Operator or PrincipalKind.Service => new OrgAccess(true, OrgStatus.Active, Role.Operator),
            PrincipalKind.ServiceAccount when principal.BoundOrgcode == orgcode => new OrgAccess(true, OrgStatus.Active, principal.BoundRole ?? Role.Viewer),
            _ => OrgAccess.Unknown,
        });
}
