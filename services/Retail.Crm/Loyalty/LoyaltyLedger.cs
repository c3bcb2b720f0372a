using Microsoft.Extensions.Logging;
using Retail.Crm.Customers;
using Retail.Crm.Fraud;
using Retail.Shared;

namespace Retail.Crm.Loyalty;

/// <summary>
/// The data of <c>loyalty.earned|redeemed|adjusted|reversed|restored|expired</c>: the entry and the balance it left.
/// </summary>
public sealed record LoyaltyChanged(string Orgcode, string EntryGuid, string CustomerGuid, LoyaltyEntryKind Kind, long Points, long Balance,
    string? Reference, string? OfReference, long PolicyVersion, long? AmountMinor, string? Currency, string? Tier);

/// <summary>The outcome of a ledger change: the entry and the account after it (or before, on a replay), or the problem that refused it.</summary>
public sealed record LedgerResult(LoyaltyEntry? Entry, LoyaltyAccount? Account, bool Replayed, ProblemHttpResult? Problem)
{
    public static LedgerResult Refused(ProblemHttpResult problem) => new(null, null, false, problem);
}

/// <summary>
/// The loyalty ledger (UC-CRM-003): every change is one batch of an immutable <see cref="LoyaltyEntry"/>, the customer's
/// <see cref="LoyaltyAccount"/> (ETag-checked, never below zero) and the <see cref="LoyaltyBucket"/>s it credits or
/// debits, with its event. A change that loses a race to another writer is read and decided again (bounded, jittered),
/// so contention answers the right business outcome (409 <c>insufficient_points</c>) instead of a revision error.
/// Changes naming a business reference are idempotent per <c>{kind}:{reference}</c>: a repeat answers the first entry.
/// </summary>
public sealed class LoyaltyLedger(
    RecordStore<LoyaltyAccount> accounts,
    RecordStore<LoyaltyEntry> entries,
    RecordStore<LoyaltyBucket> buckets,
    RecordStore<LoyaltyPolicy> policies,
    RecordStore<Customer> customers,
    ICustomerHolds holds,
    LoyaltyGate gate,
    TimeProvider clock,
    ILogger<LoyaltyLedger> logger)
{
    public const int MaxAttempts = 10;
    private const int BucketPage = 200;

    public async Task<LoyaltyPolicy> PolicyAsync(string orgcode, CancellationToken ct) =>
        (await policies.GetAsync(orgcode, LoyaltyPolicy.TheKey, ct: ct))?.Record ?? LoyaltyPolicy.Default;

    /// <summary>The customer a write may name: 422 <c>unknown_reference</c> when there is none, 409 <c>customer_merged</c> when merged.</summary>
    public async Task<(Customer? Customer, ProblemHttpResult? Problem)> LiveCustomerAsync(string orgcode, string customerGuid, CancellationToken ct)
    {
        var customer = (await customers.GetAsync(orgcode, customerGuid, ct: ct))?.Record;
        if (customer is null)
        {
            return (null, CrmProblems.UnknownReference("customer_guid", $"No customer '{customerGuid}' in this org."));
        }
        return customer.IsLive ? (customer, null) : (null, CrmProblems.CustomerMerged(customer.CustomerGuid, customer.MergedInto ?? ""));
    }

    /// <summary>The live customer a guid ends at, following merges (an event naming a customer merged since); null when unknown.</summary>
    public async Task<Customer?> SurvivorOfAsync(string orgcode, string customerGuid, CancellationToken ct)
    {
        var guid = customerGuid;
        for (var hop = 0; hop < 8; hop++)
        {
            var customer = (await customers.GetAsync(orgcode, guid, ct: ct))?.Record;
            if (customer is null || customer.IsLive)
            {
                return customer;
            }
            if (customer.MergedInto is not { } next)
            {
                return null;
            }
            guid = next;
        }
        return null;
    }

    public async Task<LoyaltyAccount?> AccountAsync(string orgcode, string customerGuid, CancellationToken ct) =>
        (await accounts.GetAsync(orgcode, customerGuid, ct: ct))?.Record;

    /// <summary>
    /// Earns for an order (<paramref name="reference"/>, once): the policy's points for an amount, or explicit points.
    /// </summary>
    public Task<LedgerResult> EarnAsync(string orgcode, string customerGuid, string reference, long? amountMinor, string? currency, long? points,
        string? reason, string actor, CancellationToken ct) =>
        RunAsync(orgcode, customerGuid, LoyaltyEntry.IdempotencyOf(LoyaltyEntryKind.Earn, reference), async ct =>
        {
            if ((await LiveCustomerAsync(orgcode, customerGuid, ct)).Problem is { } refused)
            {
                return LedgerResult.Refused(refused);
            }
            var policy = await PolicyAsync(orgcode, ct);
            var current = await accounts.GetAsync(orgcode, customerGuid, ct: ct);
            var account = current?.Record ?? NewAccount(customerGuid);
            var quote = points is { } exact ? new EarnQuote(exact, null, 1m) : LoyaltyRules.Earn(policy, amountMinor!.Value, currency!, account.LifetimeEarned);
            if (quote is null)
            {
                return LedgerResult.Refused(CrmProblems.LoyaltyCurrencyNotEarning(currency!));
            }
            var now = clock.GetUtcNow();
            var lifetime = account.LifetimeEarned + quote.Points;
            var next = account with { Balance = account.Balance + quote.Points, LifetimeEarned = lifetime, Tier = policy.TierFor(lifetime)?.Name, LastEntryAt = now };
            var entry = NewEntry(customerGuid, LoyaltyEntryKind.Earn, quote.Points, next.Balance, actor, policy) with
            {
                Reference = reference,
                Reason = reason,
                AmountMinor = amountMinor,
                Currency = currency,
                Tier = points is null ? quote.Tier : null,
                EarnMultiplier = points is null ? quote.Multiplier : null,
                ExpiresAt = quote.Points > 0 ? policy.ExpiryOf(now) : null,
            };
            var batch = new RecordBatch();
            if (quote.Points > 0)
            {
                entry = entry with { Buckets = [new BucketTake(entry.EntryGuid, quote.Points)] };
                buckets.Create(batch, orgcode, new LoyaltyBucket
                {
                    BucketGuid = entry.EntryGuid,
                    CustomerGuid = customerGuid,
                    Reference = reference,
                    Earned = quote.Points,
                    Remaining = quote.Points,
                    AmountMinor = amountMinor,
                    ExpiresAt = entry.ExpiresAt,
                });
            }
            return await CommitAsync(batch, orgcode, current, next, entry, ct);
        }, ct);

    /// <summary>
    /// Redeems points (or the points an amount costs) once per <paramref name="reference"/>: never below zero, never while
    /// the customer has an open fraud hold, at least the policy's minimum.
    /// </summary>
    public Task<LedgerResult> RedeemAsync(string orgcode, string customerGuid, string reference, long? points, long? amountMinor, string? currency,
        string? reason, string actor, CancellationToken ct) =>
        RunAsync(orgcode, customerGuid, LoyaltyEntry.IdempotencyOf(LoyaltyEntryKind.Redeem, reference), async ct =>
        {
            if ((await LiveCustomerAsync(orgcode, customerGuid, ct)).Problem is { } refused)
            {
                return LedgerResult.Refused(refused);
            }
            if (await holds.OpenHoldOfAsync(orgcode, customerGuid, ct) is { } hold)
            {
                return LedgerResult.Refused(CrmProblems.CustomerOnHold(customerGuid, hold));
            }
            var policy = await PolicyAsync(orgcode, ct);
            long cost;
            long? worth = null;
            if (points is { } asked)
            {
                cost = asked;
            }
            else if (LoyaltyRules.PriceOf(policy, amountMinor!.Value, currency!) is { } price)
            {
                (cost, worth) = price;
            }
            else
            {
                return LedgerResult.Refused(CrmProblems.LoyaltyCurrencyNotRedeemable(currency!));
            }
            if (cost < policy.MinimumRedeemPoints)
            {
                return LedgerResult.Refused(CrmProblems.BelowMinimumRedeem(policy.MinimumRedeemPoints));
            }
            var debit = await DebitAsync(orgcode, customerGuid, cost, null, ct);
            if (debit.Problem is not null || debit.Batch is null)
            {
                return debit.Problem is null ? null : LedgerResult.Refused(debit.Problem);
            }
            var next = debit.Account!.Record with { Balance = debit.Account.Record.Balance - cost, LastEntryAt = clock.GetUtcNow() };
            var entry = NewEntry(customerGuid, LoyaltyEntryKind.Redeem, -cost, next.Balance, actor, policy) with
            {
                Reference = reference,
                Reason = reason,
                AmountMinor = worth,
                Currency = worth is null ? null : currency,
                Buckets = debit.Takes,
            };
            return await CommitAsync(debit.Batch, orgcode, debit.Account, next, entry, ct);
        }, ct);

    /// <summary>An admin's correction, with a reason: a credit (a new bucket that expires like an earn) or a debit (never below zero).</summary>
    public Task<LedgerResult> AdjustAsync(string orgcode, string customerGuid, long points, string reason, string? reference, string actor,
        CancellationToken ct) =>
        RunAsync(orgcode, customerGuid, reference is null ? null : LoyaltyEntry.IdempotencyOf(LoyaltyEntryKind.Adjust, reference), async ct =>
        {
            if ((await LiveCustomerAsync(orgcode, customerGuid, ct)).Problem is { } refused)
            {
                return LedgerResult.Refused(refused);
            }
            var policy = await PolicyAsync(orgcode, ct);
            var now = clock.GetUtcNow();
            if (points > 0)
            {
                var current = await accounts.GetAsync(orgcode, customerGuid, ct: ct);
                var account = current?.Record ?? NewAccount(customerGuid);
                var credited = account with { Balance = account.Balance + points, LastEntryAt = now };
                var entry = NewEntry(customerGuid, LoyaltyEntryKind.Adjust, points, credited.Balance, actor, policy) with
                {
                    Reference = reference,
                    Reason = reason,
                    ExpiresAt = policy.ExpiryOf(now),
                };
                entry = entry with { Buckets = [new BucketTake(entry.EntryGuid, points)] };
                var batch = new RecordBatch();
                buckets.Create(batch, orgcode, new LoyaltyBucket
                {
                    BucketGuid = entry.EntryGuid,
                    CustomerGuid = customerGuid,
                    Earned = points,
                    Remaining = points,
                    ExpiresAt = entry.ExpiresAt,
                });
                return await CommitAsync(batch, orgcode, current, credited, entry, ct);
            }
            var debit = await DebitAsync(orgcode, customerGuid, -points, null, ct);
            if (debit.Problem is not null || debit.Batch is null)
            {
                return debit.Problem is null ? null : LedgerResult.Refused(debit.Problem);
            }
            var next = debit.Account!.Record with { Balance = debit.Account.Record.Balance + points, LastEntryAt = now };
            var debited = NewEntry(customerGuid, LoyaltyEntryKind.Adjust, points, next.Balance, actor, policy) with
            {
                Reference = reference,
                Reason = reason,
                Buckets = debit.Takes,
            };
            return await CommitAsync(debit.Batch, orgcode, debit.Account, next, debited, ct);
        }, ct);

    /// <summary>
    /// Undoes an earn (named by its order <paramref name="orderReference"/>) once per <paramref name="returnReference"/>: the
    /// points asked, the share an amount returned stands for, or all that is left; never more than was earned. Points
    /// already spent cannot be taken back below zero: what could not be taken is the entry's <c>shortfall</c>.
    /// </summary>
    public async Task<LedgerResult> ReverseAsync(string orgcode, string orderReference, string returnReference, long? points, long? amountMinor,
        string? reason, string actor, CancellationToken ct)
    {
        var earn = (await entries.FindAsync(orgcode, "reference", LoyaltyEntry.IdempotencyOf(LoyaltyEntryKind.Earn, orderReference), ct))?.Record;
        if (earn is null)
        {
            return LedgerResult.Refused(CrmProblems.UnknownReference("reference", $"No earn for order reference '{orderReference}' in this org."));
        }
        // The earn's points live with whoever holds its bucket now (the survivor of a merge).
        var owner = (await buckets.GetAsync(orgcode, earn.EntryGuid, ct: ct))?.Record.CustomerGuid
            ?? (await SurvivorOfAsync(orgcode, earn.CustomerGuid, ct))?.CustomerGuid ?? earn.CustomerGuid;
        return await RunAsync(orgcode, owner, LoyaltyEntry.IdempotencyOf(LoyaltyEntryKind.Reverse, returnReference), async ct =>
        {
            var policy = await PolicyAsync(orgcode, ct);
            var own = await buckets.GetAsync(orgcode, earn.EntryGuid, ct: ct);
            if (own is not null && own.Record.CustomerGuid != owner)
            {
                return null; // moved by a merge since: read again
            }
            var delta = own is null ? 0 : LoyaltyRules.ReversalOf(own.Record, points, amountMinor);
            var current = await accounts.GetAsync(orgcode, owner, ct: ct);
            var account = current?.Record ?? NewAccount(owner);
            var taken = Math.Min(delta, account.Balance);
            var fromOwn = own is null ? 0 : Math.Min(taken, own.Record.Remaining);
            var batch = new RecordBatch();
            var takes = new List<BucketTake>();
            if (own is not null)
            {
                buckets.Update(batch, orgcode, own, own.Record with
                {
                    Remaining = own.Record.Remaining - fromOwn,
                    Reversed = own.Record.Reversed + delta,
                    ReturnedMinor = own.Record.ReturnedMinor + (amountMinor ?? 0),
                });
                if (fromOwn > 0)
                {
                    takes.Add(new BucketTake(own.Record.BucketGuid, fromOwn));
                }
            }
            if (taken > fromOwn)
            {
                var others = await DebitAsync(orgcode, owner, taken - fromOwn, earn.EntryGuid, ct, batch, current);
                if (others.Problem is not null || others.Batch is null)
                {
                    return others.Problem is null ? null : LedgerResult.Refused(others.Problem);
                }
                takes.AddRange(others.Takes);
            }
            var lifetime = Math.Max(0, account.LifetimeEarned - delta);
            var next = account with { Balance = account.Balance - taken, LifetimeEarned = lifetime, Tier = policy.TierFor(lifetime)?.Name, LastEntryAt = clock.GetUtcNow() };
            var entry = NewEntry(owner, LoyaltyEntryKind.Reverse, -taken, next.Balance, actor, policy) with
            {
                Reference = returnReference,
                OfReference = orderReference,
                Reason = reason,
                AmountMinor = amountMinor,
                Currency = amountMinor is null ? null : earn.Currency,
                Buckets = takes,
                Shortfall = delta > taken ? delta - taken : null,
            };
            return await CommitAsync(batch, orgcode, current, next, entry, ct);
        }, ct);
    }

    /// <summary>Undoes a redemption (named by its reference) once: its points go back to the buckets they came from.</summary>
    public async Task<LedgerResult> RestoreAsync(string orgcode, string redeemReference, string? reason, string actor, CancellationToken ct)
    {
        var redeem = (await entries.FindAsync(orgcode, "reference", LoyaltyEntry.IdempotencyOf(LoyaltyEntryKind.Redeem, redeemReference), ct))?.Record;
        if (redeem is null)
        {
            return LedgerResult.Refused(CrmProblems.UnknownReference("reference", $"No redemption with reference '{redeemReference}' in this org."));
        }
        var owner = (await SurvivorOfAsync(orgcode, redeem.CustomerGuid, ct))?.CustomerGuid ?? redeem.CustomerGuid;
        return await RunAsync(orgcode, owner, LoyaltyEntry.IdempotencyOf(LoyaltyEntryKind.Restore, redeemReference), async ct =>
        {
            var policy = await PolicyAsync(orgcode, ct);
            var now = clock.GetUtcNow();
            var points = -redeem.Points;
            var current = await accounts.GetAsync(orgcode, owner, ct: ct);
            var account = current?.Record ?? NewAccount(owner);
            var next = account with { Balance = account.Balance + points, LastEntryAt = now };
            var entry = NewEntry(owner, LoyaltyEntryKind.Restore, points, next.Balance, actor, policy) with
            {
                Reference = redeemReference,
                OfReference = redeemReference,
                Reason = reason,
                AmountMinor = redeem.AmountMinor,
                Currency = redeem.Currency,
                Buckets = redeem.Buckets,
            };
            var batch = new RecordBatch();
            var loaded = await buckets.LoadManyAsync(orgcode, redeem.Buckets.Select(t => t.BucketGuid).ToList(), ct);
            long orphaned = 0;
            foreach (var take in redeem.Buckets)
            {
                if (loaded.TryGetValue(take.BucketGuid, out var bucket) && bucket.Record.CustomerGuid == owner)
                {
                    // An earn that expired meanwhile gets its points back past due: the next expiry takes them again.
                    buckets.Update(batch, orgcode, bucket, bucket.Record with { Remaining = bucket.Record.Remaining + take.Points });
                }
                else
                {
                    orphaned += take.Points;
                }
            }
            if (orphaned > 0)
            {
                buckets.Create(batch, orgcode, new LoyaltyBucket
                {
                    BucketGuid = entry.EntryGuid,
                    CustomerGuid = owner,
                    Earned = orphaned,
                    Remaining = orphaned,
                    ExpiresAt = policy.ExpiryOf(now),
                });
            }
            return await CommitAsync(batch, orgcode, current, next, entry, ct);
        }, ct);
    }

    /// <summary>Expires a customer's points past their expiry (what is left of each earn, first expiring first); no entry when none are due.</summary>
    public Task<LedgerResult> ExpireAsync(string orgcode, string customerGuid, string actor, CancellationToken ct) =>
        RunAsync(orgcode, customerGuid, null, async ct =>
        {
            var now = clock.GetUtcNow();
            var current = await accounts.GetAsync(orgcode, customerGuid, ct: ct);
            var page = await buckets.ListAsync(orgcode,
                [StateFilter.Eq("customer_guid", customerGuid), StateFilter.Below("open_ms", now.ToUnixTimeMilliseconds(), inclusive: true)], BucketPage,
                sort: FirstExpiringFirst, ct: ct);
            var loaded = await buckets.LoadManyAsync(orgcode, page.Items.Select(b => b.BucketGuid).ToList(), ct);
            var due = page.Items.Where(b => loaded.ContainsKey(b.BucketGuid)).Select(b => loaded[b.BucketGuid])
                .Where(b => b.Record.Remaining > 0 && b.Record.ExpiresAt <= now && b.Record.CustomerGuid == customerGuid).ToList();
            if (due.Count == 0 || current is null)
            {
                return new LedgerResult(null, current?.Record, false, null);
            }
            var policy = await PolicyAsync(orgcode, ct);
            var batch = new RecordBatch();
            foreach (var bucket in due)
            {
                buckets.Update(batch, orgcode, bucket, bucket.Record with { Remaining = 0 });
            }
            var points = due.Sum(b => b.Record.Remaining);
            var next = current.Record with { Balance = Math.Max(0, current.Record.Balance - points), LastEntryAt = now };
            var entry = NewEntry(customerGuid, LoyaltyEntryKind.Expire, -(current.Record.Balance - next.Balance), next.Balance, actor, policy) with
            {
                Buckets = due.Select(b => new BucketTake(b.Record.BucketGuid, b.Record.Remaining)).ToList(),
            };
            return await CommitAsync(batch, orgcode, current, next, entry, ct);
        }, ct);

    /// <summary>The customers of an org (at most <paramref name="limit"/>) with points due to expire by now.</summary>
    public async Task<IReadOnlyList<string>> CustomersDueAsync(string orgcode, int limit, CancellationToken ct)
    {
        var page = await buckets.ListAsync(orgcode, [StateFilter.Below("expires_due", clock.GetUtcNow().ToUnixTimeMilliseconds(), inclusive: true)], limit,
            sort: [new StateSort("expires_due"), new StateSort("bucket_guid")], ct: ct);
        return page.Items.Select(b => b.CustomerGuid).Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>The (org, customer) pairs of every org with points due to expire by now, a page at a time.</summary>
    public async Task<Page<(string Orgcode, string CustomerGuid)>> DueAcrossOrgsAsync(int limit, string? token, CancellationToken ct)
    {
        var page = await buckets.ListAcrossOrgsAsync([StateFilter.Below("expires_due", clock.GetUtcNow().ToUnixTimeMilliseconds(), inclusive: true)], limit,
            token, ct: ct);
        return new Page<(string, string)>(page.Items.Select(i => (i.Orgcode, i.Record.CustomerGuid)).Distinct().ToList(), page.NextToken);
    }

    /// <summary>The earliest-expiring open bucket of a customer (its expiry and what is left of it), for the balance view.</summary>
    public async Task<LoyaltyBucket?> NextExpiringAsync(string orgcode, string customerGuid, CancellationToken ct) =>
        (await buckets.ListAsync(orgcode, [StateFilter.Eq("customer_guid", customerGuid), StateFilter.Above("open_ms", 0L, inclusive: true)], 1,
            sort: FirstExpiringFirst, ct: ct)).Items.FirstOrDefault(b => b.ExpiresAt is not null);

    private static readonly IReadOnlyList<StateSort> FirstExpiringFirst = [new StateSort("open_ms"), new StateSort("bucket_guid")];

    /// <summary>What a debit stages: the buckets it takes from (first expiring first) in its batch, or why it cannot.</summary>
    private sealed record Debit(RecordBatch? Batch, Loaded<LoyaltyAccount>? Account, IReadOnlyList<BucketTake> Takes, ProblemHttpResult? Problem);

    /// <summary>
    /// Stages taking <paramref name="points"/> from a customer's open buckets, first expiring first (leaving out
    /// <paramref name="except"/>): 409 <c>insufficient_points</c> when the balance is short; a null batch (read again) when
    /// the buckets read do not hold what the account says, which only a concurrent change explains.
    /// </summary>
    private async Task<Debit> DebitAsync(string orgcode, string customerGuid, long points, string? except, CancellationToken ct,
        RecordBatch? batch = null, Loaded<LoyaltyAccount>? account = null)
    {
        account ??= await accounts.GetAsync(orgcode, customerGuid, ct: ct);
        if (account?.Record is { Status: LoyaltyAccountStatus.Merged } gone)
        {
            return new Debit(null, null, [], CrmProblems.CustomerMerged(customerGuid, gone.MergedInto ?? ""));
        }
        var balance = account?.Record.Balance ?? 0;
        if (account is null || balance < points)
        {
            return new Debit(null, null, [], CrmProblems.InsufficientPoints(balance, points));
        }
        var open = new List<Loaded<LoyaltyBucket>>();
        string? token = null;
        long found = 0;
        do
        {
            var page = await buckets.ListAsync(orgcode, [StateFilter.Eq("customer_guid", customerGuid), StateFilter.Above("open_ms", 0L, inclusive: true)],
                BucketPage, token, sort: FirstExpiringFirst, ct: ct);
            var loaded = await buckets.LoadManyAsync(orgcode, page.Items.Where(b => b.BucketGuid != except).Select(b => b.BucketGuid).ToList(), ct);
            foreach (var bucket in page.Items.Where(b => loaded.ContainsKey(b.BucketGuid)).Select(b => loaded[b.BucketGuid]))
            {
                if (bucket.Record.CustomerGuid == customerGuid && bucket.Record.Remaining > 0)
                {
                    open.Add(bucket);
                    found += bucket.Record.Remaining;
                }
            }
            token = page.NextToken;
        }
        while (found < points && token is not null);
        var takes = LoyaltyRules.Take(open.Select(b => b.Record), points);
        if (takes is null)
        {
            logger.LogDebug("Buckets of {CustomerGuid} in {Orgcode} hold {Found} of {Points}; reading again", customerGuid, orgcode, found, points);
            return new Debit(null, account, [], null);
        }
        batch ??= new RecordBatch();
        var byGuid = open.ToDictionary(b => b.Record.BucketGuid, StringComparer.Ordinal);
        foreach (var take in takes)
        {
            var bucket = byGuid[take.BucketGuid];
            buckets.Update(batch, orgcode, bucket, bucket.Record with { Remaining = bucket.Record.Remaining - take.Points });
        }
        return new Debit(batch, account, takes, null);
    }

    /// <summary>
    /// One change under the customer's in-process gate: a repeat of its reference answers the first entry; an attempt
    /// that lost a race (null) is read and decided again after a short jittered pause, up to <see cref="MaxAttempts"/>.
    /// </summary>
    private async Task<LedgerResult> RunAsync(string orgcode, string customerGuid, string? idempotency, Func<CancellationToken, Task<LedgerResult?>> attempt,
        CancellationToken ct)
    {
        using var held = await gate.AcquireAsync(orgcode, customerGuid, ct);
        for (var n = 1; n <= MaxAttempts; n++)
        {
            if (idempotency is not null && await entries.FindAsync(orgcode, "reference", idempotency, ct) is { } first)
            {
                return new LedgerResult(first.Record, await AccountAsync(orgcode, first.Record.CustomerGuid, ct), true, null);
            }
            if (await attempt(ct) is { } done)
            {
                return done;
            }
            if (n < MaxAttempts)
            {
                // Real time, not the clock: a pause between attempts, not a business time.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(2, 10 + (10 * n))), ct);
            }
        }
        logger.LogWarning("Loyalty change for {CustomerGuid} in {Orgcode} kept conflicting; gave up after {Attempts} attempts", customerGuid, orgcode,
            MaxAttempts);
        return LedgerResult.Refused(CrmProblems.LoyaltyContended());
    }

    /// <summary>
    /// Commits the entry with its event and the account; null when another writer won (read again). An account a merge
    /// closed after the customer was read takes nothing more: 409 <c>customer_merged</c>.
    /// </summary>
    private async Task<LedgerResult?> CommitAsync(RecordBatch batch, string orgcode, Loaded<LoyaltyAccount>? current, LoyaltyAccount next,
        LoyaltyEntry entry, CancellationToken ct)
    {
        if (current?.Record is { Status: LoyaltyAccountStatus.Merged } gone)
        {
            return LedgerResult.Refused(CrmProblems.CustomerMerged(gone.CustomerGuid, gone.MergedInto ?? ""));
        }
        var account = current is null ? accounts.Create(batch, orgcode, next) : accounts.Update(batch, orgcode, current, next);
        var created = entries.Create(batch, orgcode, entry, [Event(orgcode, entry)]);
        var write = await batch.CommitAsync(ct);
        return write.Succeeded ? new LedgerResult(created, account, false, null) : null;
    }

    private LoyaltyEntry NewEntry(string customerGuid, LoyaltyEntryKind kind, long points, long balanceAfter, string actor, LoyaltyPolicy policy) => new()
    {
        EntryGuid = Guid.CreateVersion7(clock.GetUtcNow()).ToString(),
        CustomerGuid = customerGuid,
        Kind = kind,
        Points = points,
        BalanceAfter = balanceAfter,
        Actor = actor,
        PolicyVersion = policy.Version,
    };

    public static LoyaltyAccount NewAccount(string customerGuid) => new() { CustomerGuid = customerGuid };

    public static DomainEvent Event(string orgcode, LoyaltyEntry entry) =>
        new(EventTypeOf(entry.Kind), new LoyaltyChanged(orgcode, entry.EntryGuid, entry.CustomerGuid, entry.Kind, entry.Points, entry.BalanceAfter,
            entry.Reference, entry.OfReference, entry.PolicyVersion, entry.AmountMinor, entry.Currency, entry.Tier), $"loyalty_account/{entry.CustomerGuid}");

    private static string EventTypeOf(LoyaltyEntryKind kind) => kind switch
    {
        LoyaltyEntryKind.Earn => CrmEvents.LoyaltyEarned,
        LoyaltyEntryKind.Redeem => CrmEvents.LoyaltyRedeemed,
        LoyaltyEntryKind.Adjust => CrmEvents.LoyaltyAdjusted,
        LoyaltyEntryKind.Reverse => CrmEvents.LoyaltyReversed,
        LoyaltyEntryKind.Restore => CrmEvents.LoyaltyRestored,
        LoyaltyEntryKind.Expire => CrmEvents.LoyaltyExpired,
        _ => CrmEvents.LoyaltyAdjusted,
    };
}
