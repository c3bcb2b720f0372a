using Dapr.Workflow;
using Retail.Pcm.Policy;
using Retail.Pcm.Sources;

namespace Retail.Pcm.Receiving.Saga;

/// <summary>
/// Step 1: the receipt into ICS (<c>/receive/record</c>, reference the PO, Idempotency-Key from the receipt guid, so an
/// attempt repeated after a crash or a lost answer is replayed by ICS, never received twice). Lines into <c>qc_hold</c>
/// that name a bin are received into it (ICS puts away only available stock); lines into <c>available</c> that name a bin
/// are put away next. A refusal (4xx) is returned for the saga to compensate; unavailability throws and is retried.
/// </summary>
public sealed class ReceiveIntoIcsActivity(RecordStore<Receipt> receipts, PcmSources sources) : WorkflowActivity<ProcureToStockInput, IcsReceiveOutcome>
{
    public override async Task<IcsReceiveOutcome> RunAsync(WorkflowActivityContext context, ProcureToStockInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var receipt = (await receipts.GetAsync(input.Orgcode, input.ReceiptGuid))?.Record;
        if (receipt is null || receipt.Status != ReceiptStatus.Recorded)
        {
            return new IcsReceiveOutcome(true, receipt?.FacilityCode ?? "", receipt?.IcsReceiptGuid, null, null, []);
        }
        var body = new
        {
            facility_code = receipt.FacilityCode,
            reference = new { kind = ProcureToStockKeys.ReferenceKind, id = receipt.PoGuid },
            lines = receipt.Lines.Select(l => new
            {
                variant_guid = l.VariantGuid,
                quantity = l.Quantity,
                state = ProcureToStockKeys.StateOf(l.Into),
                bin_code = l.Into == ReceiveInto.QcHold ? l.BinCode : null,
            }).ToList(),
        };
        var putaways = receipt.Lines.Where(l => l.Into == ReceiveInto.Available && l.BinCode is not null)
            .Select(l => new PutawayLine(l.PoLineNo, l.VariantGuid, l.Quantity, l.BinCode!)).ToList();
        try
        {
            var ics = await sources.SendAsync<IcsReceipt>(input.Orgcode, PcmSources.Ics, "/receive/record", body,
                ProcureToStockKeys.Receive(receipt.ReceiptGuid), CancellationToken.None);
            return new IcsReceiveOutcome(false, receipt.FacilityCode, ics.ReceiptGuid, null, null, putaways);
        }
        catch (SourceRefusedException refused) when (!SagaRefusals.IsTransient(refused))
        {
            return new IcsReceiveOutcome(false, receipt.FacilityCode, null, refused.Code, refused.Detail, []);
        }
    }
}

/// <summary>Which 4xx answers of ICS mean "not now" (retry) rather than "no" (compensate).</summary>
public static class SagaRefusals
{
    public static bool IsTransient(SourceRefusedException refused) =>
        refused.Status == 409 && refused.Code is "idempotency_in_progress" or "revision_mismatch";
}
