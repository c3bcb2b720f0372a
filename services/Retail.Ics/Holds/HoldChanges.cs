using Retail.Shared;
using Retail.Shared.Json;
using Retail.Ics.Catalog;
using Retail.Ics.Facilities;
using Retail.Ics.Stock;

namespace Retail.Ics.Holds;

/// <summary>
/// Every change of a hold is one ledger change: the stock moves and the hold record (created, or its ETag-checked
/// update) commit in one transaction, so a hold never exists without its stock and stock is never held without its
/// hold — whatever crashes in between. Used by the endpoints and by the <see cref="ReservationSweeper"/>.
/// </summary>
public sealed class HoldChanges(StockLedger ledger, RecordStore<Hold> holds, VariantCatalog catalog, FacilityCheck facilities, TimeProvider clock)
{
    /// <summary>How deep nested kits are flattened; a deeper nesting is refused rather than half-reserved.</summary>
    public const int MaxKitNesting = 4;

    /// <summary>
    /// Places a hold straight from <c>available</c>: the facility must be active, the variant known and active; a kit
    /// claims its components, all or none. Not enough stock of any line is 409 <c>insufficient_stock</c>.
    /// </summary>
    public async Task<Results<Created<Hold>, ProblemHttpResult>> PlaceAsync(string orgcode, HoldStage stage, string facilityCode, string variantGuid,
        long quantity, StockReference reference, int? ttlSeconds, CancellationToken ct)
    {
        if (await facilities.ProblemAsync(orgcode, facilityCode, "facility_code", ct) is { } noFacility)
        {
            return noFacility;
        }
        var (variant, noVariant) = await catalog.CheckAsync(orgcode, variantGuid, "variant_guid", VariantNeed.Active, ct);
        if (variant is null)
        {
            return noVariant!;
        }
        var (perKit, kitProblem) = variant.IsKit ? await ComponentsAsync(orgcode, variant, ct) : (null, null);
        if (kitProblem is not null)
        {
            return kitProblem;
        }
        var lines = HoldRules.LinesOf(variantGuid, quantity, perKit);
        if (lines.Count > StockLedger.MaxMovesPerChange)
        {
            return KitProblem("kit_too_large", $"The kit claims {lines.Count} components; a hold claims at most {StockLedger.MaxMovesPerChange}.");
        }
        var hold = new Hold
        {
            HoldGuid = Ids.New(),
            Stage = stage,
            FacilityCode = facilityCode,
            VariantGuid = variantGuid,
            Quantity = quantity,
            Lines = lines,
            IsKit = variant.IsKit,
            Reference = reference,
            ExpiresAt = HoldRules.ExpiryOf(stage, ttlSeconds, clock.GetUtcNow()),
        };
        Hold? created = null;
        var result = await ledger.ApplyAsync(orgcode, HoldRules.PlaceMoves(facilityCode, lines, stage), Why(HoldRules.ReasonOf(stage), hold),
            (batch, _) => created = holds.Create(batch, orgcode, hold), ct);
        Measure(stage, "placed", quantity, result);
        return result.Succeeded ? TypedResults.Created((string?)null, created!) : result.Problem!;
    }

