using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Retail.Shared.Hosting;

namespace Retail.Ipm.Cdc;

/// <summary>
/// Retention of the CDC log: entries logged before now − <see cref="CdcOptions.Retention"/>, found across orgs by their
/// logged time, deleted in bounded batches. Per org the counter's <see cref="CdcLog.RetainedFrom"/> moves past them first
/// (ETag-checked, racing the writer like any change), then they are deleted: a pass stopped between the two leaves entries
/// the feed no longer shows (it reads from <c>retained_from</c>) and the next pass deletes. Entries are appended in
/// logged-time order per org, so sweeping by time sweeps a prefix of each org's sequence.
/// </summary>
public sealed class CdcRetentionSweeper(IServiceProvider services, TimeProvider clock, IOptions<CdcOptions> options, ILogger<CdcRetentionSweeper> logger)
    : PeriodicSweep(clock, logger)
{
    protected override TimeSpan Interval => options.Value.SweepInterval;

    protected override string Name => "CDC log retention";

    protected override Task PassAsync(CancellationToken ct) => SweepAsync(Clock.GetUtcNow() - options.Value.Retention, ct);

    /// <summary>Deletes every entry logged before <paramref name="cutoff"/>, batch by batch. Answers how many.</summary>
    public async Task<int> SweepAsync(DateTimeOffset cutoff, CancellationToken ct)
    {
        var swept = 0;
        while (true)
        {
            var batch = await SweepBatchAsync(cutoff, ct);
            swept += batch;
            if (batch < options.Value.SweepBatch)
            {
                return swept;
            }
        }
    }

    private async Task<int> SweepBatchAsync(DateTimeOffset cutoff, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var entries = scope.ServiceProvider.GetRequiredService<RecordStore<CdcEntry>>();
        var logs = scope.ServiceProvider.GetRequiredService<RecordStore<CdcLog>>();
        var store = scope.ServiceProvider.GetRequiredKeyedService<IStateStore>(StateStoreKeys.Records(IpmModule.Id));
        var due = await entries.ListAcrossOrgsAsync([StateFilter.Below("logged_ms", cutoff.ToUnixTimeMilliseconds())], options.Value.SweepBatch, ct: ct);
        foreach (var org in due.Items.GroupBy(i => i.Orgcode, StringComparer.Ordinal))
        {
            var through = org.Max(i => i.Record.Sequence);
            for (var attempt = 0; ; attempt++)
            {
                var log = await logs.GetAsync(org.Key, CdcLog.TheKey, ct: ct);
                if (log is null || log.Record.RetainedFrom > through)
                {
                    break;
                }
                if ((await logs.UpdateAsync(org.Key, log, log.Record with { RetainedFrom = through + 1 }, "retained", ct: ct)).Succeeded)
                {
                    break;
                }
                if (attempt >= 5)
                {
                    throw new InvalidOperationException($"The CDC log of {org.Key} kept changing while retention moved past {through}.");
                }
            }
            // An entry is written once (revision 1): its record and its one history entry are all there is of it.
            var delete = new StateTransaction();
            foreach (var (_, entry) in org)
            {
                delete.Delete(RecordKeys.Record(CdcEntry.Type.Entity, org.Key, entry.Key), etag: null);
                delete.Delete(RecordKeys.History(CdcEntry.Type.Entity, org.Key, entry.Key, entry.Revision), etag: null);
            }
            var commit = await store.TransactAsync(delete, ct);
            if (!commit.Committed)
            {
                throw new InvalidOperationException($"Deleting swept CDC entries of {org.Key} did not commit ({commit.ConflictKey}).");
            }
            logger.LogDebug("CDC retention swept {Count} entries of {Orgcode} through sequence {Through}", org.Count(), org.Key, through);
        }
        return due.Items.Count;
    }
}
