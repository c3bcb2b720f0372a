using Retail.Shared.Json;
using Retail.Shared.State;

namespace Retail.Uas.Tokens;

public enum TokenCheck
{
    Valid,
    Invalid,
    Expired,
}

/// <summary>A token that checked out, to be redeemed (deleted) once the action it allows has been decided.</summary>
public sealed record TokenClaim(string Key, string ETag);

/// <summary>
/// At most one live token per user and purpose, stored as its hash: issuing a new one replaces (and so
/// invalidates) the previous one; redeeming deletes it under its ETag, so a token works once.
/// Kept in the raw state store, outside the records, so no token hash ever reaches CDC or history.
/// </summary>
public sealed class TokenVault([FromKeyedServices(UasModule.Id)] IStateStore store, TimeProvider clock)
{
    private static readonly TimeSpan Retention = TimeSpan.FromDays(7);

    public async Task<(string Token, DateTimeOffset ExpiresAt)> IssueAsync(TokenPurpose purpose, string userGuid, TimeSpan lifetime,
        CancellationToken ct)
    {
        var key = KeyOf(purpose, userGuid);
        for (var attempt = 0; ; attempt++)
        {
            var token = SecretToken.Generate();
            var expiresAt = clock.GetUtcNow() + lifetime;
            var current = await store.GetAsync(key, ct);
            var tx = new StateTransaction().Upsert(key, RetailJson.ToBytes(new StoredToken(SecretToken.Hash(token), expiresAt)),
                current?.ETag, lifetime + Retention);
            var commit = await store.TransactAsync(tx, ct);
            if (commit.Committed)
            {
                return (token, expiresAt);
            }
            if (attempt >= 4)
            {
                throw new InvalidOperationException($"could not store a {purpose} token after concurrent replacements");
            }
        }
    }

    public async Task<(TokenCheck Check, TokenClaim? Claim)> CheckAsync(TokenPurpose purpose, string userGuid, string presented,
        CancellationToken ct)
    {
        var key = KeyOf(purpose, userGuid);
        var entry = await store.GetAsync(key, ct);
        if (entry is null)
        {
            return (TokenCheck.Invalid, null);
        }
        var stored = RetailJson.FromBytes<StoredToken>(entry.Value);
        if (!SecretToken.Matches(presented, stored.TokenHash))
        {
            return (TokenCheck.Invalid, null);
        }
        return stored.ExpiresAt <= clock.GetUtcNow() ? (TokenCheck.Expired, null) : (TokenCheck.Valid, new TokenClaim(key, entry.ETag));
    }

    /// <summary>False when someone else redeemed or replaced the token since it was checked.</summary>
    public async Task<bool> RedeemAsync(TokenClaim claim, CancellationToken ct)
    {
        var commit = await store.TransactAsync(new StateTransaction().Delete(claim.Key, claim.ETag), ct);
        return commit.Committed;
    }

    public async Task RevokeAsync(TokenPurpose purpose, string userGuid, CancellationToken ct) =>
        await store.TransactAsync(new StateTransaction().Delete(KeyOf(purpose, userGuid), etag: null), ct);

    private static string KeyOf(TokenPurpose purpose, string userGuid) => $"token|{purpose.ToString().ToLowerInvariant()}|{userGuid}";

    private sealed record StoredToken(string TokenHash, DateTimeOffset ExpiresAt);
}
