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
/// A batch is first committed optimistically: without reading which changes the log holds (each entry is created only if its
/// key is absent, so a redelivered change fails the commit) and with the counter and heads the writer's last commit left
/// (read only the first time); a batch that fails that way, or loses a race (another process appended, retention moved
/// the counter), is read and decided again.
/// </summary>
public sealed class CdcLogWriter(IServiceScopeFactory scopes, TimeProvider clock, IOptions<CdcOptions> options, ILogger<CdcLogWriter> logger)
    : BackgroundService
{
    /// <summary>Heads the writer keeps the last committed copy of; past this many it forgets them all (they are read again).</summary>
    private const int MaxKnownHeads = 50_000;

    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });

    // Touched only by the one commit loop.
    private readonly Dictionary<string, Loaded<CdcLog>> _knownLogs = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Org, string Ref), Loaded<CdcHead>> _knownHeads = [];

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
        // Optimistic first, unless the batch holds one change twice (only the careful path appends it once).
        var optimistic = batch.Select(p => (p.Change.Orgcode, p.Change.App, p.Change.Entity, p.Change.RecordKey, p.Change.Revision)).Distinct().Count() == batch.Count;
        for (var attempt = 1; ; attempt++)
        {
            var careful = !optimistic || attempt > 1;
            await using var scope = scopes.CreateAsyncScope();
            var entries = scope.ServiceProvider.GetRequiredService<RecordStore<CdcEntry>>();
            var logs = scope.ServiceProvider.GetRequiredService<RecordStore<CdcLog>>();
            var heads = scope.ServiceProvider.GetRequiredService<RecordStore<CdcHead>>();
            var results = new CdcAppended[batch.Count];
            var write = new RecordBatch();
            var staged = new List<Staged>();
            var now = clock.GetUtcNow();

            foreach (var org in batch.Select((p, i) => (p.Change, Index: i)).GroupBy(c => c.Change.Orgcode, StringComparer.Ordinal))
            {
                var ids = org.ToDictionary(c => c.Index, c => CdcEntry.ChangeIdOf(c.Change.App, c.Change.Entity, c.Change.RecordKey, c.Change.Revision));
                // Careful: which changes the log holds already, read. Optimistic: none, and every entry is created only if its key
                // is absent, so a redelivered change fails the commit and the batch is decided again, carefully.
                var stored = careful
                    ? (await entries.LoadManyAsync(org.Key, ids.Values.ToHashSet(StringComparer.Ordinal)).ConfigureAwait(false)).Keys.ToHashSet(StringComparer.Ordinal)
                    : new HashSet<string>(StringComparer.Ordinal);
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
                // Arrival order, except that the changes of one record follow its revisions.
                var firstSeen = new Dictionary<string, int>(StringComparer.Ordinal);
                foreach (var f in fresh)
                {
                    firstSeen.TryAdd(f.Ref, f.Index);
                }
                var ordered = fresh.OrderBy(f => firstSeen[f.Ref]).ThenBy(f => f.Change.Revision).ToList();

                var log = !careful && _knownLogs.TryGetValue(org.Key, out var knownLog)
                    ? knownLog
                    : await logs.GetAsync(org.Key, CdcLog.TheKey).ConfigureAwait(false);
                var current = await HeadsAsync(heads, org.Key, ordered.Select(f => f.Ref).ToHashSet(StringComparer.Ordinal), useKnown: !careful).ConfigureAwait(false);
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
                var stagedHeads = new List<(CdcHead Head, Loaded<CdcHead>? Unchanged)>();
                foreach (var recordRef in ordered.Select(f => f.Ref).Distinct(StringComparer.Ordinal))
                {
                    var revision = latest[recordRef];
                    if (current.TryGetValue(recordRef, out var head))
                    {
                        stagedHeads.Add(head.Record.LatestRevision != revision
                            ? (heads.Update(write, org.Key, head, head.Record with { LatestRevision = revision }), null)
                            : (head.Record, head));
                    }
                    else if (revision > 1)
                    {
                        stagedHeads.Add((heads.Create(write, org.Key, new CdcHead { RecordRef = recordRef, LatestRevision = revision }), null));
                    }
                }
                var nextLog = log is null
                    ? logs.Create(write, org.Key, new CdcLog { LastSequence = sequence })
                    : logs.Update(write, org.Key, log, log.Record with { LastSequence = sequence });
                staged.Add(new Staged(org.Key, nextLog, stagedHeads, ordered.Select(f => f.Ref).Distinct(StringComparer.Ordinal).ToList()));
            }
            if (staged.Count == 0)
            {
                return results;
            }
            var outcome = await write.CommitAsync().ConfigureAwait(false);
            if (outcome.Succeeded)
            {
                Remember(write, logs, heads, staged);
                return results;
            }
            Forget(staged);
            if (attempt >= options.Value.Attempts)
            {
                throw new InvalidOperationException($"A CDC log batch lost {attempt} races in a row ({outcome.Outcome} on {outcome.Entity}).");
            }
            logger.LogDebug("A CDC log batch's commit failed ({Outcome} on {Entity}); deciding it again from the store", outcome.Outcome, outcome.Entity);
        }
    }

    /// <summary>The heads of <paramref name="refs"/> that exist: from the last commit's copies when asked and known, else as read.</summary>
    private async Task<Dictionary<string, Loaded<CdcHead>>> HeadsAsync(RecordStore<CdcHead> heads, string orgcode, HashSet<string> refs, bool useKnown)
    {
        var current = new Dictionary<string, Loaded<CdcHead>>(StringComparer.Ordinal);
        var unknown = new HashSet<string>(StringComparer.Ordinal);
        foreach (var recordRef in refs)
        {
            if (useKnown && _knownHeads.TryGetValue((orgcode, recordRef), out var known))
            {
                current[recordRef] = known;
            }
            else
            {
                unknown.Add(recordRef);
            }
        }
        if (unknown.Count > 0)
        {
            foreach (var (key, loaded) in await heads.LoadManyAsync(orgcode, unknown).ConfigureAwait(false))
            {
                current[key] = loaded;
            }
        }
        return current;
    }

    /// <summary>
    /// Keeps each org's counter and the heads the batch read or wrote as committed, the bases of the next batch. A copy is
    /// only ever used with its org's counter: every append updates the counter ETag-checked in the same transaction, so a
    /// change by anyone else (another process appending, retention, a purge) fails that commit and the batch is read again.
    /// </summary>
    private void Remember(RecordBatch committed, RecordStore<CdcLog> logs, RecordStore<CdcHead> heads, List<Staged> staged)
    {
        if (_knownHeads.Count + staged.Sum(s => s.Heads.Count) > MaxKnownHeads)
        {
            _knownHeads.Clear();
        }
        foreach (var org in staged)
        {
            if (logs.AsCommitted(committed, org.Orgcode, org.Log) is { } log)
            {
                _knownLogs[org.Orgcode] = log;
            }
            else
            {
                _knownLogs.Remove(org.Orgcode);
            }
            foreach (var (head, unchanged) in org.Heads)
            {
                if ((unchanged ?? heads.AsCommitted(committed, org.Orgcode, head)) is { } loaded)
                {
                    _knownHeads[(org.Orgcode, head.RecordRef)] = loaded;
                }
                else
                {
                    _knownHeads.Remove((org.Orgcode, head.RecordRef));
                }
            }
        }
    }

    /// <summary>After a failed commit nothing of the batch's orgs is trusted: the next attempt reads it.</summary>
    private void Forget(List<Staged> staged)
    {
        foreach (var org in staged)
        {
            _knownLogs.Remove(org.Orgcode);
            foreach (var recordRef in org.Refs)
            {
                _knownHeads.Remove((org.Orgcode, recordRef));
            }
        }
    }

    /// <summary>One org's part of a batch: its counter as staged, its heads as staged (or read and left), the records it names.</summary>
    private sealed record Staged(string Orgcode, CdcLog Log, List<(CdcHead Head, Loaded<CdcHead>? Unchanged)> Heads, List<string> Refs);

    private sealed class Pending(CdcChange change)
    {
        public CdcChange Change { get; } = change;

        public TaskCompletionSource<CdcAppended> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
