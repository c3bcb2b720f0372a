using Dapr.Workflow;
using Retail.Scm.Payments;
using Retail.Scm.Sources;
using Retail.Shared.Invocation;

namespace Retail.Scm.Orders.Saga;

/// <summary>
/// A received return's goods back in ICS, per facility (reference <c>{kind: return, id: return_guid}</c>): resellable
/// units received into <c>available</c>; damaged ones received into <c>qc_hold</c> and failed at once by
/// <c>/qc/complete</c> into <c>damaged</c>. Each call carries a key of the return (<see cref="OrderSagaKeys.Restock"/>,
/// <see cref="OrderSagaKeys.Inspect"/>), so an attempt repeated after a crash restocks once. The return then records
/// <c>restocked_at</c> and ICS's receipts (or ICS's refusal in <c>restock_failure</c>); a return restocked before does nothing.
/// </summary>
public sealed class RestockReturnActivity(RecordStore<OrderReturn> returns, ScmSources sources, TimeProvider clock) : WorkflowActivity<ReturnInput, string>
{
    private const int Attempts = 8;

    public override async Task<string> RunAsync(WorkflowActivityContext context, ReturnInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var org = input.Orgcode;
        var ret = (await returns.GetAsync(org, input.ReturnGuid))?.Record;
        if (ret is null || !OrderSagaRules.NeedsRestock(ret))
        {
            return "nothing_to_restock";
        }
        var receipts = new List<string>();
        string? failure = null;
        try
        {
            foreach (var facility in ret.Lines.Where(l => l.ReceivedQuantity > 0).GroupBy(l => l.FacilityCode!))
            {
                foreach (var condition in new[] { ReturnCondition.Resellable, ReturnCondition.Damaged })
                {
                    var byVariant = facility.Where(l => l.Condition == condition).GroupBy(l => l.VariantGuid)
                        .Select(g => (Variant: g.Key, Quantity: g.Sum(l => l.ReceivedQuantity!.Value))).ToList();
                    if (byVariant.Count == 0)
                    {
                        continue;
                    }
                    var state = condition == ReturnCondition.Resellable ? "available" : "qc_hold";
                    var receipt = await sources.IcsAsync<IcsReceipt>(org, "/receive/record", new
                    {
                        facility_code = facility.Key,
                        reference = new { kind = "return", id = ret.ReturnGuid },
                        lines = byVariant.Select(v => new { variant_guid = v.Variant, quantity = v.Quantity, state }).ToList(),
                    }, OrderSagaKeys.Restock(ret.ReturnGuid, facility.Key, state), CancellationToken.None);
                    receipts.Add(receipt.ReceiptGuid);
                    if (condition == ReturnCondition.Damaged)
                    {
                        await sources.IcsAsync<IcsReceipt>(org, "/qc/complete", new
                        {
                            receipt_guid = receipt.ReceiptGuid,
                            expected_revision = 1,
                            lines = byVariant.Select(v => new { variant_guid = v.Variant, passed = 0, failed = v.Quantity }).ToList(),
                        }, OrderSagaKeys.Inspect(ret.ReturnGuid, facility.Key), CancellationToken.None);
                    }
                }
            }
        }
        catch (ServiceRefusedException refused) when (!OrderSagaRefusals.IsTransient(refused))
        {
            // The goods are back but ICS will not take them (an unknown or inactive facility or variant): kept on the
            // return for a person; the refund still follows.
            failure = $"{refused.Code}: {refused.Detail}";
            failure = failure.Length > 500 ? failure[..500] : failure;
        }
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var loaded = await returns.GetAsync(org, input.ReturnGuid) ?? throw new InvalidOperationException($"return {input.ReturnGuid} is gone");
            if (!OrderSagaRules.NeedsRestock(loaded.Record))
            {
                return "restocked";
            }
            var next = failure is null
                ? loaded.Record with { RestockedAt = clock.GetUtcNow(), RestockReceipts = receipts }
                : loaded.Record with { RestockFailure = failure, RestockReceipts = receipts };
            if ((await returns.UpdateAsync(org, loaded, next, failure is null ? "restocked" : "restock_failed")).Succeeded)
            {
                return failure is null ? "restocked" : "restock_failed";
            }
        }
        throw new InvalidOperationException($"return {input.ReturnGuid} kept changing while it was restocked");
    }

    private sealed record IcsReceipt(string ReceiptGuid, long Revision);
}
