using Microsoft.Extensions.Logging;

namespace Retail.Accounting.Usage;

/// <summary>
/// Whole days of an org's usage: the reconcile report (records against rollups) and the recompute that rebuilds a day's
/// rollups from its records. Both read the day's records page by page through the day index; that is their job, not a list.
/// </summary>
public sealed class UsageDays(RecordStore<UsageRecord> records, RecordStore<UsageRollup> rollups, ILogger<UsageDays> logger)
{
    private const int Page = Paging.MaxLimit;

    public async Task<ReconcileReport> ReconcileAsync(string orgcode, string from, string to, CancellationToken ct)
    {
        var stored = await AllAsync(rollups, orgcode, UsageApi.Filters(from, to, null, null), ct);
        var fromRecords = UsageRules.RollupsOf(await AllAsync(records, orgcode, UsageApi.Filters(from, to, null, null), ct, UsageApi.Order(null, null)));
        var mismatches = UsageRules.Compare(fromRecords, stored);
        return new ReconcileReport(orgcode, from, to, fromRecords.Values.Sum(r => r.Count), stored.Sum(r => r.Count),
            fromRecords.Keys.Union(stored.Select(r => r.RollupKey)).Count(), mismatches);
    }

    /// <summary>
    /// Rebuilds <paramref name="day"/>'s rollups: the stored ones are read (with their ETags) before the records, so a usage
    /// batch committed in between makes the write conflict and the rebuild start again; only rollups that differ are
    /// written, all in one transaction with <c>usage.rollup_recomputed</c>. Null after five lost races.
    /// </summary>
    public async Task<RecomputeResult?> RecomputeAsync(string orgcode, string day, CancellationToken ct)
    {
        var dayFilter = new List<StateFilter> { StateFilter.Eq("day", day) };
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var keys = (await AllAsync(rollups, orgcode, dayFilter, ct)).Select(r => r.RollupKey).ToList();
            var current = await rollups.LoadManyAsync(orgcode, keys, ct);
            var dayRecords = await AllAsync(records, orgcode, dayFilter, ct, UsageApi.Order(null, null));
            var rebuilt = UsageRules.RollupsOf(dayRecords);

            var batch = new RecordBatch();
            var changed = new List<UsageRollup>();
            var result = new List<UsageRollup>();
            IEnumerable<DomainEvent>? Event() => changed.Count > 0 ? null
                : [new DomainEvent(AccountingEvents.RollupRecomputed, new RollupRecomputed(orgcode, day, rebuilt.Count, dayRecords.Count), $"usage_rollup/{orgcode}/{day}")];
            foreach (var (key, loaded) in current.OrderBy(c => c.Key, StringComparer.Ordinal))
            {
                var next = rebuilt.TryGetValue(key, out var r) ? r : loaded.Record with { Count = 0, Bytes = 0, DurationMs = 0, ErrorCount = 0 };
                if (Same(loaded.Record, next))
                {
                    result.Add(loaded.Record);
                    continue;
                }
                var written = rollups.Update(batch, orgcode, loaded, next, events: Event());
                changed.Add(written);
                result.Add(written);
            }
            foreach (var (key, next) in rebuilt.Where(r => !current.ContainsKey(r.Key)).OrderBy(r => r.Key, StringComparer.Ordinal))
            {
                var written = rollups.Create(batch, orgcode, next, Event());
                changed.Add(written);
                result.Add(written);
            }
            if ((await batch.CommitAsync(ct)).Succeeded)
            {
                if (changed.Count > 0)
                {
                    logger.LogInformation("Rollups of {Orgcode} on {Day} recomputed: {Changed} of {Rollups} changed", orgcode, day, changed.Count, result.Count);
                }
                return new RecomputeResult(orgcode, day, result.Count, dayRecords.Count, result.OrderBy(r => r.RollupKey, StringComparer.Ordinal).ToList());
            }
        }
        return null;
    }

    private static bool Same(UsageRollup a, UsageRollup b) =>
        a.Count == b.Count && a.Bytes == b.Bytes && a.ErrorCount == b.ErrorCount && Math.Abs(a.DurationMs - b.DurationMs) < 1e-6;

    private static async Task<List<T>> AllAsync<T>(RecordStore<T> store, string orgcode, IReadOnlyList<StateFilter> filters, CancellationToken ct,
        IReadOnlyList<StateSort>? order = null)
        where T : Record
    {
        var all = new List<T>();
        string? token = null;
        do
        {
            var page = await store.ListAsync(orgcode, filters, Page, token, sort: order, ct: ct);
            all.AddRange(page.Items);
            token = page.NextToken;
        }
        while (token is not null);
        return all;
    }
}
