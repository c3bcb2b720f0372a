using Dapr.Workflow;
using Retail.Scm.Payments;

namespace Retail.Scm.Orders.Saga;

/// <summary>
/// A received return refunded to the order's original tenders through <see cref="ReturnRefunds"/>, as an admin's refund
/// is: claimed (what the return is worth, capped at captured less refunded) in one guarded write, each part sent to the
/// provider with the refund's key, then resolved. A return left to an admin (<c>refund: manual</c>) is not claimed, but a
/// claim of either path that the provider has not confirmed is finished here. No answer from the provider throws (retried
/// with the same keys); a decline sends the return back to an admin.
/// </summary>
public sealed class RefundReturnActivity(RecordStore<OrderReturn> returns, ReturnRefunds refunds) : WorkflowActivity<ReturnInput, string>
{
    public override async Task<string> RunAsync(WorkflowActivityContext context, ReturnInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var loaded = await returns.GetAsync(input.Orgcode, input.ReturnGuid);
        if (loaded is null || !OrderSagaRules.NeedsRefund(loaded.Record))
        {
            return "nothing_to_refund";
        }
        if (loaded.Record.Status == ReturnStatus.Received && await refunds.ClaimAsync(input.Orgcode, loaded, null, ReturnRefunds.SagaActor, CancellationToken.None)
            is not null)
        {
            // Another path changed the return first (an admin's refund): nothing for the saga to claim.
            return "not_claimed";
        }
        var result = await refunds.CompleteAsync(input.Orgcode, input.ReturnGuid, ReturnRefunds.SagaActor, CancellationToken.None);
        return result?.End switch
        {
            RefundEnd.TimedOut => throw new InvalidOperationException($"the payment provider did not answer the refund of return {input.ReturnGuid}; trying again"),
            RefundEnd.Declined => "declined",
            RefundEnd.Resolved => "refunded",
            _ => "nothing_to_refund",
        };
    }
}
