using System.Text.Json;
using Microsoft.Extensions.Logging;
using Retail.Pcm.Buying;
using Retail.Pcm.Policy;
using Retail.Pcm.Receiving.Saga;
using Retail.Shared;
using Retail.Shared.Json;
using Retail.Workflows.Scheduling;

namespace Retail.Pcm.Receiving;

/// <summary>
/// Receipts against PO lines (UC-PCM-002): recorded in one batch with the PO's received quantities (ETag-checked, so two
/// concurrent receipts cannot both pass the over-receipt tolerance), then put into ICS by <see cref="ProcureToStockWorkflow"/>.
/// </summary>
public static class ReceiptsApi
{
    /// <summary>How often a receipt is decided again when another receipt changed the PO first.</summary>
    private const int Attempts = 32;

    public static RouteGroupBuilder MapReceiptEndpoints(this IEndpointRouteBuilder routes)
    {
        var receipts = routes.MapGroup("/receipt").WithTags("Receipts");
        receipts.MapPost("/record", Record).RequireRole(Role.Member).AsWrite()
            .WithSummary("Record goods received against an issued PO's lines (partial receipts; beyond the over-receipt tolerance 422 over_receipt); the saga puts them into ICS.");
        receipts.MapPost("/get", Get).RequireRole(Role.Viewer).WithSummary("A receipt: its lines, status (recorded, stocked, failed) and ICS receipt.");
        receipts.MapPost("/list", List).RequireRole(Role.Viewer).WithSummary("Receipts newest first, by PO, vendor, or facility (and status), or by status.");
        return receipts;
    }

    public static async Task<Results<Created<Receipt>, ProblemHttpResult>> Record(RecordReceiptRequest request, RecordStore<PurchaseOrder> pos,
        RecordStore<Receipt> receipts, RecordStore<ProcurementPolicy> policies, IWorkflowScheduler scheduler, RequestContext context,
        TimeProvider clock, ILoggerFactory loggers, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var policy = await policies.CurrentAsync(orgcode, ct);
        for (var attempt = 0; ; attempt++)
        {
            var loaded = request.PoGuid is { } poGuid
                ? await pos.GetAsync(orgcode, poGuid.Trim().ToLowerInvariant(), ct: ct)
                : await pos.FindAsync(orgcode, "po_number", request.PoNumber!.Trim(), ct);
            if (loaded is null)
            {
                return PcmProblems.UnknownReference(request.PoGuid is null ? "po_number" : "po_guid", "No such purchase order in this org.");
            }
            var (receipt, problem) = Decide(orgcode, request, loaded.Record, policy, context.RequirePrincipal().Id, clock.GetUtcNow());
            if (problem is not null)
            {
                return problem;
            }
            var batch = new RecordBatch();
            var staged = receipts.Create(batch, orgcode, receipt!, [ReceivingEvents.Of(PcmEvents.ReceiptRecorded, orgcode, receipt!, 1)]);
            pos.Update(batch, orgcode, loaded, ReceiptRules.Received(loaded.Record, receipt!));
            var write = await batch.CommitAsync(ct);
            if (write.Succeeded)
            {
                await StartSagaAsync(scheduler, orgcode, staged, loggers.CreateLogger(typeof(ReceiptsApi)), ct);
                return TypedResults.Created((string?)null, staged);
            }
            if (write.Outcome != RecordWriteOutcome.RevisionMismatch || attempt + 1 >= Attempts)
            {
                return write.Problem();
            }
        }
    }

