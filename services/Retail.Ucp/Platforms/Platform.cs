using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;

namespace Retail.Ucp.Platforms;

public enum PlatformStatus
{
    Active,
    Revoked,
}

/// <summary>
/// An agent platform (an AI agent's host, a shopping app) the merchant lets check out through UCP (UC-UCP-001). Its
/// <see cref="ClientId"/> names the org (<c>ucp.{orgcode}.{random}</c>), so a platform's credentials find their org
/// without any lookup outside it; the secret is kept only as a SHA-256 hash (it is 256 random bits, so a slow hash adds
/// nothing). After a rotation the previous hash keeps working until <see cref="PreviousSecretValidUntil"/>.
/// </summary>
public sealed record Platform : Record
{
    public required string PlatformGuid { get; init; }

    public required string ClientId { get; init; }

    public required string Caption { get; init; }

    /// <summary>The seed's scopes the platform may use: <c>ucp:checkout_session</c>, <c>ucp:order_read</c>, <c>ucp:customer_read</c>.</summary>
    public IReadOnlyList<string> Scopes { get; init; } = [];

    public PlatformStatus Status { get; init; } = PlatformStatus.Active;

    /// <summary>SHA-256 of the current secret, hex.</summary>
    public required string SecretHash { get; init; }

    public string? PreviousSecretHash { get; init; }

    public DateTimeOffset? PreviousSecretValidUntil { get; init; }

    public DateTimeOffset? RotatedAt { get; init; }

    public DateTimeOffset? RevokedAt { get; init; }

    public string? RevokedReason { get; init; }

    public string? CreatedBy { get; init; }

    [JsonIgnore]
    public override string Key => PlatformGuid;

    public static readonly RecordType<Platform> Type = new RecordType<Platform>("platform", p => [new UniqueValue("client_id", p.ClientId)])
        .IndexBy("status");

    /// <summary>Whether <paramref name="secret"/> is the current secret, or the previous one still inside its grace period.</summary>
    public bool Accepts(string secret, DateTimeOffset now)
    {
        if (Status != PlatformStatus.Active)
        {
            return false;
        }
        var hash = PlatformSecrets.Hash(secret);
        return PlatformSecrets.SameHash(hash, SecretHash)
            || (PreviousSecretHash is not null && PreviousSecretValidUntil > now && PlatformSecrets.SameHash(hash, PreviousSecretHash));
    }
}

/// <summary>Client ids and secrets: made from a CSPRNG, compared in constant time, stored only as hashes.</summary>
public static class PlatformSecrets
{
    private const string ClientIdPrefix = "ucp.";

    public static string NewClientId(string orgcode) => $"{ClientIdPrefix}{orgcode}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(10))}";

    /// <summary>A new secret: 32 random bytes, base64url, with a prefix that secret scanners can recognise.</summary>
    public static string NewSecret() => "ucps_" + Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>The org a client id names, or null when it is not one of ours.</summary>
    public static string? OrgOf(string? clientId)
    {
        if (clientId is null || !clientId.StartsWith(ClientIdPrefix, StringComparison.Ordinal))
        {
            return null;
        }
        var rest = clientId[ClientIdPrefix.Length..];
        var dot = rest.IndexOf('.');
        return dot <= 0 ? null : Codes.IsValid(rest[..dot]) ? rest[..dot] : null;
    }

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    public static bool SameHash(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(a), Encoding.ASCII.GetBytes(b));

    public static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
