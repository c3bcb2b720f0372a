using Microsoft.AspNetCore.Http;

namespace Retail.Shared.Contract;

/// <summary>
/// Turns a request's credentials into a principal. Resolvers run in registration order; the first that
/// recognises the credential answers. USM supplies sessions and API keys; the operator key and the
/// internal service credential are built in.
/// </summary>
public interface ICredentialResolver
{
    /// <summary>
    /// <see cref="CredentialResult.NotMine"/> when this resolver does not handle the credential kind;
    /// <see cref="CredentialResult.Unavailable"/> when it cannot check it now (the request is denied).
    /// </summary>
    ValueTask<CredentialResult> ResolveAsync(HttpContext httpContext, CancellationToken cancellationToken);
}

public enum CredentialOutcome
{
    NotMine,
    Authenticated,
    Rejected,
    Unavailable,
}

public sealed record CredentialResult(CredentialOutcome Outcome, Principal? Principal = null, string? Dependency = null)
{
    public static CredentialResult NotMine { get; } = new(CredentialOutcome.NotMine);

    public static CredentialResult Rejected { get; } = new(CredentialOutcome.Rejected);

    public static CredentialResult Ok(Principal principal) => new(CredentialOutcome.Authenticated, principal);

    public static CredentialResult Unavailable(string dependency) => new(CredentialOutcome.Unavailable, Dependency: dependency);
}

/// <summary>
/// What the org directory (OFM) says of a caller in an org: whether the org exists for them, its status,
/// and their role. Until OFM exists, a built-in directory knows operators and org-bound service accounts.
/// </summary>
public interface IOrgDirectory
{
    ValueTask<OrgAccess> GetAccessAsync(string orgcode, Principal principal, CancellationToken cancellationToken);
}

/// <param name="Role">The caller's role in the org; <see cref="Role.None"/> when they have no part in it (answered as 404).</param>
public sealed record OrgAccess(bool Found, OrgStatus Status, Role Role, string? Dependency = null)
{
    public static OrgAccess Unknown { get; } = new(false, OrgStatus.Pending, Role.None);

    public static OrgAccess Unavailable(string dependency) => new(false, OrgStatus.Pending, Role.None, dependency);
}
