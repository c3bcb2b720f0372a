using Retail.Scm.Sources;
using Retail.Shared.Invocation;

namespace Retail.Scm.Orders;

/// <summary>An ICS hold as a batch answers it (<c>/ics/hold/batch/*</c>); <see cref="LineRef"/> is the order's line number.</summary>
public sealed record IcsBatchHold(string HoldGuid, string Stage, string Status, string FacilityCode, string VariantGuid, long Quantity, long Revision,
    string? LineRef, DateTimeOffset? ExpiresAt);

public sealed record IcsHoldBatch(IReadOnlyList<IcsBatchHold> Holds);

/// <summary>ICS's answer to a batch: the holds in the order asked, or the problem SCM answers instead.</summary>
public sealed record HoldOutcome(IReadOnlyList<IcsBatchHold>? Holds, ProblemHttpResult? Problem);

/// <summary>A hold to release: all of it, or <see cref="Quantity"/> of it.</summary>
public sealed record HoldRelease(string HoldGuid, long Revision, long? Quantity = null);

/// <summary>
/// An order's stock in ICS: every step is ONE call to ICS's hold batches (reserve every line, continue every hold,
/// release every hold), each one ledger change there — all of the order's lines or none. Writes carry the
/// Idempotency-Key the caller derives, so a retried step has its effect once.
/// </summary>
public sealed class OrderHolds(ScmSources sources)
{
    public const string ReferenceKind = "order";

    /// <summary>Reserves <paramref name="lines"/> (their open quantity) at their facilities for the order; 409 <c>insufficient_stock</c> names the short lines.</summary>
    public async Task<HoldOutcome> ReserveAsync(string orgcode, Order order, IReadOnlyList<OrderLine> lines, IReadOnlyDictionary<int, string> facilityByLine,
        int ttlSeconds, string idempotencyKey, CancellationToken ct)
    {
        var body = new
        {
            reference = new { kind = ReferenceKind, id = order.OrderGuid },
            lines = lines.Select(l => new
            {
                variant_guid = l.VariantGuid,
                quantity = l.OpenQuantity,
                facility_code = facilityByLine[l.LineNo],
                line_ref = OrderRules.LineRef(l.LineNo),
            }).ToList(),
            ttl_seconds = ttlSeconds,
        };
        try
        {
            return new HoldOutcome((await sources.IcsAsync<IcsHoldBatch>(orgcode, "/hold/batch/reserve", body, idempotencyKey, ct)).Holds, null);
        }
        catch (ServiceRefusedException refused) when (refused.Code == "insufficient_stock")
        {
            var shortLines = OrderRules.ShortLinesOf(lines, refused.Problem);
            return new HoldOutcome(null, ScmProblems.InsufficientStock(
                $"Not enough stock for line(s) {string.Join(", ", shortLines.Select(l => l.LineNo))}; nothing was reserved.", shortLines.Cast<object>().ToList()));
        }
        catch (ServiceRefusedException refused)
        {
            return new HoldOutcome(null, Refused(refused));
        }
    }

    /// <summary>Continues the holds of <paramref name="lines"/> into <paramref name="stage"/> (allocated, committed); the new holds in the lines' order.</summary>
    public Task<HoldOutcome> ContinueAsync(string orgcode, IReadOnlyList<OrderLine> lines, string stage, int? ttlSeconds, string idempotencyKey,
        CancellationToken ct) =>
        SendAsync(orgcode, "/hold/batch/continue", new
        {
            holds = lines.Select(l => new { hold_guid = l.Hold!.HoldGuid, expected_revision = l.Hold.Revision }).ToList(),
            stage,
            ttl_seconds = ttlSeconds,
        }, idempotencyKey, ct);

    /// <summary>Releases the holds (or part of each); a hold that already ended (expired, released) counts as released.</summary>
    public Task<HoldOutcome> ReleaseAsync(string orgcode, IReadOnlyList<HoldRelease> holds, string? reason, string idempotencyKey, CancellationToken ct) =>
        SendAsync(orgcode, "/hold/batch/release", new
        {
            holds = holds.Select(h => new { hold_guid = h.HoldGuid, expected_revision = h.Revision, quantity = h.Quantity }).ToList(),
            reason,
            skip_ended = true,
        }, idempotencyKey, ct);

    private async Task<HoldOutcome> SendAsync(string orgcode, string path, object body, string idempotencyKey, CancellationToken ct)
    {
        try
        {
            return new HoldOutcome((await sources.IcsAsync<IcsHoldBatch>(orgcode, path, body, idempotencyKey, ct)).Holds, null);
        }
        catch (ServiceRefusedException refused)
        {
            return new HoldOutcome(null, Refused(refused));
        }
    }

    /// <summary>ICS's refusal as SCM's answer: the same status and code, marked as ICS's.</summary>
    private static ProblemHttpResult Refused(ServiceRefusedException refused) =>
        ApiProblem.Create(refused.Status, refused.Code, "The inventory refused the change of the order's stock.", refused.Detail, [new("source", "ics")]);
}
