using Dapr.Workflow;
using Retail.Scm.Sources;
using Retail.Shared.Invocation;

namespace Retail.Scm.Orders.Saga;

/// <summary>
/// Allocate or commit: every held line of the order before <see cref="ContinueHoldsInput.Stage"/> continued in ONE ICS
/// call (<c>/ics/hold/batch/continue</c>, key <see cref="OrderSagaKeys.Continue"/>), then the order's lines take the new
/// holds with <c>promise.allocated|committed</c>. Nothing to continue (done before, or by hand) does nothing. ICS's "no"
/// (4xx, or a hold that ended behind SCM's back) is returned for the saga to compensate; unavailability throws and is
/// retried.
/// </summary>
public sealed class ContinueHoldsActivity(RecordStore<Order> orders, ScmSources sources) : WorkflowActivity<ContinueHoldsInput, StockStepOutcome>
{
    private const int Attempts = 8;

    public override async Task<StockStepOutcome> RunAsync(WorkflowActivityContext context, ContinueHoldsInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var org = input.Orgcode;
        var stage = input.Stage == OrderSagaKeys.Allocated ? OrderLineStatus.Allocated : OrderLineStatus.Committed;
        var loaded = await orders.GetAsync(org, input.OrderGuid);
        if (loaded is null || loaded.Record.Status is not (OrderStatus.Placed or OrderStatus.PartiallyFulfilled))
        {
            return StockStepOutcome.Done;
        }
        var lines = OrderRules.ToContinue(loaded.Record, stage);
        if (lines.Count == 0)
        {
            return StockStepOutcome.Done;
        }
        IcsHoldBatch moved;
        try
        {
            moved = await sources.IcsAsync<IcsHoldBatch>(org, "/hold/batch/continue", new
            {
                holds = lines.Select(l => new { hold_guid = l.Hold!.HoldGuid, expected_revision = l.Hold.Revision }).ToList(),
                stage = input.Stage,
            }, OrderSagaKeys.Continue(input.OrderGuid, input.Stage, lines), CancellationToken.None);
        }
        catch (ServiceRefusedException refused) when (!OrderSagaRefusals.IsTransient(refused))
        {
            if (refused.Code != ProblemCodes.RevisionMismatch)
            {
                return new StockStepOutcome(refused.Code, refused.Detail);
            }
            // A hold changed in ICS: expired or released behind SCM's back ("no"), or changed by an SCM step whose order
            // save is on its way (read again and retry).
            foreach (var line in lines)
            {
                var hold = await sources.Invoker.GetOrNullAsync<IcsHold>(ScmSources.Ics, "/hold/get", new { hold_guid = line.Hold!.HoldGuid },
                    new InvocationOptions(org), CancellationToken.None);
                if (hold is not { Status: "active" })
                {
                    return new StockStepOutcome("hold_ended",
                        $"The {line.Hold.Stage} hold of line {line.LineNo} is {hold?.Status ?? "gone"} in ICS ({hold?.StatusReason ?? "no reason"}).");
                }
            }
            throw new InvalidOperationException($"order {input.OrderGuid}: a hold changed in ICS while it was {input.Stage}; trying again", refused);
        }
        return await SaveAsync(org, loaded, lines, moved.Holds, input.Stage == OrderSagaKeys.Allocated ? ScmEvents.PromiseAllocated : ScmEvents.PromiseCommitted);
    }

    /// <summary>The new holds onto the order's lines, re-applied to the newest order while its lines still name the holds ICS continued.</summary>
    private async Task<StockStepOutcome> SaveAsync(string org, Loaded<Order> loaded, IReadOnlyList<OrderLine> lines, IReadOnlyList<IcsBatchHold> holds,
        string eventType)
    {
        var current = loaded;
        var lineNos = lines.Select(l => l.LineNo).ToList();
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var next = current.Record with { Lines = OrderRules.WithContinued(current.Record, lines, holds), Revision = current.Record.Revision + 1 };
            var write = await orders.UpdateAsync(org, current, next, "updated", [OrderEvents.Promise(eventType, org, next, lineNos)]);
            if (write.Succeeded)
            {
                return StockStepOutcome.Done;
            }
            current = await orders.GetAsync(org, current.Record.OrderGuid)
                ?? throw new InvalidOperationException($"order {current.Record.OrderGuid} is gone");
            if (lines.Any(l => current.Record.Line(l.LineNo)?.Hold?.HoldGuid != l.Hold!.HoldGuid))
            {
                return StockStepOutcome.Done; // another attempt saved these holds already
            }
        }
        throw new InvalidOperationException($"order {loaded.Record.OrderGuid} kept changing while its holds were saved");
    }
}

/// <summary>Which 4xx answers of ICS mean "not now" (retry) rather than "no" (compensate).</summary>
public static class OrderSagaRefusals
{
    public static bool IsTransient(ServiceRefusedException refused)
    {
        ArgumentNullException.ThrowIfNull(refused);
        return refused.Status == 409 && refused.Code == "idempotency_in_progress";
    }
}
