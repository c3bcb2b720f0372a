using Retail.Shared;
using Retail.Shared.Json;
using Retail.Ics.Catalog;
using Retail.Ics.Facilities;
using Retail.Ics.Stock;

namespace Retail.Ics.Holds;

/// <summary>
/// Holds of many lines changed together (an order's): reserve every line, continue every hold, release every hold —
/// each batch is ONE ledger change, so either every hold of it changes with its stock or none does. One call per order
/// instead of one per line, and no half-reserved order to compensate.
/// </summary>
public sealed class HoldBatches(StockLedger ledger, RecordStore<Hold> holds, VariantCatalog catalog, FacilityCheck facilities, HoldChanges changes,
    TimeProvider clock)
{
    /// <summary>Lines (or holds) a batch names at most: an order's lines.</summary>
    public const int MaxLines = 100;

    /// <summary>
    /// One hold per line, all placed from <c>available</c> in one change. Not enough stock for any line refuses all of it:
    /// 409 <c>insufficient_stock</c> with the ledger's <c>shortfalls</c> and <c>lines</c> naming every short line.
    /// </summary>
    public async Task<Results<Created<HoldBatch>, ProblemHttpResult>> ReserveAsync(string orgcode, HoldBatchReserveRequest request, CancellationToken ct)
    {
        var reference = request.Reference!.ToReference();
        var lines = request.Lines!.Select(l => (Line: l!, Facility: Codes.Normalize(l!.FacilityCode ?? request.FacilityCode))).ToList();
        foreach (var facility in lines.Select(l => l.Facility).Distinct(StringComparer.Ordinal))
        {
            var field = request.FacilityCode is not null && Codes.Normalize(request.FacilityCode) == facility ? "facility_code" : "lines.facility_code";
            if (await facilities.ProblemAsync(orgcode, facility, field, ct) is { } noFacility)
            {
                return noFacility;
            }
        }
        var claims = new Dictionary<string, IReadOnlyList<HoldLine>?>(StringComparer.Ordinal);
        var kits = new HashSet<string>(StringComparer.Ordinal);
        foreach (var variantGuid in lines.Select(l => l.Line.VariantGuid!).Distinct(StringComparer.Ordinal))
        {
            var (variant, noVariant) = await catalog.CheckAsync(orgcode, variantGuid, "lines.variant_guid", VariantNeed.Active, ct);
            if (variant is null)
            {
                return noVariant!;
            }
            if (!variant.IsKit)
            {
                claims[variantGuid] = null;
                continue;
            }
            var (perKit, kitProblem) = await changes.ComponentsAsync(orgcode, variant, ct);
            if (kitProblem is not null)
            {
                return kitProblem;
            }
            claims[variantGuid] = perKit;
            kits.Add(variantGuid);
        }
        var now = clock.GetUtcNow();
        var placed = lines.Select(l => new Hold
        {
            HoldGuid = Ids.New(),
            Stage = HoldStage.Reserved,
            FacilityCode = l.Facility,
            VariantGuid = l.Line.VariantGuid!,
            Quantity = l.Line.Quantity!.Value,
            Lines = HoldRules.LinesOf(l.Line.VariantGuid!, l.Line.Quantity!.Value, claims[l.Line.VariantGuid!]),
            IsKit = kits.Contains(l.Line.VariantGuid!),
            Reference = reference,
            LineRef = RequestRules.Trimmed(l.Line.LineRef),
            ExpiresAt = HoldRules.ExpiryOf(HoldStage.Reserved, request.TtlSeconds, now),
        }).ToList();
        var moves = placed.SelectMany(h => HoldRules.PlaceMoves(h.FacilityCode, h.Lines, h.Stage)).ToList();
        if (moves.Count > StockLedger.MaxMovesPerChange)
        {
            return TooLarge(moves.Count);
        }
        IReadOnlyList<Hold> created = [];
        var result = await ledger.ApplyAsync(orgcode, moves, new MoveReason(HoldRules.ReasonOf(HoldStage.Reserved), reference, $"{placed.Count} holds"),
            (batch, _) => created = placed.Select(h => holds.Create(batch, orgcode, h)).ToList(), ct);
        HoldChanges.Measure(HoldStage.Reserved, "placed", placed.Sum(h => h.Quantity), result, placed.Count);
        if (result.Succeeded)
        {
            return TypedResults.Created((string?)null, new HoldBatch(created));
        }
        return result.Shortfalls.Count > 0 ? ShortProblem(placed, result.Shortfalls) : result.Problem!;
    }

    /// <summary>
    /// Continues every named hold into <paramref name="stage"/> in one change: for each a new hold (<c>from_hold_guid</c>),
    /// the old one released with reason <c>allocated</c> or <c>committed</c> — as <see cref="HoldChanges.ContinueAsync"/>
    /// does for one. Any hold missing, changed, ended or unable to continue refuses the batch.
    /// </summary>
    public async Task<Results<Ok<HoldBatch>, ProblemHttpResult>> ContinueAsync(string orgcode, HoldBatchContinueRequest request, CancellationToken ct)
    {
        var stage = request.Stage!.Value;
        var (loaded, problem) = await LoadAsync(orgcode, request.Holds!.Select(i => (i!.HoldGuid!, i.ExpectedRevision)).ToList(), ct);
        if (problem is not null)
        {
            return problem;
        }
        var now = clock.GetUtcNow();
        var steps = new List<(Loaded<Hold> From, Hold Continued, Hold Next)>();
        foreach (var current in loaded!)
        {
            var source = current.Record;
            if (HoldRules.Statuses.Check(source.Status, HoldStatus.Released) is { } ended)
            {
                return ended;
            }
            if (!HoldRules.CanContinue(source.Stage, stage))
            {
                return ApiProblem.InvalidTransition(SnakeCase.Name(source.Stage), SnakeCase.Name(stage),
                    Enum.GetValues<HoldStage>().Where(s => HoldRules.CanContinue(source.Stage, s)).Select(s => SnakeCase.Name(s)).ToList());
            }
            var next = source with
            {
                HoldGuid = Ids.New(),
                Stage = stage,
                Status = HoldStatus.Active,
                ExpiresAt = HoldRules.ExpiryOf(stage, request.TtlSeconds, now),
                FromHoldGuid = source.HoldGuid,
                NextHoldGuid = null,
                StatusReason = null,
            };
            var reason = stage == HoldStage.Allocated ? "allocated" : "committed";
            steps.Add((current, source with { Status = HoldStatus.Released, StatusReason = reason, NextHoldGuid = next.HoldGuid }, next));
        }
        var moves = steps.SelectMany(s => HoldRules.ContinueMoves(s.From.Record, stage)).ToList();
        if (moves.Count > StockLedger.MaxMovesPerChange)
        {
            return TooLarge(moves.Count);
        }
        IReadOnlyList<Hold> created = [];
        var result = await ledger.ApplyAsync(orgcode, moves, Why(HoldRules.ReasonOf(stage), steps.Select(s => s.From.Record)),
            (batch, _) =>
            {
                var made = new List<Hold>(steps.Count);
                foreach (var (from, continued, next) in steps)
                {
                    holds.Update(batch, orgcode, from, continued, continued.StatusReason!);
                    made.Add(holds.Create(batch, orgcode, next));
                }
                created = made;
            }, ct);
        HoldChanges.Measure(stage, "continued", steps.Sum(s => s.From.Record.Quantity), result, steps.Count);
        return result.Succeeded ? TypedResults.Ok(new HoldBatch(created)) : result.Problem!;
    }

    /// <summary>
    /// Releases every named hold in one change: all of it (status <c>released</c>), or with a quantity only that much — the
    /// hold stays active with the rest (a kit's component lines shrink in proportion). With <c>skip_ended</c> a hold that
    /// already ended is answered as it stands.
    /// </summary>
    public async Task<Results<Ok<HoldBatch>, ProblemHttpResult>> ReleaseAsync(string orgcode, HoldBatchReleaseRequest request, CancellationToken ct)
    {
        var items = request.Holds!.Select(i => i!).ToList();
        var skipEnded = request.SkipEnded == true;
        var (loaded, problem) = await LoadAsync(orgcode, items.Select(i => (i.HoldGuid!, i.ExpectedRevision)).ToList(), ct,
            skipRevisionOf: skipEnded ? h => h.Status != HoldStatus.Active : null);
        if (problem is not null)
        {
            return problem;
        }
        var reason = RequestRules.Trimmed(request.Reason);
        var answer = new Hold[items.Count];
        var changesOf = new List<(int Index, Loaded<Hold> From, Hold Next, IReadOnlyList<StockMove> Moves)>();
        for (var i = 0; i < items.Count; i++)
        {
            var hold = loaded![i].Record;
            if (hold.Status != HoldStatus.Active && skipEnded)
            {
                answer[i] = hold;
                continue;
            }
            if (HoldRules.Statuses.Check(hold.Status, HoldStatus.Released) is { } ended)
            {
                return ended;
            }
            var quantity = items[i].Quantity ?? hold.Quantity;
            if (quantity > hold.Quantity)
            {
                return ApiProblem.Business("quantity_exceeds_hold", "The hold holds less.",
                    $"Hold {hold.HoldGuid} holds {hold.Quantity}; {quantity} cannot be released.", [new("hold_guid", hold.HoldGuid)]);
            }
            if (quantity == hold.Quantity)
            {
                changesOf.Add((i, loaded[i], hold with { Status = HoldStatus.Released, StatusReason = reason }, HoldRules.ReturnMoves(hold)));
                continue;
            }
            var rest = hold.Quantity - quantity;
            var kept = hold with { Quantity = rest, Lines = hold.Lines.Select(l => l with { Quantity = l.Quantity / hold.Quantity * rest }).ToList() };
            var moves = hold.Lines.Select(l => new StockMove(hold.FacilityCode, l.VariantGuid, hold.State, StockState.Available,
                l.Quantity / hold.Quantity * quantity)).ToList();
            changesOf.Add((i, loaded[i], kept, moves));
        }
        if (changesOf.Count == 0)
        {
            return TypedResults.Ok(new HoldBatch(answer));
        }
        var allMoves = changesOf.SelectMany(c => c.Moves).ToList();
        if (allMoves.Count > StockLedger.MaxMovesPerChange)
        {
            return TooLarge(allMoves.Count);
        }
        var result = await ledger.ApplyAsync(orgcode, allMoves, Why("release", changesOf.Select(c => c.From.Record)),
            (batch, _) =>
            {
                foreach (var (index, from, next, _) in changesOf)
                {
                    answer[index] = holds.Update(batch, orgcode, from, next, next.Status == HoldStatus.Released ? "released" : "partially_released");
                }
            }, ct);
        foreach (var (_, from, next, _) in changesOf)
        {
            HoldChanges.Measure(from.Record.Stage, "released", from.Record.Quantity - (next.Status == HoldStatus.Released ? 0 : next.Quantity), result);
        }
        return result.Succeeded ? TypedResults.Ok(new HoldBatch(answer)) : result.Problem!;
    }

    /// <summary>
    /// The named holds with their ETags, in the order asked, each checked as a change's base: expected_revision present
    /// (400), the hold found (404 naming it), at that revision (409 <c>revision_mismatch</c> naming it) — unless
    /// <paramref name="skipRevisionOf"/> says its revision does not matter (a hold that already ended, skipped).
    /// </summary>
    private async Task<(IReadOnlyList<Loaded<Hold>>? Loaded, ProblemHttpResult? Problem)> LoadAsync(string orgcode,
        IReadOnlyList<(string HoldGuid, long? ExpectedRevision)> items, CancellationToken ct, Func<Hold, bool>? skipRevisionOf = null)
    {
        if (items.Any(i => i.ExpectedRevision is null))
        {
            return (null, ApiProblem.ExpectedRevisionRequired());
        }
        var found = await holds.LoadManyAsync(orgcode, items.Select(i => i.HoldGuid.ToLowerInvariant()).ToList(), ct);
        var answer = new List<Loaded<Hold>>(items.Count);
        foreach (var (holdGuid, expected) in items)
        {
            if (!found.TryGetValue(holdGuid.ToLowerInvariant(), out var current))
            {
                return (null, ApiProblem.Create(StatusCodes.Status404NotFound, ProblemCodes.NotFound, "Not found.", $"No such hold {holdGuid}.",
                    [new("hold_guid", holdGuid)]));
            }
            if (current.Record.Revision != expected && skipRevisionOf?.Invoke(current.Record) != true)
            {
                return (null, ApiProblem.Create(StatusCodes.Status409Conflict, ProblemCodes.RevisionMismatch, "The record has changed.",
                    $"Hold {holdGuid} is at revision {current.Record.Revision}.",
                    [new("current_revision", current.Record.Revision), new("hold_guid", holdGuid)]));
            }
            answer.Add(current);
        }
        return (answer, null);
    }

    private static MoveReason Why(string reason, IEnumerable<Hold> changed)
    {
        var list = changed.ToList();
        var references = list.Select(h => h.Reference).Distinct().ToList();
        return new MoveReason(reason, references.Count == 1 ? references[0] : null, $"{list.Count} holds");
    }

    /// <summary>409 <c>insufficient_stock</c>: the ledger's shortfalls, and every line of the batch that touches a short position.</summary>
    private static ProblemHttpResult ShortProblem(IReadOnlyList<Hold> placed, IReadOnlyList<Shortfall> shortfalls)
    {
        var lines = new List<HoldBatchShortLine>();
        for (var i = 0; i < placed.Count; i++)
        {
            var hold = placed[i];
            var shortOf = shortfalls.FirstOrDefault(s => s.FacilityCode == hold.FacilityCode && hold.Lines.Any(l => l.VariantGuid == s.VariantGuid));
            if (shortOf is not null)
            {
                lines.Add(new HoldBatchShortLine(i, hold.LineRef, hold.FacilityCode, hold.VariantGuid, hold.Quantity, shortOf.Available));
            }
        }
        var stock = IcsProblems.InsufficientStock(shortfalls).ProblemDetails;
        return ApiProblem.Create(StatusCodes.Status409Conflict, "insufficient_stock", "Not enough stock.", stock.Detail,
            [new("shortfalls", shortfalls), new("lines", lines)]);
    }

    private static ProblemHttpResult TooLarge(int moves) =>
        ApiProblem.Business("batch_too_large", "The batch moves too many lines of stock.",
            $"The batch would move {moves} lines of stock; one change moves at most {StockLedger.MaxMovesPerChange}.");
}
