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

    /// <summary>
    /// Checks the optional context headers (<c>x-facility-code</c>, <c>x-channel-code</c>, <c>x-cccode</c>) against the
    /// org's master data: each named code must exist and be active. Directories without master data accept them.
    /// </summary>
    ValueTask<ContextCheck> CheckContextAsync(string orgcode, ContextCodes codes, CancellationToken cancellationToken) =>
        ValueTask.FromResult(ContextCheck.Valid);
}

/// <summary>The context codes a request named; null when its header was absent.</summary>
public sealed record ContextCodes(string? FacilityCode, string? ChannelCode, string? CostCentreCode)
{
    public bool Any => FacilityCode is not null || ChannelCode is not null || CostCentreCode is not null;
}

/// <param name="Errors">Header name → why it was refused; empty when every code is known and active.</param>
public sealed record ContextCheck(IReadOnlyDictionary<string, string> Errors, string? Dependency = null)
{
    public static ContextCheck Valid { get; } = new(new Dictionary<string, string>());

    public bool IsValid => Errors.Count == 0 && Dependency is null;
}

/// <param name="Role">The caller's role in the org; <see cref="Role.None"/> when they have no part in it (answered as 404).</param>
public sealed record OrgAccess(bool Found, OrgStatus Status, Role Role, string? Dependency = null)
{
    public static OrgAccess Unknown { get; } = new(false, OrgStatus.Pending, Role.None);

    public static OrgAccess Unavailable(string dependency) => new(false, OrgStatus.Pending, Role.None, dependency);
}
