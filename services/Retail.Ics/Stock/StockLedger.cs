using Microsoft.Extensions.Logging;
using Retail.Shared;

namespace Retail.Ics.Stock;

/// <summary>One change of stock: a quantity of a variant at a facility leaves a state (or enters the facility) for another.</summary>
/// <param name="From">The state it leaves; null when it enters the facility (a receipt, found stock).</param>
/// <param name="To">The state it enters; null when it leaves the facility (shipped, consumed, written off).</param>
/// <param name="FromBin">The bin it is taken from, when the change is also a physical move out of a bin.</param>
/// <param name="ToBin">The bin it is put into.</param>
/// <param name="Reason">This movement's own reason code where it differs from the change's (a transfer receipt's short quantity is a loss).</param>
public sealed record StockMove(string FacilityCode, string VariantGuid, StockState? From, StockState? To, long Quantity,
    string? FromBin = null, string? ToBin = null, string? Reason = null);

/// <summary>Why stock moved: the reason code, what it answers to, a note.</summary>
/// <param name="ChangeGuid">The change's guid when the caller names it in the records it stages (a receipt, an adjustment); else made.</param>
public sealed record MoveReason(string Reason, StockReference? Reference = null, string? Note = null, string? ChangeGuid = null);

/// <summary>A state (or bin) the change would take below zero.</summary>
public sealed record Shortfall(string FacilityCode, string VariantGuid, string State, long Requested, long Available, string? BinCode = null);

