using System.Security.Cryptography;
using System.Text;
using Retail.Shared.Json;
using Retail.Shared.State;

namespace Retail.Usm.ApiKeys;

/// <summary>
/// The key hash → key lookup, in raw state entries outside the records (so hashes never reach history or CDC).
/// In the host the entry commits in the key record's own transaction. In Dapr mode records live in the component with
/// the outbox, which would publish the entry, so it stays in the plain component and is written first: an entry whose
/// record never got written leads nowhere and is refused.
/// </summary>
public sealed class ApiKeyIndex([FromKeyedServices(UsmModule.Id)] IStateStore store)
{
    public async Task AddAsync(RecordBatch batch, string hash, string orgcode, string apiKeyGuid, CancellationToken ct)
    {
        var entry = RetailJson.ToBytes(new Entry(hash, orgcode, apiKeyGuid));
        if (batch.CommitsTo(store))
        {
            batch.Insert(store, KeyOf(hash), entry);
            return;
        }
        await store.TransactAsync(new StateTransaction().Upsert(KeyOf(hash), entry, etag: null), ct);
    }

    /// <summary>The org and key a presented key's hash belongs to, if any; the stored hash is compared in constant time.</summary>
    public async Task<(string Orgcode, string ApiKeyGuid)?> FindAsync(string hash, CancellationToken ct)
    {
        var raw = await store.GetAsync(KeyOf(hash), ct);
        if (raw is null)
        {
            return null;
        }
        var entry = RetailJson.FromBytes<Entry>(raw.Value);
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(entry.Hash), Encoding.ASCII.GetBytes(hash))
            ? (entry.Orgcode, entry.ApiKeyGuid)
            : null;
    }

    private static string KeyOf(string hash) => $"api-key-hash|{hash}";

    private sealed record Entry(string Hash, string Orgcode, string ApiKeyGuid);
}
