using Retail.Crm.Customers;
using Retail.Crm.Merge;
using Retail.Shared;

namespace Retail.Crm.Loyalty;

/// <summary>
/// Loyalty's part of a customer merge: the merged customer's balance and its open buckets move to the survivor in the
/// merge's batch — both accounts and every bucket ETag-checked, a <c>merge_out</c> entry on the merged side and a
/// <c>merge_in</c> entry on the survivor's. A redemption racing the merge either commits first (and what is left moves)
/// or fails its ETag check and is read again, finding the customer merged.
/// </summary>
public sealed class LoyaltyMergeParticipant(
    RecordStore<LoyaltyAccount> accounts,
    RecordStore<LoyaltyEntry> entries,
    RecordStore<LoyaltyBucket> buckets,
    LoyaltyLedger ledger,
    RequestContext context,
    TimeProvider clock) : ICustomerMergeParticipant
{
    public string Name => "loyalty";

    public async Task<object?> StageAsync(string orgcode, Customer survivor, Customer merged, RecordBatch batch, CancellationToken ct)
    {
        var from = await accounts.GetAsync(orgcode, merged.CustomerGuid, ct: ct);
        if (from is null)
        {
            // A closed account all the same, so a first earn racing the merge fails to create one and finds the customer merged.
            accounts.Create(batch, orgcode, LoyaltyLedger.NewAccount(merged.CustomerGuid) with
            {
                Status = LoyaltyAccountStatus.Merged,
                MergedInto = survivor.CustomerGuid,
                LastEntryAt = clock.GetUtcNow(),
            });
            return null;
        }
        if (from.Record.Status == LoyaltyAccountStatus.Merged)
        {
            return null;
        }
        var to = await accounts.GetAsync(orgcode, survivor.CustomerGuid, ct: ct);
        var open = new List<Loaded<LoyaltyBucket>>();
        string? token = null;
        do
        {
            var page = await buckets.ListAsync(orgcode,
                [StateFilter.Eq("customer_guid", merged.CustomerGuid), StateFilter.Above("open_ms", 0L, inclusive: true)], 200, token,
                sort: [new StateSort("open_ms"), new StateSort("bucket_guid")], ct: ct);
            var loaded = await buckets.LoadManyAsync(orgcode, page.Items.Select(b => b.BucketGuid).ToList(), ct);
            open.AddRange(page.Items.Where(b => loaded.ContainsKey(b.BucketGuid)).Select(b => loaded[b.BucketGuid])
                .Where(b => b.Record.CustomerGuid == merged.CustomerGuid));
            token = page.NextToken;
        }
        while (token is not null);
        foreach (var bucket in open)
        {
            buckets.Update(batch, orgcode, bucket, bucket.Record with { CustomerGuid = survivor.CustomerGuid });
        }

        var policy = await ledger.PolicyAsync(orgcode, ct);
        var now = clock.GetUtcNow();
        var moved = from.Record.Balance;
        var target = to?.Record ?? LoyaltyLedger.NewAccount(survivor.CustomerGuid);
        var lifetime = target.LifetimeEarned + from.Record.LifetimeEarned;
        var arrived = target with { Balance = target.Balance + moved, LifetimeEarned = lifetime, Tier = policy.TierFor(lifetime)?.Name, LastEntryAt = now };
        var left = from.Record with { Balance = 0, Status = LoyaltyAccountStatus.Merged, MergedInto = survivor.CustomerGuid, LastEntryAt = now };
        accounts.Update(batch, orgcode, from, left);
        if (to is null)
        {
            accounts.Create(batch, orgcode, arrived);
        }
        else
        {
            accounts.Update(batch, orgcode, to, arrived);
        }
        var actor = context.Principal?.Id ?? "system";
        var takes = open.Select(b => new BucketTake(b.Record.BucketGuid, b.Record.Remaining)).ToList();
        entries.Create(batch, orgcode, Entry(merged.CustomerGuid, LoyaltyEntryKind.MergeOut, -moved, 0, survivor.CustomerGuid, actor, policy, takes, now));
        entries.Create(batch, orgcode, Entry(survivor.CustomerGuid, LoyaltyEntryKind.MergeIn, moved, arrived.Balance, merged.CustomerGuid, actor, policy, takes, now));
        return new { points = moved, buckets = open.Count };
    }

    private static LoyaltyEntry Entry(string customerGuid, LoyaltyEntryKind kind, long points, long balanceAfter, string counterpart, string actor,
        LoyaltyPolicy policy, IReadOnlyList<BucketTake> takes, DateTimeOffset now) => new()
    {
        EntryGuid = Guid.CreateVersion7(now).ToString(),
        CustomerGuid = customerGuid,
        Kind = kind,
        Points = points,
        BalanceAfter = balanceAfter,
        Reference = $"merge:{counterpart}",
        CounterpartGuid = counterpart,
        Actor = actor,
        PolicyVersion = policy.Version,
        Buckets = takes,
    };
}