    /// <summary>
    /// Continues an active hold into a later stage (a reservation allocated or committed, an allocation committed): its
    /// stock moves from the old state to the new one, a new hold names it in <c>from_hold_guid</c>, and the old one is
    /// marked <c>released</c> with reason <c>allocated</c> or <c>committed</c> and <c>next_hold_guid</c>, all in one change.
    /// </summary>
    public async Task<Results<Created<Hold>, ProblemHttpResult>> ContinueAsync(string orgcode, string holdGuid, long? expectedRevision, HoldStage stage,
        int? ttlSeconds, CancellationToken ct)
    {
        var (loaded, problem) = await holds.LoadForChangeAsync(orgcode, holdGuid, expectedRevision, ct: ct);
        if (problem is not null)
        {
            return problem;
        }
        var source = loaded!.Record;
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
            ExpiresAt = HoldRules.ExpiryOf(stage, ttlSeconds, clock.GetUtcNow()),
            FromHoldGuid = source.HoldGuid,
            NextHoldGuid = null,
            StatusReason = null,
        };
        var reason = stage == HoldStage.Allocated ? "allocated" : "committed";
        var continued = source with { Status = HoldStatus.Released, StatusReason = reason, NextHoldGuid = next.HoldGuid };
        Hold? created = null;
        var result = await ledger.ApplyAsync(orgcode, HoldRules.ContinueMoves(source, stage), Why(HoldRules.ReasonOf(stage), next),
            (batch, _) =>
            {
                holds.Update(batch, orgcode, loaded, continued, reason);
                created = holds.Create(batch, orgcode, next);
            }, ct);
        Measure(stage, "continued", source.Quantity, result);
        return result.Succeeded ? TypedResults.Created((string?)null, created!) : result.Problem!;
    }

    /// <summary>
    /// Ends an active hold of <paramref name="stage"/> (released by its caller, or expired): its stock goes back to
    /// <c>available</c>. An expiry publishes <c>reservation.expired</c> in the same transaction. A hold of another
    /// stage is 404 through this operation; one that already ended is 409 <c>invalid_transition</c>.
    /// </summary>
    public async Task<Results<Ok<Hold>, ProblemHttpResult>> EndAsync(string orgcode, HoldStage stage, string holdGuid, long? expectedRevision,
        HoldStatus to, string? reason, CancellationToken ct)
    {
        var (loaded, problem) = await holds.LoadForChangeAsync(orgcode, holdGuid, expectedRevision, h => h.Stage == stage, ct);
        if (problem is not null)
        {
            return problem;
        }
        var (ended, refused) = await EndAsync(orgcode, loaded!, to, reason, ct);
        return refused is null ? TypedResults.Ok(ended!) : refused;
    }

    /// <summary>Ends a loaded hold; the sweeper's path too. The hold's ETag makes a concurrent end (release, another sweep) a 409.</summary>
    public async Task<(Hold? Ended, ProblemHttpResult? Problem)> EndAsync(string orgcode, Loaded<Hold> loaded, HoldStatus to, string? reason,
        CancellationToken ct)
    {
        var hold = loaded.Record;
        if (HoldRules.Statuses.Check(hold.Status, to) is { } refused)
        {
            return (null, refused);
        }
        var next = hold with { Status = to, StatusReason = reason };
        IEnumerable<DomainEvent> events = to == HoldStatus.Expired
            ? [new DomainEvent(IcsEvents.ReservationExpired, new ReservationExpired(orgcode, hold.HoldGuid, hold.Stage, hold.FacilityCode,
                hold.VariantGuid, hold.Quantity, hold.Lines, hold.Reference, hold.ExpiresAt), hold.HoldGuid)]
            : [];
        Hold? updated = null;
        var result = await ledger.ApplyAsync(orgcode, HoldRules.ReturnMoves(hold), Why(HoldRules.ReasonOf(to), hold),
            (batch, _) => updated = holds.Update(batch, orgcode, loaded, next, SnakeCase.Name(to), events), ct);
        Measure(hold.Stage, to == HoldStatus.Expired ? "expired" : "released", hold.Quantity, result);
        return result.Succeeded ? (updated, null) : (null, result.Problem);
    }

    /// <summary>Counts a committed change, or a refusal for want of stock (not other refusals: those changed nothing to count).</summary>
    internal static void Measure(HoldStage stage, string action, long quantity, LedgerResult result, int holds = 1)
    {
        if (result.Succeeded)
        {
            HoldMetrics.Changed(stage, action, quantity, holds);
        }
        else if (result.Shortfalls.Count > 0)
        {
            HoldMetrics.Changed(stage, "refused", quantity, holds);
        }
    }

    internal static MoveReason Why(string reason, Hold hold) => new(reason, hold.Reference, $"hold {hold.HoldGuid}");

    /// <summary>
    /// One kit's components as lines, nested kits flattened (at most <see cref="MaxKitNesting"/> deep); each component
    /// must be known and active, and the kit must have some.
    /// </summary>
    internal async Task<(IReadOnlyList<HoldLine>? Lines, ProblemHttpResult? Problem)> ComponentsAsync(string orgcode, CatalogVariant kit,
        CancellationToken ct)
    {
        if (kit.Components.Count == 0)
        {
            return (null, KitProblem("kit_has_no_components", $"Kit '{kit.VariantCode ?? kit.VariantGuid}' has no components yet."));
        }
        var lines = new List<HoldLine>();
        var pending = new Queue<(HoldLine Part, int Depth)>(kit.Components.Select(c => (new HoldLine(c.VariantGuid, c.Quantity), 1)));
        while (pending.TryDequeue(out var item))
        {
            var (component, noComponent) = await catalog.CheckAsync(orgcode, item.Part.VariantGuid, "variant_guid", VariantNeed.Active, ct);
            if (component is null)
            {
                return (null, noComponent);
            }
            if (!component.IsKit || component.Components.Count == 0)
            {
                lines.Add(item.Part);
                continue;
            }
            if (item.Depth >= MaxKitNesting)
            {
                return (null, KitProblem("kit_too_deep", $"Kits nest deeper than {MaxKitNesting} levels below '{kit.VariantCode ?? kit.VariantGuid}'."));
            }
            foreach (var part in component.Components)
            {
                var quantity = item.Part.Quantity * part.Quantity;
                if (quantity > HoldRules.MaxQuantity)
                {
                    return (null, KitProblem("kit_too_large", $"One kit would claim {quantity} of '{part.VariantGuid}'."));
                }
                pending.Enqueue((new HoldLine(part.VariantGuid, quantity), item.Depth + 1));
            }
        }
        return (lines, null);
    }

    internal static ProblemHttpResult KitProblem(string code, string detail) =>
        ApiProblem.Business(code, "The kit cannot be held.", detail, [new("field", "variant_guid")]);
}