/// <summary>One caller's change as the ledger queues it; <see cref="Outcome"/> completes when it is committed or refused.</summary>
internal sealed class StockChange(string orgcode, IReadOnlyList<string> positionKeys, IReadOnlyList<StockMove> moves, MoveReason why,
    Action<RecordBatch, IReadOnlyList<Position>>? stage, string actor)
{
    public string Orgcode { get; } = orgcode;

    public IReadOnlyList<string> PositionKeys { get; } = positionKeys;

    public IReadOnlyList<StockMove> Moves { get; } = moves;

    public MoveReason Why { get; } = why;

    public Action<RecordBatch, IReadOnlyList<Position>>? Stage { get; } = stage;

    public string Actor { get; } = actor;

    public TaskCompletionSource<LedgerResult> Outcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>The outcome of <see cref="StockLedger.ApplyAsync"/>: the positions and movements as committed, or why not.</summary>
public sealed record LedgerResult(ProblemHttpResult? Problem, IReadOnlyList<Position> Positions, IReadOnlyList<Movement> Movements,
    IReadOnlyList<Shortfall> Shortfalls)
{
    public bool Succeeded => Problem is null;
}

/// <summary>
/// The one write path of stock. Every change of a balance is a set of movements committed in ONE transaction with the
/// positions and bin balances they change (ETag-checked), the caller's own records (a reservation, a receipt) and the
/// <c>stock.changed</c> events, so the ledger and the balances can never disagree and nothing is half-applied.
///
/// Concurrency: callers in this process queue on the positions they touch (striped locks taken in one global order, so
/// two changes of overlapping positions never deadlock), which keeps a hot variant from burning retries; the ETags keep
/// it correct across processes (Dapr mode with several replicas), where a conflict re-reads and re-checks.
/// </summary>
public sealed class StockLedger(
    RecordStore<Position> positions,
    RecordStore<BinBalance> bins,
    RecordStore<Facilities.Bin> binRecords,
    RecordStore<Movement> movements,
    RecordStore<FacilityPolicy> policies,
    PositionLocks locks,
    RequestContext context,
    ILogger<StockLedger> logger)
{
    public const int MaxMovesPerChange = 500;
    private const int MaxAttempts = 8;

    /// <summary>
    /// Applies <paramref name="moves"/> all or nothing. A state or bin that would go below zero refuses the whole change
    /// with 409 <c>insufficient_stock</c> naming each shortfall — except <c>available</c> at a facility whose policy allows
    /// it, which then says so on the movement. <paramref name="stage"/> adds the caller's records to the same
    /// transaction; it may run more than once (once per attempt), so it must only stage, never write.
    /// </summary>
    /// <remarks>
    /// Changes of a single position (a reservation, a pick) combine: while one change of a position is being committed,
    /// the changes queued behind it on the same lock are evaluated one after another against the running balance and
    /// committed together in one transaction, each accepted or refused on its own. A hot variant then costs one commit
    /// per queue, not one per change. If the combined commit fails on a caller's own record, each change is applied
    /// alone, so one change's conflict never refuses another.
    /// </remarks>
    public async Task<LedgerResult> ApplyAsync(string orgcode, IReadOnlyList<StockMove> moves, MoveReason why,
        Action<RecordBatch, IReadOnlyList<Position>>? stage = null, CancellationToken ct = default)
    {
        if (moves.Count == 0 || moves.Count > MaxMovesPerChange)
        {
            throw new ArgumentException($"a change has 1 to {MaxMovesPerChange} moves", nameof(moves));
        }
        foreach (var move in moves)
        {
            if (move.Quantity <= 0 || (move.From is null && move.To is null) || (move.From == move.To && move.FromBin == move.ToBin))
            {
                throw new ArgumentException($"not a movement: {move}", nameof(moves));
            }
        }
        if (await BinProblemAsync(orgcode, moves, ct) is { } noBin)
        {
            return Refused(noBin);
        }
        var positionKeys = moves.Select(m => Position.KeyOf(m.FacilityCode, m.VariantGuid)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var change = new StockChange(orgcode, positionKeys, moves, why, stage, context.Principal?.Id ?? "system");
        if (positionKeys.Count == 1)
        {
            locks.Enqueue(change);
        }
        IDisposable held;
        try
        {
            held = await locks.AcquireAsync(orgcode, positionKeys, ct);
        }
        catch (OperationCanceledException)
        {
            if (positionKeys.Count == 1)
            {
                locks.Remove(change);
            }
            throw;
        }
        using (held)
        {
            if (!change.Outcome.Task.IsCompleted)
            {
                // This change leads: it takes the changes queued on its lock for its position (its own among them).
                var group = positionKeys.Count == 1 ? locks.Take(change) : [change];
                // Once taken, a group is applied to the end whatever happens to the leader's request: the others wait on it.
                await ApplyGroupAsync(orgcode, positionKeys, group, group.Count == 1 ? ct : CancellationToken.None);
            }
        }
        return await change.Outcome.Task;
    }

    /// <summary>Applies a group of changes of the same positions, retrying on another process's conflict; completes every change.</summary>
    private async Task ApplyGroupAsync(string orgcode, IReadOnlyList<string> positionKeys, IReadOnlyList<StockChange> group, CancellationToken ct)
    {
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var outcome = await TryApplyAsync(orgcode, positionKeys, group, ct);
                if (outcome == GroupOutcome.Done)
                {
                    return;
                }
                if (outcome == GroupOutcome.OneByOne)
                {
                    foreach (var change in group.Where(c => !c.Outcome.Task.IsCompleted))
                    {
                        await ApplyGroupAsync(orgcode, positionKeys, [change], ct);
                    }
                    return;
                }
                if (attempt == MaxAttempts)
                {
                    logger.LogWarning("Stock change for {Count} positions in {Orgcode} kept conflicting; gave up after {Attempts} attempts",
                        positionKeys.Count, orgcode, attempt);
                    foreach (var change in group)
                    {
                        change.Outcome.TrySetResult(Refused(ApiProblem.Create(StatusCodes.Status409Conflict, "stock_contended",
                            "The stock changed while this change was applied.", "Retry the request with the same Idempotency-Key.")));
                    }
                    return;
                }
            }
        }
        catch (Exception ex)
        {
            foreach (var change in group)
            {
                change.Outcome.TrySetException(ex);
            }
        }
    }

    private enum GroupOutcome
    {
        Done,
        Retry,
        OneByOne,
    }

    /// <summary>
    /// One attempt: loads the balances once, evaluates each change in order against the running balances (a change that
    /// would go short is refused alone), stages the accepted ones in one batch and commits it.
    /// </summary>
    private async Task<GroupOutcome> TryApplyAsync(string orgcode, IReadOnlyList<string> positionKeys, IReadOnlyList<StockChange> group,
        CancellationToken ct)
    {
        var allMoves = group.SelectMany(c => c.Moves).ToList();
        var loadedPositions = await LoadAsync(positions, orgcode, positionKeys, ct);
        var binKeys = allMoves.SelectMany(m => new[] { m.FromBin, m.ToBin }.Where(b => b is not null)
                .Select(b => BinBalance.KeyOf(m.FacilityCode, b!, m.VariantGuid)))
            .Distinct(StringComparer.Ordinal).ToList();
        var loadedBins = binKeys.Count == 0 ? [] : await LoadAsync(bins, orgcode, binKeys, ct);
        var facilities = allMoves.Select(m => m.FacilityCode).Distinct(StringComparer.Ordinal).ToList();
        var negativeAllowed = (await policies.GetManyAsync(orgcode, facilities, ct: ct))
            .Where(p => p.AllowNegativeAvailable).Select(p => p.FacilityCode).ToHashSet(StringComparer.Ordinal);

        var running = new Dictionary<string, Position>(StringComparer.Ordinal);
        foreach (var key in positionKeys)
        {
            running[key] = loadedPositions.TryGetValue(key, out var current) ? current.Record : NewPosition(key, allMoves);
        }
        var runningBins = new Dictionary<string, BinBalance>(StringComparer.Ordinal);
        foreach (var key in binKeys)
        {
            runningBins[key] = loadedBins.TryGetValue(key, out var current) ? current.Record : NewBin(key, allMoves);
        }
        var accepted = new List<(StockChange Change, HashSet<StockMove> WentNegative)>(group.Count);
        var refused = new List<(StockChange Change, IReadOnlyList<Shortfall> Shortfalls)>();
        foreach (var change in group)
        {
            var (next, nextBins, wentNegative, shortfalls) = Evaluate(change.Moves, running, runningBins, negativeAllowed);
            if (shortfalls.Count > 0)
            {
                refused.Add((change, shortfalls));
                continue;
            }
            running = next;
            runningBins = nextBins;
            accepted.Add((change, wentNegative));
        }
        if (accepted.Count == 0)
        {
            Complete(refused);
            return GroupOutcome.Done;
        }

        var batch = new RecordBatch();
        var written = new List<Position>(running.Count);
        foreach (var (key, position) in running)
        {
            var staged = loadedPositions.TryGetValue(key, out var current)
                ? positions.Update(batch, orgcode, current, position, "moved", [IcsEvents.StockChangedOf(orgcode, position, current.Record.Revision + 1)])
                : positions.Create(batch, orgcode, position, [IcsEvents.StockChangedOf(orgcode, position, 1)]);
            written.Add(staged);
        }
        foreach (var (key, bin) in runningBins)
        {
            if (loadedBins.TryGetValue(key, out var current))
            {
                bins.Update(batch, orgcode, current, bin, "moved");
            }
            else
            {
                bins.Create(batch, orgcode, bin);
            }
        }
        var lines = new List<IReadOnlyList<Movement>>(accepted.Count);
        foreach (var (change, wentNegative) in accepted)
        {
            var changeGuid = change.Why.ChangeGuid ?? Ids.New();
            var changeLines = new List<Movement>(change.Moves.Count);
            foreach (var move in change.Moves)
            {
                changeLines.Add(movements.Create(batch, orgcode, new Movement
                {
                    MovementGuid = Ids.New(),
                    ChangeGuid = changeGuid,
                    FacilityCode = move.FacilityCode,
                    VariantGuid = move.VariantGuid,
                    FromState = move.From,
                    ToState = move.To,
                    Quantity = move.Quantity,
                    FromBin = move.FromBin,
                    ToBin = move.ToBin,
                    Reason = move.Reason ?? change.Why.Reason,
                    Reference = change.Why.Reference,
                    Note = change.Why.Note,
                    Actor = change.Actor,
                    WentNegative = wentNegative.Contains(move),
                }));
            }
            lines.Add(changeLines);
            change.Stage?.Invoke(batch, written);
        }
        var write = await batch.CommitAsync(ct);
        if (write.Succeeded)
        {
            for (var i = 0; i < accepted.Count; i++)
            {
                accepted[i].Change.Outcome.TrySetResult(new LedgerResult(null, written, lines[i], []));
            }
            Complete(refused);
            return GroupOutcome.Done;
        }
        if (write.Outcome is RecordWriteOutcome.RevisionMismatch or RecordWriteOutcome.Duplicate && write.Entity is "stock_position" or "bin_balance")
        {
            return GroupOutcome.Retry; // another process moved the same stock: read again and re-check
        }
        if (group.Count > 1)
        {
            return GroupOutcome.OneByOne; // a caller's own record conflicted: apply each alone so it refuses only its own change
        }
        group[0].Outcome.TrySetResult(Refused(write.Problem()));
        return GroupOutcome.Done;
    }

    private static void Complete(List<(StockChange Change, IReadOnlyList<Shortfall> Shortfalls)> refused)
    {
        foreach (var (change, shortfalls) in refused)
        {
            change.Outcome.TrySetResult(new LedgerResult(IcsProblems.InsufficientStock(shortfalls), [], [], shortfalls));
        }
    }

    /// <summary>
    /// The balances after <paramref name="moves"/>, and what would go short: a state or bin taken below zero (or further
    /// below), except available where the facility's policy allows it (those moves are marked).
    /// </summary>
    private static (Dictionary<string, Position> Next, Dictionary<string, BinBalance> NextBins, HashSet<StockMove> WentNegative, List<Shortfall> Shortfalls)
        Evaluate(IReadOnlyList<StockMove> moves, IReadOnlyDictionary<string, Position> before, IReadOnlyDictionary<string, BinBalance> beforeBins,
            IReadOnlySet<string> negativeAllowed)
    {
        var next = new Dictionary<string, Position>(before, StringComparer.Ordinal);
        var nextBins = new Dictionary<string, BinBalance>(beforeBins, StringComparer.Ordinal);
        foreach (var move in moves)
        {
            var key = Position.KeyOf(move.FacilityCode, move.VariantGuid);
            var position = next[key];
            if (move.From is { } from)
            {
                position = position.With(from, position[from] - move.Quantity);
            }
            if (move.To is { } to)
            {
                position = position.With(to, position[to] + move.Quantity);
            }
            next[key] = position;
            if (move.FromBin is { } fromBin)
            {
                var binKey = BinBalance.KeyOf(move.FacilityCode, fromBin, move.VariantGuid);
                nextBins[binKey] = nextBins[binKey] with { Quantity = nextBins[binKey].Quantity - move.Quantity };
            }
            if (move.ToBin is { } toBin)
            {
                var binKey = BinBalance.KeyOf(move.FacilityCode, toBin, move.VariantGuid);
                nextBins[binKey] = nextBins[binKey] with { Quantity = nextBins[binKey].Quantity + move.Quantity };
            }
        }
        var wentNegative = new HashSet<StockMove>();
        var shortfalls = new List<Shortfall>();
        foreach (var key in moves.Select(m => Position.KeyOf(m.FacilityCode, m.VariantGuid)).Distinct(StringComparer.Ordinal))
        {
            var position = next[key];
            var was = before[key];
            foreach (var state in Enum.GetValues<StockState>())
            {
                if (position[state] >= 0 || position[state] >= was[state])
                {
                    continue; // not negative, or not made more negative by this change
                }
                if (state == StockState.Available && negativeAllowed.Contains(position.FacilityCode))
                {
                    foreach (var move in moves.Where(m => m.From == StockState.Available && Position.KeyOf(m.FacilityCode, m.VariantGuid) == key))
                    {
                        wentNegative.Add(move);
                    }
                    continue;
                }
                var requested = moves.Where(m => m.From == state && Position.KeyOf(m.FacilityCode, m.VariantGuid) == key).Sum(m => m.Quantity);
                shortfalls.Add(new Shortfall(position.FacilityCode, position.VariantGuid, Retail.Shared.Json.SnakeCase.Name(state), requested,
                    Math.Max(0, was[state])));
            }
        }
        foreach (var key in moves.SelectMany(m => new[] { m.FromBin, m.ToBin }.Where(b => b is not null)
                     .Select(b => BinBalance.KeyOf(m.FacilityCode, b!, m.VariantGuid))).Distinct(StringComparer.Ordinal))
        {
            var bin = nextBins[key];
            var was = beforeBins[key].Quantity;
            if (bin.Quantity < 0 && bin.Quantity < was && !negativeAllowed.Contains(bin.FacilityCode))
            {
                var requested = moves.Where(m => m.FromBin == bin.BinCode && m.FacilityCode == bin.FacilityCode && m.VariantGuid == bin.VariantGuid)
                    .Sum(m => m.Quantity);
                shortfalls.Add(new Shortfall(bin.FacilityCode, bin.VariantGuid, "bin", requested, Math.Max(0, was), bin.BinCode));
            }
        }
        return (next, nextBins, wentNegative, shortfalls);
    }

    /// <summary>
    /// Rebuilds a position from its movements and compares: the ledger is the truth, the position its running sum. Answers
    /// the position as the movements add it up and whether the stored one agrees. Reads every movement of the pair, page
    /// by page (an audit path, not a hot one).
    /// </summary>
    public async Task<(Position Rebuilt, Position? Stored, bool Agrees)> ReconcileAsync(string orgcode, string facilityCode, string variantGuid,
        CancellationToken ct = default)
    {
        // A move changes the position and adds its movements in one transaction, so a position whose revision is the same
        // before and after the movements were read was not moved meanwhile: the two are compared as of one moment. A
        // position moved while it was read (stock in use) is read again, a few times.
        const int Attempts = 5;
        for (var attempt = 1; ; attempt++)
        {
            var before = (await positions.GetAsync(orgcode, Position.KeyOf(facilityCode, variantGuid), ct: ct))?.Record;
            var rebuilt = await RebuildAsync(orgcode, facilityCode, variantGuid, ct);
            var stored = (await positions.GetAsync(orgcode, Position.KeyOf(facilityCode, variantGuid), ct: ct))?.Record;
            if (stored?.Revision == before?.Revision || attempt == Attempts)
            {
                var agrees = Enum.GetValues<StockState>().All(s => rebuilt[s] == (stored?[s] ?? 0));
                return (rebuilt, stored, agrees);
            }
        }
    }

    private async Task<Position> RebuildAsync(string orgcode, string facilityCode, string variantGuid, CancellationToken ct)
    {
        var rebuilt = new Position { FacilityCode = facilityCode, VariantGuid = variantGuid };
        string? token = null;
        do
        {
            var page = await movements.ListAsync(orgcode,
                [StateFilter.Eq("facility_code", facilityCode), StateFilter.Eq("variant_guid", variantGuid)], 500, token, ct: ct);
            foreach (var line in page.Items)
            {
                if (line.FromState is { } from)
                {
                    rebuilt = rebuilt.With(from, rebuilt[from] - line.Quantity);
                }
                if (line.ToState is { } to)
                {
                    rebuilt = rebuilt.With(to, rebuilt[to] + line.Quantity);
                }
            }
            token = page.NextToken;
        }
        while (token is not null);
        return rebuilt;
    }

    private static LedgerResult Refused(ProblemHttpResult problem) => new(problem, [], [], []);

    /// <summary>
    /// Every bin a change names must be a bin of its facility (422 <c>unknown_reference</c>); stock is only put into an
    /// active one (422 <c>reference_not_active</c>), while an inactive bin can still be emptied. Checked here, once, so no
    /// flow (receipt, putaway, pick, ship, adjustment, count, transfer) can move stock into a bin that does not exist.
    /// </summary>
    private async Task<ProblemHttpResult?> BinProblemAsync(string orgcode, IReadOnlyList<StockMove> moves, CancellationToken ct)
    {
        var named = moves.SelectMany(m => new[] { (m.FacilityCode, Bin: m.FromBin, Into: false), (m.FacilityCode, Bin: m.ToBin, Into: true) })
            .Where(b => b.Bin is not null)
            .GroupBy(b => (b.FacilityCode, b.Bin))
            .Select(g => (g.Key.FacilityCode, Bin: g.Key.Bin!, Into: g.Any(b => b.Into)));
        foreach (var (facility, bin, into) in named)
        {
            var record = await binRecords.FindAsync(orgcode, Facilities.Bin.CodeName, Facilities.FacilityCodes.Of(facility, bin), ct);
            if (record is null)
            {
                return IcsProblems.UnknownReference("bin_code", $"No bin '{bin}' at facility '{facility}' in this org.");
            }
            if (into && record.Record.Status != MasterStatus.Active)
            {
                return IcsProblems.ReferenceNotActive("bin_code", $"Bin '{bin}' at facility '{facility}' is not active; stock cannot be put into it.");
            }
        }
        return null;
    }

    private static async Task<Dictionary<string, Loaded<T>>> LoadAsync<T>(RecordStore<T> store, string orgcode, IReadOnlyList<string> keys,
        CancellationToken ct) where T : Record
    {
        var found = new Dictionary<string, Loaded<T>>(StringComparer.Ordinal);
        // Point reads: each carries its ETag, which the batch's conditional writes need.
        foreach (var key in keys)
        {
            if (await store.GetAsync(orgcode, key, ct: ct) is { } loaded)
            {
                found[key] = loaded;
            }
        }
        return found;
    }

    private static Position NewPosition(string key, IReadOnlyList<StockMove> moves)
    {
        var move = moves.First(m => Position.KeyOf(m.FacilityCode, m.VariantGuid) == key);
        return new Position { FacilityCode = move.FacilityCode, VariantGuid = move.VariantGuid };
    }

    private static BinBalance NewBin(string key, IReadOnlyList<StockMove> moves)
    {
        foreach (var move in moves)
        {
            foreach (var bin in new[] { move.FromBin, move.ToBin })
            {
                if (bin is not null && BinBalance.KeyOf(move.FacilityCode, bin, move.VariantGuid) == key)
                {
                    return new BinBalance { FacilityCode = move.FacilityCode, BinCode = bin, VariantGuid = move.VariantGuid };
                }
            }
        }
        throw new InvalidOperationException($"no move names bin balance {key}");
    }
}