    /// <summary>
    /// The receipt a request makes of the PO as it stands, or why not: the PO takes receipts, every line names one open PO
    /// line (each once, each variant once) and none passes the over-receipt tolerance.
    /// </summary>
    public static (Receipt? Receipt, ProblemHttpResult? Problem) Decide(string orgcode, RecordReceiptRequest request, PurchaseOrder po,
        ProcurementPolicy policy, string receivedBy, DateTimeOffset now)
    {
        if (!ReceiptRules.TakesReceipts(po.Status))
        {
            return (null, PcmProblems.PoNotReceivable($"Purchase order {po.PoNumber} is {SnakeCase.Name(po.Status)}; receipts need issued or partially_received."));
        }
        var lines = new List<ReceiptLine>();
        var shut = new List<int>();
        for (var i = 0; i < request.Lines!.Count; i++)
        {
            var asked = request.Lines[i];
            PoLine? line;
            if (asked.PoLineNo is { } no)
            {
                line = po.Line(no);
                if (line is null)
                {
                    return (null, PcmProblems.UnknownReference($"lines[{i}].po_line_no", $"Purchase order {po.PoNumber} has no line {no}."));
                }
            }
            else
            {
                var variant = asked.VariantGuid!.Trim().ToLowerInvariant();
                var matching = po.Lines.Where(l => l.VariantGuid == variant).ToList();
                if (matching.Count != 1)
                {
                    return (null, matching.Count == 0
                        ? PcmProblems.UnknownReference($"lines[{i}].variant_guid", $"Purchase order {po.PoNumber} has no line of variant {variant}.")
                        : ApiProblem.Validation($"lines[{i}].variant_guid", "names a variant on several PO lines; give po_line_no"));
                }
                line = matching[0];
            }
            if (ReceiptRules.IsShut(line.Status))
            {
                shut.Add(line.LineNo);
            }
            lines.Add(new ReceiptLine(line.LineNo, line.VariantGuid, asked.Quantity!.Value, line.UnitCostMinor, asked.Into ?? policy.ReceiveInto,
                asked.BinCode is null ? null : Codes.Normalize(asked.BinCode)));
        }
        if (lines.GroupBy(l => l.PoLineNo).Any(g => g.Count() > 1) || lines.GroupBy(l => l.VariantGuid).Any(g => g.Count() > 1))
        {
            return (null, ApiProblem.Validation("lines", "names each PO line and each variant once"));
        }
        if (shut.Count > 0)
        {
            return (null, PcmProblems.PoLineClosed($"Purchase order {po.PoNumber}: line(s) {string.Join(", ", shut)} closed or cancelled.", shut));
        }
        var over = ReceiptRules.OverReceived(po, lines.Select(l => (l.PoLineNo, l.Quantity)), policy.OverReceiptTolerancePercent);
        if (over.Count > 0)
        {
            return (null, PcmProblems.OverReceipt(
                $"Line(s) {string.Join(", ", over.Select(o => o.PoLineNo))} would pass the ordered quantity plus {policy.OverReceiptTolerancePercent}%.",
                over.Cast<object>().ToList()));
        }
        var receiptGuid = Ids.New();
        return (new Receipt
        {
            ReceiptGuid = receiptGuid,
            PoGuid = po.PoGuid,
            PoNumber = po.PoNumber,
            VendorGuid = po.VendorGuid,
            FacilityCode = po.ShipToFacilityCode,
            Currency = po.Currency,
            Lines = lines,
            DeliveryNote = RequestRules.Trimmed(request.DeliveryNote),
            ReceivedBy = receivedBy,
            ReceivedAt = now,
            WorkflowInstanceId = Receipt.InstanceIdOf(orgcode, receiptGuid),
        }, null);
    }

    /// <summary>
    /// Starts the receipt's saga. The receipt is already committed: if this start is lost (a crash, an engine error), the
    /// receipt.recorded subscriber starts it from the outbox, so it is logged, not answered as a failure.
    /// </summary>
    public static async Task StartSagaAsync(IWorkflowScheduler scheduler, string orgcode, Receipt receipt, ILogger logger, CancellationToken ct)
    {
        try
        {
            var input = JsonSerializer.SerializeToElement(new ProcureToStockInput(orgcode, receipt.ReceiptGuid), RetailJson.Storage);
            await scheduler.StartAsync(nameof(ProcureToStockWorkflow), Receipt.InstanceIdOf(orgcode, receipt.ReceiptGuid), input, ct);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException and not OperationCanceledException)
        {
            logger.LogWarning(ex, "Receipt {ReceiptGuid}: the saga did not start here; the receipt.recorded subscriber starts it", receipt.ReceiptGuid);
        }
    }

    public static async Task<Results<Ok<Receipt>, ProblemHttpResult>> Get(ReceiptKeyRequest request, RecordStore<Receipt> receipts, RequestContext context,
        CancellationToken ct) =>
        await receipts.GetAsync(context.RequireOrgcode(), request.ReceiptGuid!.Trim().ToLowerInvariant(), ct: ct) is { } loaded
            ? TypedResults.Ok(loaded.Record)
            : ApiProblem.NotFound("No such receipt.");

    public static async Task<Ok<Page<Receipt>>> List(ListReceiptsRequest request, RecordStore<Receipt> receipts, RequestContext context, CancellationToken ct)
    {
        var filters = new List<StateFilter>();
        if (request.PoGuid is { } po)
        {
            filters.Add(StateFilter.Eq("po_guid", po.Trim().ToLowerInvariant()));
        }
        if (request.VendorGuid is { } vendor)
        {
            filters.Add(StateFilter.Eq("vendor_guid", vendor.Trim().ToLowerInvariant()));
        }
        if (request.FacilityCode is { } facility)
        {
            filters.Add(StateFilter.Eq("facility_code", Codes.Normalize(facility)));
        }
        if (request.Status is { } status)
        {
            filters.Add(StateFilter.Eq("status", status));
        }
        return TypedResults.Ok(await receipts.ListAsync(context.RequireOrgcode(), filters, Paging.LimitOf(request), request.NextToken,
            sort: [new StateSort("created_ms", Descending: true)], ct: ct));
    }
}
