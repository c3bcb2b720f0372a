using System.Text.Json.Serialization;

namespace Retail.Usm.ApiKeys;

public enum ApiKeyStatus
{
    Active,
    Revoked,
}

/// <summary>
/// A service account's key. The record holds only the visible <see cref="Prefix"/>; the key's hash lives in a raw
/// index entry (<see cref="ApiKeyIndex"/>), so neither the key nor its hash travels in history or CDC events.
/// </summary>
public sealed record ApiKey : Record
{
    public required string ApiKeyGuid { get; init; }

    public required string Orgcode { get; init; }

    public required string ServiceAccountGuid { get; init; }

    public required string Prefix { get; init; }

    public string? Name { get; init; }

    public ApiKeyStatus Status { get; init; }

    public DateTimeOffset? ExpiresAt { get; init; }

    public DateTimeOffset? RevokedAt { get; init; }

    public string? RevokedReason { get; init; }

    [JsonIgnore]
    public override string Key => ApiKeyGuid;

    public static readonly RecordType<ApiKey> Type = new("api_key", k => [new UniqueValue("prefix", k.Prefix)]);

    public bool IsUsable(DateTimeOffset now) => Status == ApiKeyStatus.Active && !IsDoomed && (ExpiresAt is null || now < ExpiresAt);
}

/// <summary>An org's rules for keys: how long they may live, and which service-account roles may have them.</summary>
public sealed record ApiKeyPolicy : Record
{
    public required string Orgcode { get; init; }

    public int? MaxLifetimeDays { get; init; }

    /// <summary>Null: every grantable role.</summary>
    public IReadOnlyList<Role>? AllowedRoles { get; init; }

    [JsonIgnore]
    public override string Key => Orgcode;

    public static readonly RecordType<ApiKeyPolicy> Type = new("api_key_policy");

    public static ApiKeyPolicy Default(string orgcode) => new() { Orgcode = orgcode };

    public bool Allows(Role role) => AllowedRoles is null || AllowedRoles.Contains(role);
}

/// <summary>What a new key's expiry may be under a policy.</summary>
public static class KeyLifetime
{
    /// <summary>The expiry to give the key, or the refused maximum in days.</summary>
    public static (DateTimeOffset? ExpiresAt, int? RefusedMaxDays) Decide(ApiKeyPolicy policy, DateTimeOffset? requested, DateTimeOffset now)
    {
        if (policy.MaxLifetimeDays is not { } days)
        {
            return (requested, null);
        }
        var latest = now.AddDays(days);
        return requested is null ? (latest, null) : requested <= latest ? (requested, null) : (null, days);
    }
}

/// <summary>A key as lists show it: never the secret, never its hash.</summary>
public sealed record ApiKeyResponse(
    string ApiKeyGuid,
    string Orgcode,
    string ServiceAccountGuid,
    string Prefix,
    string? Name,
    ApiKeyStatus Status,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? RevokedAt,
    string? RevokedReason,
    long Revision,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static ApiKeyResponse From(ApiKey k) => new(k.ApiKeyGuid, k.Orgcode, k.ServiceAccountGuid, k.Prefix, k.Name, k.Status, k.ExpiresAt,
        k.RevokedAt, k.RevokedReason, k.Revision, k.CreatedAt, k.UpdatedAt);
}

/// <summary>The answer to a key's creation: the only time the secret is shown.</summary>
public sealed record ApiKeyCreatedResponse(string ApiKey, ApiKeyResponse Key, Role Role);

public sealed record CreateApiKeyRequest(string? ServiceAccountGuid, string? Name, DateTimeOffset? ExpiresAt, string? Orgcode = null);

public sealed record ListApiKeysRequest(string? ServiceAccountGuid, ApiKeyStatus? Status, int? Limit, string? NextToken) : IPagedRequest;

public sealed record RevokeApiKeyRequest(string? ApiKeyGuid, long? ExpectedRevision);

public sealed record RevokeAllApiKeysRequest(string? ServiceAccountGuid);

public sealed record RevokeAllOrgApiKeysRequest(string? Orgcode = null);

public sealed record ApiKeysRevokedResponse(int Revoked);

public sealed record SetApiKeyPolicyRequest(int? MaxLifetimeDays, IReadOnlyList<Role>? AllowedRoles, long? ExpectedRevision, string? Orgcode = null);
