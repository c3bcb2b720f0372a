using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace Retail.Ucp.Identity;

public enum LinkStatus
{
    Active,
    Revoked,
}

/// <summary>
/// An identity link (UC-UCP-007, UC-UCP-010): an admin let a platform act for a CRM customer with some scopes. At most
/// one active link per platform and customer (authorizing again replaces its scopes). Revoking it stops its tokens: every
/// token use reads the link's status.
/// </summary>
public sealed record IdentityLink : Record
{
    public required string LinkGuid { get; init; }

    public required string PlatformGuid { get; init; }

    public required string CustomerGuid { get; init; }

    public IReadOnlyList<string> Scopes { get; init; } = [];

    public LinkStatus Status { get; init; } = LinkStatus.Active;

    public DateTimeOffset? RevokedAt { get; init; }

    public string? RevokedReason { get; init; }

    public string? CreatedBy { get; init; }

    [JsonIgnore]
    public override string Key => LinkGuid;

    public static readonly RecordType<IdentityLink> Type = new RecordType<IdentityLink>("ucp_link",
            l => l.Status == LinkStatus.Active ? [new UniqueValue("platform_customer", $"{l.PlatformGuid}|{l.CustomerGuid}")] : [])
        .IndexBy("status");
}

/// <summary>
/// An authorization code, kept only as its SHA-256 (the record's key): single use, <see cref="IdentityOptions.CodeLifetime"/>,
/// bound to the platform, the link, the scopes and a PKCE S256 challenge. Its exchange marks it used (revision-checked,
/// so two exchanges cannot both win) and names the token family it started, which a replay revokes (RFC 6749 §4.1.2).
/// </summary>
public sealed record AuthorizationCode : Record
{
    public required string CodeHash { get; init; }

    public required string PlatformGuid { get; init; }

    public required string LinkGuid { get; init; }

    public required string CustomerGuid { get; init; }

    public IReadOnlyList<string> Scopes { get; init; } = [];

    public required string CodeChallenge { get; init; }

    public required DateTimeOffset ExpiresAt { get; init; }

    public DateTimeOffset? UsedAt { get; init; }

    public string? FamilyGuid { get; init; }

    [JsonIgnore]
    public override string Key => CodeHash;

    public static readonly RecordType<AuthorizationCode> Type = new("ucp_auth_code");
}

public enum TokenFamilyStatus
{
    Active,
    Revoked,
}

/// <summary>
/// The tokens of one grant: the current access token and refresh token (hashes only), and every refresh token it has
/// spent. A refresh rotates both; presenting a spent refresh token again revokes the family (a stolen token was used).
/// </summary>
public sealed record TokenFamily : Record
{
    public required string FamilyGuid { get; init; }

    public required string PlatformGuid { get; init; }

    public string? LinkGuid { get; init; }

    public string? CustomerGuid { get; init; }

    public IReadOnlyList<string> Scopes { get; init; } = [];

    public TokenFamilyStatus Status { get; init; } = TokenFamilyStatus.Active;

    public required string AccessHash { get; init; }

    public required DateTimeOffset AccessExpiresAt { get; init; }

    public string? RefreshHash { get; init; }

    public DateTimeOffset? RefreshExpiresAt { get; init; }

    public IReadOnlyList<string> SpentRefreshHashes { get; init; } = [];

    public DateTimeOffset? RevokedAt { get; init; }

    public string? RevokedReason { get; init; }

    [JsonIgnore]
    public override string Key => FamilyGuid;

    public static readonly RecordType<TokenFamily> Type = new RecordType<TokenFamily>("ucp_token_family", f =>
            [new UniqueValue("access", f.AccessHash), .. f.RefreshHash is null ? Array.Empty<UniqueValue>() : [new UniqueValue("refresh", f.RefreshHash)],
                .. f.SpentRefreshHashes.Select(h => new UniqueValue("spent", h))])
        .IndexValues("link", f => f.LinkGuid is null ? [] : [f.LinkGuid]);
}

/// <summary>Identity linking's settings (configuration section <c>Ucp:Identity</c>).</summary>
public sealed class IdentityOptions
{
    public const string Section = "Ucp:Identity";

    public TimeSpan CodeLifetime { get; set; } = TimeSpan.FromMinutes(10);

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(30);
}

public sealed class IdentityOptionsValidator : IValidateOptions<IdentityOptions>
{
    public ValidateOptionsResult Validate(string? name, IdentityOptions o) =>
        o.CodeLifetime > TimeSpan.Zero && o.AccessTokenLifetime > TimeSpan.Zero && o.RefreshTokenLifetime > TimeSpan.Zero
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{IdentityOptions.Section}: lifetimes must be positive");
}
