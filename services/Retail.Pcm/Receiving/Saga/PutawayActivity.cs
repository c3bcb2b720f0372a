using Dapr.Workflow;
using Retail.Pcm.Sources;

namespace Retail.Pcm.Receiving.Saga;

/// <summary>
/// Step 2, per line naming a bin: ICS <c>/putaway/record</c> of the received (unbinned) quantity into the bin, with its own
/// Idempotency-Key. The stock is already received, so a refusal (an unknown bin, say) is not compensated: it is returned
/// ("line {n}: {code}") and kept on the receipt, and the stock stays unbinned.
/// </summary>
public sealed class PutawayActivity(PcmSources sources) : WorkflowActivity<PutawayInput, string?>
{
    public override async Task<string?> RunAsync(WorkflowActivityContext context, PutawayInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var body = new { facility_code = input.FacilityCode, variant_guid = input.VariantGuid, quantity = input.Quantity, to_bin = input.BinCode };
        try
        {
            await sources.SendAsync<System.Text.Json.JsonElement>(input.Orgcode, PcmSources.Ics, "/putaway/record", body,
                ProcureToStockKeys.Putaway(input.ReceiptGuid, input.PoLineNo), CancellationToken.None);
            return null;
        }
        catch (SourceRefusedException refused) when (!SagaRefusals.IsTransient(refused))
        {
            return $"line {input.PoLineNo}: {refused.Code}";
        }
    }
}
