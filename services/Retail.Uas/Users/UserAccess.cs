using Retail.Shared.Contract;

namespace Retail.Uas.Users;

/// <summary>Who may read or act on a user's account: the user themself, the operator, and the deployment's own services.</summary>
public static class UserAccess
{
    public static bool MayActOn(Principal? principal, string userGuid) => principal switch
    {
        null => false,
        { Kind: PrincipalKind.Operator or PrincipalKind.Service } => true,
        { Kind: PrincipalKind.User } user => string.Equals(user.Id, userGuid, StringComparison.Ordinal),
        _ => false,
    };
}
