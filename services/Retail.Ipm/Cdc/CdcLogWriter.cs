using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Retail.Ipm.Cdc;

/// <summary>One change as the <c>cdc</c> topic delivered it, to append to its org's log.</summary>
public sealed record CdcChange(string Orgcode, string App, string Entity, string RecordKey, long Revision, string Op, DateTimeOffset ChangedAt,
    string? MessageId, JsonElement Data);

/// <summary>What one append did: appended, or found already in the log (a redelivery).</summary>
public sealed record CdcAppended(int Appended, int Duplicates);

/// <summary>
/// Group commit of the CDC log (one per process, the only writer of sequences): deliveries enqueue their change and await
/// the commit of the batch that holds it. A batch is ONE <see cref="RecordBatch"/>: per org, the changes its log does not
/// hold yet (by change identity; a redelivery, in the batch or before it, is skipped) become entries numbered after the
/// org's counter, which is updated (ETag-checked) in the same transaction, with the heads of the records they change past
/// their first revision (<see cref="CdcHead"/>). A
/// reader therefore sees an org's entries only with the counter that covers them, and a sequence smaller than one it has
/// read never appears later. Within a batch, the changes of one record are numbered in revision order; a change older
/// than a revision already logged is still appended (at least once) but marked <see cref="CdcEntry.Superseded"/>.
/// A batch that loses a race (another process appended, retention moved the counter) is read and decided again.
/// </summary>
public sealed class CdcLogWriter(IServiceScopeFactory scopes, TimeProvider clock, IOptions<CdcOptions> options, ILogger<CdcLogWriter> logger)
    : BackgroundService
{
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });

    public Task<CdcAppended> AppendAsync(CdcChange change, CancellationToken ct)
    {
        var pending = new Pending(change);
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new InvalidOperationException("The CDC log writer is stopping.");
        }
        return pending.Done.Task.WaitAsync(ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Pending>();
        var max = options.Value.MaxBatch;
        while (await _queue.Reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
        {
            while (batch.Count < max && _queue.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }
            if (batch.Count < max && options.Value.Window > TimeSpan.Zero)
            {
                using var window = new CancellationTokenSource(options.Value.Window);
                try
                {
                    while (batch.Count < max && await _queue.Reader.WaitToReadAsync(window.Token).ConfigureAwait(false))
                    {
                        while (batch.Count < max && _queue.Reader.TryRead(out var more))
                        {
                            batch.Add(more);
                        }
                    }
                }
                catch (OperationCanceledException) when (window.IsCancellationRequested)
                {
                    // the window closed: commit what came
                }
            }
            await CommitAsync(batch).ConfigureAwait(false);
            batch.Clear();
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
    }

    private async Task CommitAsync(List<Pending> batch)
    {
        try
        {
            var results = await WriteBatchAsync(batch).ConfigureAwait(false);
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Done.TrySetResult(results[i]);
            }
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "A CDC log batch of {Changes} changes could not be stored; they are redelivered", batch.Count);
            foreach (var pending in batch)
            {
                pending.Done.TrySetException(ex);
            }
        }
    }

    private async Task<CdcAppended[]> WriteBatchAsync(List<Pending> batch)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var scope = scopes.CreateAsyncScope();
            var entries = scope.ServiceProvider.GetRequiredService<RecordStore<CdcEntry>>();
            var logs = scope.ServiceProvider.GetRequiredService<RecordStore<CdcLog>>();
            var heads = scope.ServiceProvider.GetRequiredService<RecordStore<CdcHead>>();
            var results = new CdcAppended[batch.Count];
            var write = new RecordBatch();
            var any = false;
            var now = clock.GetUtcNow();

            foreach (var org in batch.Select((p, i) => (p.Change, Index: i)).GroupBy(c => c.Change.Orgcode, StringComparer.Ordinal))
            {
                var ids = org.ToDictionary(c => c.Index, c => CdcEntry.ChangeIdOf(c.Change.App, c.Change.Entity, c.Change.RecordKey, c.Change.Revision));
                var stored = (await entries.LoadManyAsync(org.Key, ids.Values.ToHashSet(StringComparer.Ordinal)).ConfigureAwait(false)).Keys
                    .ToHashSet(StringComparer.Ordinal);
                var fresh = new List<(CdcChange Change, string Id, string Ref, int Index)>();
                foreach (var (change, index) in org)
                {
                    var id = ids[index];
                    // `stored` also takes this batch's own changes, so a message twice in a batch is appended once.
                    var added = stored.Add(id);
                    results[index] = new CdcAppended(added ? 1 : 0, added ? 0 : 1);
                    if (added)
                    {
                        fresh.Add((change, id, CdcEntry.RecordRefOf(change.App, change.Entity, change.RecordKey), index));
                    }
                }
                if (fresh.Count == 0)
                {
                    continue;
                }
                any = true;
                // Arrival order, except that the changes of one record follow its revisions.
                var firstSeen = new Dictionary<string, int>(StringComparer.Ordinal);
                foreach (var f in fresh)
                {
                    firstSeen.TryAdd(f.Ref, f.Index);
                }
                var ordered = fresh.OrderBy(f => firstSeen[f.Ref]).ThenBy(f => f.Change.Revision).ToList();

                var log = await logs.GetAsync(org.Key, CdcLog.TheKey).ConfigureAwait(false);
                var current = await heads.LoadManyAsync(org.Key, ordered.Select(f => f.Ref).ToHashSet(StringComparer.Ordinal)).ConfigureAwait(false);
                var latest = current.ToDictionary(h => h.Key, h => h.Value.Record.LatestRevision, StringComparer.Ordinal);
                var sequence = log?.Record.LastSequence ?? 0;
                foreach (var (change, id, recordRef, _) in ordered)
                {
                    var superseded = latest.TryGetValue(recordRef, out var newest) && newest > change.Revision;
                    entries.Create(write, org.Key, new CdcEntry
                    {
                        ChangeId = id,
                        Sequence = ++sequence,
                        EntityType = $"{change.App}.{change.Entity}",
                        App = change.App,
                        Entity = change.Entity,
                        RecordKey = change.RecordKey,
                        RecordRevision = change.Revision,
                        Op = change.Op,
                        MessageId = change.MessageId,
                        ChangedAt = change.ChangedAt,
                        LoggedAt = now,
                        Superseded = superseded,
                        Data = change.Data,
                    });
                    if (!superseded)
                    {
                        latest[recordRef] = change.Revision;
                    }
                }
                foreach (var recordRef in ordered.Select(f => f.Ref).Distinct(StringComparer.Ordinal))
                {
                    var revision = latest[recordRef];
                    if (current.TryGetValue(recordRef, out var head))
                    {
                        if (head.Record.LatestRevision != revision)
                        {
                            heads.Update(write, org.Key, head, head.Record with { LatestRevision = revision });
                        }
                    }
                    else if (revision > 1)
                    {
                        heads.Create(write, org.Key, new CdcHead { RecordRef = recordRef, LatestRevision = revision });
                    }
                }
                if (log is null)
                {
                    logs.Create(write, org.Key, new CdcLog { LastSequence = sequence });
                }
                else
                {
                    logs.Update(write, org.Key, log, log.Record with { LastSequence = sequence });
                }
            }
            if (!any)
            {
                return results;
            }
            var outcome = await write.CommitAsync().ConfigureAwait(false);
            if (outcome.Succeeded)
            {
                return results;
            }
            if (attempt >= options.Value.Attempts)
            {
                throw new InvalidOperationException($"A CDC log batch lost {attempt} races in a row ({outcome.Outcome} on {outcome.Entity}).");
            }
            logger.LogDebug("A CDC log batch lost a race ({Outcome} on {Entity}); deciding it again", outcome.Outcome, outcome.Entity);
        }
    }

    private sealed class Pending(CdcChange change)
    {
        public CdcChange Change { get; } = change;

        public TaskCompletionSource<CdcAppended> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
