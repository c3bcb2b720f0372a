namespace Retail.Shared.Contract;

/// <summary>Platform and org roles, ordered: a higher role may do everything a lower one may.</summary>
public enum Role
{
    None = 0,
    Viewer = 10,
    Member = 20,
    Admin = 30,
    Owner = 40,
    Operator = 100,
}

public enum PrincipalKind
{
    User,
    ServiceAccount,
    Operator,

    /// <summary>Another service of this deployment (service invocation, event delivery, workflow activity).</summary>
    Service,
}

/// <summary>
/// Who is calling. <paramref name="BoundOrgcode"/> and <paramref name="BoundRole"/> are set for
/// service accounts (their keys act in exactly one org); a user's org role comes from the org directory.
/// </summary>
public sealed record Principal(
    string Id,
    PrincipalKind Kind,
    string? BoundOrgcode = null,
    Role? BoundRole = null,
    string? Email = null,
    string? CredentialId = null)
{
    public bool IsOperator => Kind == PrincipalKind.Operator;

    public bool IsService => Kind == PrincipalKind.Service;

    public static Principal Operator(string credentialId) => new("operator", PrincipalKind.Operator, CredentialId: credentialId);

    public static Principal ServiceCaller(string appId) => new($"service:{appId}", PrincipalKind.Service);
}