/// <summary>
/// In-process queueing on stock positions: 1,024 striped semaphores by (org, position key). A change takes the stripes of
/// every position it touches in ascending stripe order, so overlapping changes (two kits sharing a component) queue
/// instead of deadlocking or retrying.
/// </summary>
public sealed class PositionLocks
{
    private const int Stripes = 1024;

    /// <summary>At most this many queued changes of one position commit together.</summary>
    public const int MaxCombined = 64;

    private readonly SemaphoreSlim[] _stripes = Enumerable.Range(0, Stripes).Select(_ => new SemaphoreSlim(1, 1)).ToArray();
    private readonly List<StockChange>[] _queued = Enumerable.Range(0, Stripes).Select(_ => new List<StockChange>()).ToArray();

    private static int StripeOf(string orgcode, string key) => (int)((uint)StringComparer.Ordinal.GetHashCode($"{orgcode}|{key}") % Stripes);

    /// <summary>Queues a change of one position before its caller waits for the lock, so the leader ahead of it can take it along.</summary>
    internal void Enqueue(StockChange change)
    {
        var queue = _queued[StripeOf(change.Orgcode, change.PositionKeys[0])];
        lock (queue)
        {
            queue.Add(change);
        }
    }

    /// <summary>Drops a queued change whose caller gave up waiting (cancelled) before anyone took it.</summary>
    internal void Remove(StockChange change)
    {
        var queue = _queued[StripeOf(change.Orgcode, change.PositionKeys[0])];
        lock (queue)
        {
            queue.Remove(change);
        }
    }

