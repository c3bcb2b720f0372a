using Retail.Shared.State;

namespace Retail.Usm.ApiKeys;

/// <summary>Revokes keys one ETag-checked write at a time, each with <c>api_key.revoked</c> in its transaction.</summary>
public sealed class ApiKeyRevoker(RecordStore<ApiKey> keys, LocalEviction eviction, TimeProvider clock)
{
    /// <summary>Not succeeded when a concurrent change won (the caller answers 409); an already revoked key is answered as is.</summary>
    public async Task<RecordWrite<ApiKey>> RevokeAsync(Loaded<ApiKey> loaded, string reason, CancellationToken ct)
    {
        var key = loaded.Record;
        if (key.Status == ApiKeyStatus.Revoked)
        {
            return new RecordWrite<ApiKey>(RecordWriteOutcome.Written, key);
        }
        var now = clock.GetUtcNow();
        var write = await keys.UpdateAsync(key.Orgcode, loaded, key with { Status = ApiKeyStatus.Revoked, RevokedAt = now, RevokedReason = reason },
            "status_changed", [new DomainEvent(IdentityEvents.ApiKeyRevoked, new ApiKeyRevoked(key.ApiKeyGuid, key.ServiceAccountGuid, key.Orgcode, reason, now))], ct);
        if (write.Succeeded)
        {
            eviction.Evict(CredentialCache.ApiKeyTag(key.ApiKeyGuid));
        }
        return write;
    }

    /// <summary>Revokes every active key of the org, or of one service account in it; retries keys that changed meanwhile.</summary>
    public async Task<int> RevokeAllAsync(string orgcode, string? serviceAccountGuid, string reason, CancellationToken ct)
    {
        List<StateFilter> filters = [StateFilter.Eq("status", "active")];
        if (serviceAccountGuid is not null)
        {
            filters.Add(StateFilter.Eq("service_account_guid", serviceAccountGuid));
        }
        var guids = new List<string>();
        string? token = null;
        do
        {
            var page = await keys.ListAsync(orgcode, filters, Paging.MaxLimit, token, ct: ct);
            guids.AddRange(page.Items.Select(k => k.ApiKeyGuid));
            token = page.NextToken;
        }
        while (token is not null);

        var revoked = 0;
        foreach (var guid in guids)
        {
            for (var attempt = 0; ; attempt++)
            {
                var loaded = await keys.GetAsync(orgcode, guid, ct: ct);
                if (loaded is null || loaded.Record.Status == ApiKeyStatus.Revoked)
                {
                    break;
                }
                if ((await RevokeAsync(loaded, reason, ct)).Succeeded)
                {
                    revoked++;
                    break;
                }
                if (attempt >= 4)
                {
                    throw new InvalidOperationException("an API key kept changing while being revoked");
                }
            }
        }
        return revoked;
    }
}
