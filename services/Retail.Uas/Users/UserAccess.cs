using Microsoft.AspNetCore.Http.HttpResults;
using Retail.Shared.Contract;
using Retail.Shared.Problems;

namespace Retail.Uas.Users;

/// <summary>Who may read or act on a user's account: the user themself, the operator, and the deployment's own services.</summary>
public static class UserAccess
{
    /// <summary>
    /// The user an account operation is about: the one the request names, or else a signed-in user asking about
    /// themselves. Null when neither (an operator or a service must name the user).
    /// </summary>
    public static string? SubjectOf(Principal? principal, string? named) =>
        !string.IsNullOrEmpty(named) ? named : principal is { Kind: PrincipalKind.User } user ? user.Id : null;

    public static ProblemHttpResult SubjectRequired() =>
        ApiProblem.Validation("user_guid", "is required unless a signed-in user asks about themselves");

    public static bool MayActOn(Principal? principal, string userGuid) => principal switch
    {
        null => false,
        { Kind: PrincipalKind.Operator or PrincipalKind.Service } => true,
        { Kind: PrincipalKind.User } user => string.Equals(user.Id, userGuid, StringComparison.Ordinal),
        _ => false,
    };
}
