using Retail.Shared.Json;
using Retail.Shared.State;

namespace Retail.Uas.Passcodes;

public sealed record LoadedCredential(PasscodeCredential? Credential, string? ETag);

/// <summary>
/// Passcode hashes, one entry per user in the raw state store (outside the user record, so they never reach
/// CDC events or history), written under their ETag so two concurrent changes cannot both win.
/// </summary>
public sealed class PasscodeVault([FromKeyedServices(UasModule.Id)] IStateStore store)
{
    public async Task<LoadedCredential> GetAsync(string userGuid, CancellationToken ct)
    {
        var entry = await store.GetAsync(KeyOf(userGuid), ct);
        return entry is null ? new LoadedCredential(null, null) : new LoadedCredential(RetailJson.FromBytes<PasscodeCredential>(entry.Value), entry.ETag);
    }

    /// <summary>False when the credential changed since it was read.</summary>
    public async Task<bool> TrySaveAsync(string userGuid, PasscodeCredential credential, string? etag, CancellationToken ct)
    {
        var commit = await store.TransactAsync(new StateTransaction().Upsert(KeyOf(userGuid), RetailJson.ToBytes(credential), etag), ct);
        return commit.Committed;
    }

    private static string KeyOf(string userGuid) => $"passcode|{userGuid}";
}
