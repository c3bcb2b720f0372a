using Dapr.Workflow;
using Retail.Pcm.Buying;

namespace Retail.Pcm.Receiving.Saga;

/// <summary>
/// Step 3: the receipt <c>stocked</c> and the PO's lines' <c>stocked</c> and statuses (header <c>partially_received</c> or
/// <c>received</c>) in one batch with receipt.stocked (and po.received when the PO is done). A receipt no longer
/// <c>recorded</c> was completed by an earlier attempt: nothing happens.
/// </summary>
public sealed class CompleteReceiptActivity(RecordStore<Receipt> receipts, RecordStore<PurchaseOrder> pos, TimeProvider clock)
    : WorkflowActivity<CompleteReceiptInput, string>
{
    public const int Attempts = 32;

    public override async Task<string> RunAsync(WorkflowActivityContext context, CompleteReceiptInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var org = input.Orgcode;
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var loaded = await receipts.GetAsync(org, input.ReceiptGuid);
            if (loaded is null || loaded.Record.Status != ReceiptStatus.Recorded)
            {
                return loaded is null ? "missing" : Retail.Shared.Json.SnakeCase.Name(loaded.Record.Status);
            }
            var po = await pos.GetAsync(org, loaded.Record.PoGuid) ?? throw new InvalidOperationException($"receipt {input.ReceiptGuid}: its PO is gone");
            var now = clock.GetUtcNow();
            var receipt = loaded.Record with
            {
                Status = ReceiptStatus.Stocked,
                IcsReceiptGuid = input.IcsReceiptGuid,
                StockedAt = now,
                PutawayFailures = input.PutawayFailures.Count > 0 ? input.PutawayFailures : null,
            };
            var next = ReceiptRules.Stocked(po.Record, receipt, now);
            var batch = new RecordBatch();
            receipts.Update(batch, org, loaded, receipt, "status_changed",
                [ReceivingEvents.Of(PcmEvents.ReceiptStocked, org, receipt, loaded.Record.Revision + 1)]);
            var done = next.Status == PoStatus.Received && po.Record.Status != PoStatus.Received;
            pos.Update(batch, org, po, next, next.Status != po.Record.Status ? "status_changed" : "updated",
                done ? [ReceivingEvents.PoReceived(org, next, po.Record.Revision + 1)] : null);
            var write = await batch.CommitAsync();
            if (write.Succeeded)
            {
                return "stocked";
            }
        }
        throw new InvalidOperationException($"receipt {input.ReceiptGuid}: its PO kept changing while it was stocked");
    }
}
