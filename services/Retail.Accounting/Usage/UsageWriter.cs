using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Retail.Accounting.Usage;

/// <summary>How the usage writer groups commits.</summary>
public sealed class UsageWriterOptions
{
    /// <summary>A batch closes at this many events (whole writes are never split, so one may hold a little more).</summary>
    public int MaxEvents { get; set; } = 2000;

    /// <summary>How long a batch that is not full waits for more writes before it commits.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMilliseconds(2);

    /// <summary>Attempts of a batch that loses a race (a rollup changed, an event stored by another writer) before it fails.</summary>
    public int Attempts { get; set; } = 6;
}

/// <summary>
/// Group commit of usage (one per process): concurrent writers (topic deliveries, <c>/event/record</c>) enqueue their events
/// and await the commit of the batch that holds them. A batch is ONE <see cref="RecordBatch"/>: every event whose id its org
/// does not hold yet becomes a <see cref="UsageRecord"/> (a redelivery, in the batch or before it, is skipped), and every
/// rollup it touches is created or updated (ETag-checked) with it. Orgs are key prefixes of Accounting's one store, so a
/// batch spanning orgs is still one transaction.
/// <para>
/// The commit loop is the ingest's one serial step, so it does as little as it can. Each writer stages its own records on
/// its own thread (days, records, their serialization) before it queues them. The loop then commits them optimistically:
/// a usage record is created only if its key is absent (a redelivered event makes the commit fail, so no pre-read of
/// every id is needed), and each rollup is updated from the copy and ETag the loop's last commit left it with (read from
/// the store only the first time a rollup is touched). A batch whose optimistic commit fails (a redelivery, a recompute
/// that changed a rollup, another process) is read and decided again as a whole, as before; after
/// <see cref="UsageWriterOptions.Attempts"/> it fails, and so do its writers (a delivery is then redelivered).
/// </para>
/// </summary>
public sealed class UsageWriter(IServiceScopeFactory scopes, IOrgTimeZones zones, IOptions<UsageWriterOptions> options, ILogger<UsageWriter> logger)
    : BackgroundService
{
    /// <summary>Rollups the loop keeps the last committed copy of; past this many it forgets them all (they are re-read).</summary>
    private const int MaxKnownRollups = 50_000;

    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly UsageWriterOptions _options = options.Value;
    private readonly Dictionary<(string Org, string Key), Loaded<UsageRollup>> _known = [];
    private long _batches;
    private long _events;

    /// <summary>Batches committed and the events they held, since start (for the benchmark's notes and logs).</summary>
    public (long Batches, long Events) Committed => (Interlocked.Read(ref _batches), Interlocked.Read(ref _events));

    public async Task<UsageWritten> WriteAsync(IReadOnlyList<UsageIngest> events, CancellationToken ct)
    {
        if (events.Count == 0)
        {
            return new UsageWritten(0, 0);
        }
        var pending = await StageAsync(events, ct).ConfigureAwait(false);
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new InvalidOperationException("The usage writer is stopping.");
        }
        return await pending.Done.Task.WaitAsync(ct).ConfigureAwait(false);
    }

    /// <summary>On the writer's own thread: the days, the records (once per id) and their staged creates.</summary>
    private async Task<Pending> StageAsync(IReadOnlyList<UsageIngest> events, CancellationToken ct)
    {
        var zoneOf = new Dictionary<string, TimeZoneInfo>(StringComparer.Ordinal);
        var seen = new HashSet<(string Org, string Id)>();
        var fresh = new List<(string Org, UsageRecord Record)>(events.Count);
        foreach (var e in events)
        {
            if (!seen.Add((e.Orgcode, e.EventId)))
            {
                continue;
            }
            if (!zoneOf.TryGetValue(e.Orgcode, out var zone))
            {
                zone = zoneOf[e.Orgcode] = await zones.OfAsync(e.Orgcode, ct).ConfigureAwait(false);
            }
            fresh.Add((e.Orgcode, UsageRules.RecordOf(e, UsageRules.DayOf(e.At, zone))));
        }
        await using var scope = scopes.CreateAsyncScope();
        var records = scope.ServiceProvider.GetRequiredService<RecordStore<UsageRecord>>();
        var staged = new RecordBatch();
        foreach (var (org, record) in fresh)
        {
            records.Create(staged, org, record);
        }
        return new Pending(events, fresh, staged);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Pending>();
        while (await _queue.Reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
        {
            var count = Drain(batch, 0);
            if (count < _options.MaxEvents && _options.Window > TimeSpan.Zero)
            {
                using var window = new CancellationTokenSource(_options.Window);
                try
                {
                    while (count < _options.MaxEvents && await _queue.Reader.WaitToReadAsync(window.Token).ConfigureAwait(false))
                    {
                        count = Drain(batch, count);
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

    private int Drain(List<Pending> batch, int count)
    {
        while (count < _options.MaxEvents && _queue.Reader.TryRead(out var pending))
        {
            batch.Add(pending);
            count += pending.Events.Count;
        }
        return count;
    }

    private async Task CommitAsync(List<Pending> batch)
    {
        try
        {
            var results = await WriteOptimisticAsync(batch).ConfigureAwait(false);
            results ??= await WriteBatchAsync(batch).ConfigureAwait(false);
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Done.TrySetResult(results[i]);
            }
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "A usage batch of {Writes} writes could not be stored", batch.Count);
            var failed = ex as UsageWriteFailedException ?? new UsageWriteFailedException("The usage batch could not be stored.", ex);
            foreach (var pending in batch)
            {
                pending.Done.TrySetException(failed);
            }
        }
    }

    /// <summary>
    /// The batch as its writers staged it, every record created only if absent and every rollup updated from the copy the
    /// last commit left: the answers, or null when the store held something else (decide again from the store).
    /// </summary>
    private async Task<UsageWritten[]?> WriteOptimisticAsync(List<Pending> batch)
    {
        var ids = new HashSet<(string Org, string Id)>();
        foreach (var (org, record) in batch.SelectMany(p => p.Fresh))
        {
            if (!ids.Add((org, record.EventId)))
            {
                return null; // the same event from two writers: only the careful path stores it once
            }
        }
        await using var scope = scopes.CreateAsyncScope();
        var rollups = scope.ServiceProvider.GetRequiredService<RecordStore<UsageRollup>>();
        var write = new RecordBatch();
        foreach (var pending in batch)
        {
            write.Append(pending.Staged);
        }
        var staged = await StageRollupsAsync(write, rollups, batch.SelectMany(p => p.Fresh).ToList(), useKnown: true).ConfigureAwait(false);
        var outcome = await write.CommitAsync().ConfigureAwait(false);
        if (!outcome.Succeeded)
        {
            foreach (var (org, rollup) in staged)
            {
                _known.Remove((org, rollup.Key));
            }
            logger.LogDebug("A usage batch's optimistic commit failed ({Outcome} on {Entity}); deciding it from the store", outcome.Outcome, outcome.Entity);
            return null;
        }
        Remember(write, rollups, staged);
        Interlocked.Increment(ref _batches);
        Interlocked.Add(ref _events, ids.Count);
        return batch.Select(p => new UsageWritten(p.Fresh.Count, p.Events.Count - p.Fresh.Count)).ToArray();
    }

    /// <summary>Stages each touched rollup's change (from the last committed copy when asked and known, else as read).</summary>
    private async Task<List<(string Org, UsageRollup Rollup)>> StageRollupsAsync(RecordBatch write, RecordStore<UsageRollup> rollups,
        List<(string Org, UsageRecord Record)> fresh, bool useKnown)
    {
        var staged = new List<(string, UsageRollup)>();
        foreach (var org in fresh.GroupBy(f => f.Org, StringComparer.Ordinal))
        {
            var byKey = org.Select(f => f.Record).GroupBy(UsageRules.RollupKeyOf, StringComparer.Ordinal).ToList();
            var current = new Dictionary<string, Loaded<UsageRollup>>(StringComparer.Ordinal);
            var unknown = new List<string>();
            foreach (var group in byKey)
            {
                if (useKnown && _known.TryGetValue((org.Key, group.Key), out var known))
                {
                    current[group.Key] = known;
                }
                else
                {
                    unknown.Add(group.Key);
                }
            }
            if (unknown.Count > 0)
            {
                foreach (var (key, loaded) in await rollups.LoadManyAsync(org.Key, unknown).ConfigureAwait(false))
                {
                    current[key] = loaded;
                }
            }
            foreach (var group in byKey)
            {
                var next = current.TryGetValue(group.Key, out var loaded)
                    ? rollups.Update(write, org.Key, loaded, UsageRules.Add(loaded.Record, group))
                    : rollups.Create(write, org.Key, UsageRules.Add(UsageRules.EmptyFor(group.First()), group));
                staged.Add((org.Key, next));
            }
        }
        return staged;
    }

    /// <summary>Keeps the committed rollups with their new ETags, the bases of the next batch's changes.</summary>
    private void Remember(RecordBatch committed, RecordStore<UsageRollup> rollups, List<(string Org, UsageRollup Rollup)> staged)
    {
        if (_known.Count + staged.Count > MaxKnownRollups)
        {
            _known.Clear();
        }
        foreach (var (org, rollup) in staged)
        {
            if (rollups.AsCommitted(committed, org, rollup) is { } loaded)
            {
                _known[(org, rollup.Key)] = loaded;
            }
            else
            {
                _known.Remove((org, rollup.Key));
            }
        }
    }

    /// <summary>The careful path: which events the store holds already and every rollup as stored, read before deciding.</summary>
    private async Task<UsageWritten[]> WriteBatchAsync(List<Pending> batch)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var scope = scopes.CreateAsyncScope();
            var records = scope.ServiceProvider.GetRequiredService<RecordStore<UsageRecord>>();
            var rollups = scope.ServiceProvider.GetRequiredService<RecordStore<UsageRollup>>();

            var stored = new HashSet<(string Org, string Id)>();
            foreach (var org in batch.SelectMany(p => p.Fresh).GroupBy(f => f.Org, StringComparer.Ordinal))
            {
                var found = await records.LoadManyAsync(org.Key, org.Select(f => f.Record.EventId).ToHashSet(StringComparer.Ordinal)).ConfigureAwait(false);
                stored.UnionWith(found.Keys.Select(id => (org.Key, id)));
            }

            var results = new UsageWritten[batch.Count];
            var fresh = new List<(string Org, UsageRecord Record)>();
            for (var i = 0; i < batch.Count; i++)
            {
                var recorded = 0;
                foreach (var (org, record) in batch[i].Fresh)
                {
                    // `stored` also takes this batch's own new events, so an id twice in a batch is stored once.
                    if (stored.Add((org, record.EventId)))
                    {
                        fresh.Add((org, record));
                        recorded++;
                    }
                }
                results[i] = new UsageWritten(recorded, batch[i].Events.Count - recorded);
            }
            if (fresh.Count == 0)
            {
                return results;
            }

            var write = new RecordBatch();
            foreach (var (org, record) in fresh)
            {
                records.Create(write, org, record);
            }
            var staged = await StageRollupsAsync(write, rollups, fresh, useKnown: false).ConfigureAwait(false);
            var outcome = await write.CommitAsync().ConfigureAwait(false);
            if (outcome.Succeeded)
            {
                Remember(write, rollups, staged);
                Interlocked.Increment(ref _batches);
                Interlocked.Add(ref _events, fresh.Count);
                return results;
            }
            if (attempt >= _options.Attempts)
            {
                throw new UsageWriteFailedException($"A usage batch lost {attempt} races in a row ({outcome.Outcome} on {outcome.Entity}).");
            }
            logger.LogDebug("A usage batch lost a race ({Outcome} on {Entity}); deciding it again", outcome.Outcome, outcome.Entity);
        }
    }

    /// <summary>A writer's events, the records it staged for the ones new to it (each id once), and their creates.</summary>
    private sealed class Pending(IReadOnlyList<UsageIngest> events, List<(string Org, UsageRecord Record)> fresh, RecordBatch staged)
    {
        public IReadOnlyList<UsageIngest> Events { get; } = events;

        public List<(string Org, UsageRecord Record)> Fresh { get; } = fresh;

        public RecordBatch Staged { get; } = staged;

        public TaskCompletionSource<UsageWritten> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

/// <summary>The batch holding a write was not stored (it kept losing races, or the store failed): nothing of it was written.</summary>
public sealed class UsageWriteFailedException(string message, Exception? inner = null) : Exception(message, inner);
