using Dapr.Workflow;
using Microsoft.Extensions.Logging;
using Retail.Pcm.Policy;

namespace Retail.Pcm.Receiving.Saga;

public sealed record ProcureToStockInput(string Orgcode, string ReceiptGuid);

/// <summary>
/// Procure→receive→stock for one receipt (instance <see cref="Receipt.InstanceIdOf"/>): ICS receive (into available or
/// qc_hold) → putaway of each line that names a bin → complete (receipt <c>stocked</c>, the PO's <c>stocked</c> and statuses,
/// in one batch). ICS refusing the receipt (4xx) compensates: the receipt <c>failed</c> and the PO's <c>received</c> given
/// back. Unavailability (5xx, timeouts) is retried by <see cref="Retry"/>; every ICS write carries a key derived from the
/// receipt, and every PCM step checks the receipt's status first, so a step run again after a crash has its effect once.
/// </summary>
public sealed class ProcureToStockWorkflow : Workflow<ProcureToStockInput, string>
{
    public static readonly WorkflowTaskOptions Retry = new(new WorkflowRetryPolicy(
        maxNumberOfAttempts: 12, firstRetryInterval: TimeSpan.FromMilliseconds(500), backoffCoefficient: 2, maxRetryInterval: TimeSpan.FromSeconds(60)));

    public override async Task<string> RunAsync(WorkflowContext context, ProcureToStockInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var logger = context.CreateReplaySafeLogger<ProcureToStockWorkflow>();
        context.SetCustomStatus(new { step = "receive" });
        var received = await context.CallActivityAsync<IcsReceiveOutcome>(nameof(ReceiveIntoIcsActivity), input, Retry);
        if (received.Done)
        {
            return "already_done";
        }
        if (received.RefusedCode is { } code)
        {
            logger.LogWarning("Receipt {ReceiptGuid}: ICS refused it ({Code}); compensating", input.ReceiptGuid, code);
            context.SetCustomStatus(new { step = "compensate" });
            await context.CallActivityAsync<string>(nameof(FailReceiptActivity), new FailReceiptInput(input.Orgcode, input.ReceiptGuid, code, received.RefusedDetail), Retry);
            return "failed";
        }
        var putawayFailures = new List<string>();
        foreach (var line in received.Putaways)
        {
            context.SetCustomStatus(new { step = "putaway", line = line.PoLineNo });
            var failure = await context.CallActivityAsync<string?>(nameof(PutawayActivity),
                new PutawayInput(input.Orgcode, input.ReceiptGuid, received.FacilityCode, line.PoLineNo, line.VariantGuid, line.Quantity, line.BinCode), Retry);
            if (failure is not null)
            {
                putawayFailures.Add(failure);
            }
        }
        context.SetCustomStatus(new { step = "complete" });
        return await context.CallActivityAsync<string>(nameof(CompleteReceiptActivity),
            new CompleteReceiptInput(input.Orgcode, input.ReceiptGuid, received.IcsReceiptGuid!, putawayFailures), Retry);
    }
}

/// <summary>A line the saga puts away after receiving (into available, naming a bin).</summary>
public sealed record PutawayLine(int PoLineNo, string VariantGuid, long Quantity, string BinCode);

/// <param name="Done">The receipt was no longer <c>recorded</c> (a replay after it was stocked or failed): nothing to do.</param>
public sealed record IcsReceiveOutcome(bool Done, string FacilityCode, string? IcsReceiptGuid, string? RefusedCode, string? RefusedDetail,
    IReadOnlyList<PutawayLine> Putaways);

public sealed record PutawayInput(string Orgcode, string ReceiptGuid, string FacilityCode, int PoLineNo, string VariantGuid, long Quantity, string BinCode);

public sealed record CompleteReceiptInput(string Orgcode, string ReceiptGuid, string IcsReceiptGuid, IReadOnlyList<string> PutawayFailures);

public sealed record FailReceiptInput(string Orgcode, string ReceiptGuid, string Code, string? Detail);

/// <summary>What the saga sends ICS and how it names it there.</summary>
public static class ProcureToStockKeys
{
    /// <summary>The reference of ICS's receipt: the PO (ICS lists a PO's receipts by it).</summary>
    public const string ReferenceKind = "po";

    /// <summary>The Idempotency-Key of a receipt's ICS receive: the same on every attempt and after every restart.</summary>
    public static string Receive(string receiptGuid) => $"pcm-receipt:{receiptGuid}:receive";

    public static string Putaway(string receiptGuid, int poLineNo) => $"pcm-receipt:{receiptGuid}:putaway:{poLineNo}";

    /// <summary>ICS's state for a receipt line.</summary>
    public static string StateOf(ReceiveInto into) => into == ReceiveInto.QcHold ? "qc_hold" : "available";
}
