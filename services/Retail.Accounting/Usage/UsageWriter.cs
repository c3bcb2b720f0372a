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
/// batch spanning orgs is still one transaction. A batch that loses a race (a recompute changed a rollup, another process
/// stored one of its events) is read and decided again as a whole; after <see cref="UsageWriterOptions.Attempts"/> it fails,
/// and so do its writers (a delivery is then redelivered).
/// </summary>
public sealed class UsageWriter(IServiceScopeFactory scopes, IOrgTimeZones zones, IOptions<UsageWriterOptions> options, ILogger<UsageWriter> logger)
    : BackgroundService
{
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly UsageWriterOptions _options = options.Value;
    private long _batches;
    private long _events;

    /// <summary>Batches committed and the events they held, since start (for the benchmark's notes and logs).</summary>
    public (long Batches, long Events) Committed => (Interlocked.Read(ref _batches), Interlocked.Read(ref _events));

    public Task<UsageWritten> WriteAsync(IReadOnlyList<UsageIngest> events, CancellationToken ct)
    {
        if (events.Count == 0)
        {
            return Task.FromResult(new UsageWritten(0, 0));
        }
        var pending = new Pending(events);
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new InvalidOperationException("The usage writer is stopping.");
        }
        return pending.Done.Task.WaitAsync(ct);
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
            var results = await WriteBatchAsync(batch).ConfigureAwait(false);
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

    private async Task<UsageWritten[]> WriteBatchAsync(List<Pending> batch)
    {
        // Days first (once per org, cached): they do not change between attempts.
        var days = new Dictionary<(string Org, string Id), string>();
        var zoneOf = new Dictionary<string, TimeZoneInfo>(StringComparer.Ordinal);
        foreach (var e in batch.SelectMany(p => p.Events))
        {
            if (!zoneOf.TryGetValue(e.Orgcode, out var zone))
            {
                zone = zoneOf[e.Orgcode] = await zones.OfAsync(e.Orgcode, CancellationToken.None).ConfigureAwait(false);
            }
            days.TryAdd((e.Orgcode, e.EventId), UsageRules.DayOf(e.At, zone));
        }

        for (var attempt = 1; ; attempt++)
        {
            await using var scope = scopes.CreateAsyncScope();
            var records = scope.ServiceProvider.GetRequiredService<RecordStore<UsageRecord>>();
            var rollups = scope.ServiceProvider.GetRequiredService<RecordStore<UsageRollup>>();

            var stored = new HashSet<(string Org, string Id)>();
            foreach (var org in batch.SelectMany(p => p.Events).GroupBy(e => e.Orgcode, StringComparer.Ordinal))
            {
                var found = await records.LoadManyAsync(org.Key, org.Select(e => e.EventId).ToHashSet(StringComparer.Ordinal)).ConfigureAwait(false);
                stored.UnionWith(found.Keys.Select(id => (org.Key, id)));
            }

            var results = new UsageWritten[batch.Count];
            var fresh = new List<(string Org, UsageRecord Record)>();
            for (var i = 0; i < batch.Count; i++)
            {
                int recorded = 0, duplicates = 0;
                foreach (var e in batch[i].Events)
                {
                    // `stored` also takes this batch's own new events, so an id twice in a batch is stored once.
                    if (stored.Add((e.Orgcode, e.EventId)))
                    {
                        fresh.Add((e.Orgcode, UsageRules.RecordOf(e, days[(e.Orgcode, e.EventId)])));
                        recorded++;
                    }
                    else
                    {
                        duplicates++;
                    }
                }
                results[i] = new UsageWritten(recorded, duplicates);
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
            foreach (var org in fresh.GroupBy(f => f.Org, StringComparer.Ordinal))
            {
                var byKey = org.Select(f => f.Record).GroupBy(UsageRules.RollupKeyOf, StringComparer.Ordinal).ToList();
                var current = await rollups.LoadManyAsync(org.Key, byKey.Select(g => g.Key).ToList()).ConfigureAwait(false);
                foreach (var group in byKey)
                {
                    if (current.TryGetValue(group.Key, out var loaded))
                    {
                        rollups.Update(write, org.Key, loaded, UsageRules.Add(loaded.Record, group));
                    }
                    else
                    {
                        rollups.Create(write, org.Key, UsageRules.Add(UsageRules.EmptyFor(group.First()), group));
                    }
                }
            }
            var outcome = await write.CommitAsync().ConfigureAwait(false);
            if (outcome.Succeeded)
            {
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

    private sealed class Pending(IReadOnlyList<UsageIngest> events)
    {
        public IReadOnlyList<UsageIngest> Events { get; } = events;

        public TaskCompletionSource<UsageWritten> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

/// <summary>The batch holding a write was not stored (it kept losing races, or the store failed): nothing of it was written.</summary>
public sealed class UsageWriteFailedException(string message, Exception? inner = null) : Exception(message, inner);
