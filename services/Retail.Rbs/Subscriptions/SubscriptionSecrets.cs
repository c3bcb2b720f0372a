using Retail.Shared.Json;
using Retail.Shared.State;

namespace Retail.Rbs.Subscriptions;

/// <summary>
/// Each subscription's signing secret, in a raw state entry beside the record (so it never reaches history or the CDC
/// feed). The engine needs the secret itself to sign, so it is kept, not hashed; it is answered once, by register. In the
/// host the entry commits in the subscription's own transaction; in Dapr mode records live in the component with the
/// outbox, which would publish the entry, so it is written to the plain component first (an entry without its record is
/// never read).
/// </summary>
public sealed class SubscriptionSecrets([FromKeyedServices(RbsModule.Id)] IStateStore store)
{
    public async Task AddAsync(RecordBatch batch, string orgcode, string subscriptionGuid, string secret, CancellationToken ct)
    {
        var entry = RetailJson.ToBytes(new Entry(secret));
        if (batch.CommitsTo(store))
        {
            batch.Insert(store, KeyOf(orgcode, subscriptionGuid), entry);
            return;
        }
        await store.TransactAsync(new StateTransaction().Upsert(KeyOf(orgcode, subscriptionGuid), entry, etag: null), ct);
    }

    public async Task<string?> GetAsync(string orgcode, string subscriptionGuid, CancellationToken ct)
    {
        var raw = await store.GetAsync(KeyOf(orgcode, subscriptionGuid), ct);
        return raw is null ? null : RetailJson.FromBytes<Entry>(raw.Value).Secret;
    }

    /// <summary>Forgets the secret of an unregistered subscription.</summary>
    public async Task RemoveAsync(string orgcode, string subscriptionGuid, CancellationToken ct) =>
        await store.TransactAsync(new StateTransaction().Delete(KeyOf(orgcode, subscriptionGuid), etag: null), ct);

    private static string KeyOf(string orgcode, string subscriptionGuid) => $"rbs-subscription-secret|{orgcode}|{subscriptionGuid}";

    private sealed record Entry(string Secret);
}