    /// <summary>
    /// The leader's group, in arrival order: its own change and up to <see cref="MaxCombined"/> queued changes of the same
    /// org and position (another position sharing the stripe waits for its own leader).
    /// </summary>
    internal IReadOnlyList<StockChange> Take(StockChange leader)
    {
        var queue = _queued[StripeOf(leader.Orgcode, leader.PositionKeys[0])];
        lock (queue)
        {
            var group = queue.Where(c => c.Orgcode == leader.Orgcode && c.PositionKeys[0] == leader.PositionKeys[0]).Take(MaxCombined).ToList();
            if (!group.Contains(leader))
            {
                group.Insert(0, leader);
            }
            foreach (var change in group)
            {
                queue.Remove(change);
            }
            return group;
        }
    }

    public async Task<IDisposable> AcquireAsync(string orgcode, IEnumerable<string> keys, CancellationToken ct)
    {
        var indexes = keys.Select(k => StripeOf(orgcode, k)).Distinct().Order().ToList();
        var taken = new List<SemaphoreSlim>(indexes.Count);
        try
        {
            foreach (var index in indexes)
            {
                await _stripes[index].WaitAsync(ct);
                taken.Add(_stripes[index]);
            }
        }
        catch
        {
            Release(taken);
            throw;
        }
        return new Held(taken);
    }

    private static void Release(List<SemaphoreSlim> taken)
    {
        for (var i = taken.Count - 1; i >= 0; i--)
        {
            taken[i].Release();
        }
    }

    private sealed class Held(List<SemaphoreSlim> taken) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                Release(taken);
            }
        }
    }
}
