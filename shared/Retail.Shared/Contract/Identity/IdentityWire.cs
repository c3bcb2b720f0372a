namespace Retail.Shared.Contract.Identity;

/// <summary>Where USM answers credential checks, for every service that resolves callers through it.</summary>
public static class UsmEndpoints
{
    public const string AppId = "usm";
    public const string SessionValidate = "session/validate";
    public const string ApiKeyValidate = "api_key/validate";
}

/// <summary>The identity events USM publishes (topic = type); the revocation ones clear every service's credential cache.</summary>
public static class IdentityEvents
{
    public const string SessionCreated = "session.created";
    public const string SessionClosed = "session.closed";
    public const string ApiKeyCreated = "api_key.created";
    public const string ApiKeyRevoked = "api_key.revoked";
    public const string ServiceAccountStatusChanged = "service_account.status_changed";
}

public sealed record SessionValidateRequest(string? SessionGuid);

/// <summary>USM's answer for a session: <see cref="Valid"/> false for unknown, closed or expired ones, with nothing else said.</summary>
public sealed record SessionValidation(bool Valid, string? SessionId = null, string? UserGuid = null, string? Email = null,
    DateTimeOffset? ExpiresAt = null)
{
    public static SessionValidation Invalid { get; } = new(false);
}

public sealed record ApiKeyValidateRequest(string? ApiKey);

/// <summary>USM's answer for an API key: the service account it acts as, its org and role.</summary>
public sealed record ApiKeyValidation(bool Valid, string? ApiKeyGuid = null, string? ServiceAccountGuid = null, string? Orgcode = null,
    Role? Role = null, DateTimeOffset? ExpiresAt = null)
{
    public static ApiKeyValidation Invalid { get; } = new(false);
}

/// <param name="SessionId">The session's public handle (the hash of its secret), never the secret.</param>
/// <param name="Reason"><c>closed</c>, <c>logout_other_devices</c>, <c>logout_everywhere</c> or <c>passcode_changed</c>.</param>
public sealed record SessionClosed(string SessionId, string UserGuid, string Reason, DateTimeOffset ClosedAt);

public sealed record SessionCreated(string SessionId, string UserGuid, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt);

public sealed record ApiKeyCreated(string ApiKeyGuid, string ServiceAccountGuid, string Orgcode, string Prefix, DateTimeOffset? ExpiresAt);

/// <param name="Reason"><c>revoked</c>, <c>revoke_all</c> or <c>revoke_all_org</c>.</param>
public sealed record ApiKeyRevoked(string ApiKeyGuid, string ServiceAccountGuid, string Orgcode, string Reason, DateTimeOffset RevokedAt);

public sealed record ServiceAccountStatusChanged(string ServiceAccountGuid, string Orgcode, string From, string To, DateTimeOffset ChangedAt);
