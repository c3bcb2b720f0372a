using Retail.Pcm.Buying;
using Retail.Pcm.Receiving;
using Retail.Pcm.Sources;
using Retail.Shared;

namespace Retail.Pcm.Payables;

/// <summary>
/// Returns to vendor (UC-PCM-004): the stock leaves ICS first (one shrink adjustment per line, keyed by the RTV guid), then
/// the RTV, the receipts' and the POs' returned quantities commit in one batch; a refusal after stock left puts it back.
/// Receive records the vendor's acknowledgement and the vendor credit expected, in one batch.
/// </summary>
public static class RtvApi
{
    private const int Attempts = 5;
    public const string StockOutReason = "shrink";
    public const string StockBackReason = "correction";

    public static RouteGroupBuilder MapRtv(this IEndpointRouteBuilder routes)
    {
        var rtv = routes.MapGroup("/rtv").WithTags("Returns to vendor");
        rtv.MapPost("/create", Create).RequireRole(Role.Member).AsWrite()
            .WithSummary("Return stocked goods of receipts to their vendor within its RTV window: the stock leaves ICS, the receipts' returned quantities rise.");
        rtv.MapPost("/receive", Receive).RequireRole(Role.Member).AsWrite()
            .WithSummary("Record the vendor's acknowledgement of an RTV and the vendor credit expected for it.");
        rtv.MapPost("/get", Get).RequireRole(Role.Viewer).WithSummary("Read an RTV by rtv_guid.");
        rtv.MapPost("/list", List).RequireRole(Role.Viewer).WithSummary("List RTVs by status or vendor.");
        return rtv;
    }

    public static async Task<Results<Created<Rtv>, ProblemHttpResult>> Create(CreateRtvRequest request, RecordStore<Rtv> rtvs,
        RecordStore<Receipt> receipts, RecordStore<PurchaseOrder> pos, PcmSources sources, RequestContext context, TimeProvider clock,
        ILoggerFactory logs, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        PvmVendor? vendor;
        try
        {
            vendor = await sources.VendorAsync(orgcode, request.VendorGuid is null ? null : PayablesRequestRules.GuidKey(request.VendorGuid),
                request.VendorGuid is null ? Codes.Normalize(request.VendorCode) : null, ct);
        }
        catch (SourceUnavailableException)
        {
            return ApiProblem.DependencyUnavailable(PcmSources.Pvm);
        }
        if (vendor is null)
        {
            return PcmProblems.UnknownReference(request.VendorGuid is null ? "vendor_code" : "vendor_guid", "No such vendor.");
        }
        var asked = request.Lines!.Select(l => new ReturnedLine(PayablesRequestRules.GuidKey(l.ReceiptGuid!), l.PoLineNo!.Value, l.Quantity!.Value,
            l.Reason!.Trim())).ToList();
        var receiptKeys = asked.Select(l => l.ReceiptGuid).Distinct(StringComparer.Ordinal).ToList();
        var found = (await receipts.GetManyAsync(orgcode, receiptKeys, ct: ct)).ToDictionary(r => r.ReceiptGuid, StringComparer.Ordinal);
        var (lines, refused) = RtvRules.Check(vendor.VendorGuid, vendor.Terms?.RtvWindowDays, found, asked, clock.GetUtcNow());
        if (refused is not null)
        {
            return refused;
        }
        var rtvGuid = Ids.New();
        var stock = new StockOut(sources, orgcode, rtvGuid, logs.CreateLogger(typeof(RtvApi)));
        if (await stock.TakeAsync(lines!, ct) is { } notTaken)
        {
            return notTaken;
        }
        var rtv = new Rtv
        {
            RtvGuid = rtvGuid,
            VendorGuid = vendor.VendorGuid,
            VendorCode = vendor.VendorCode,
            Currency = found[lines![0].ReceiptGuid].Currency,
            Lines = lines,
            AmountMinor = lines.Sum(l => l.AmountMinor),
            Note = RequestRules.Trimmed(request.Note),
            CreatedBy = context.RequirePrincipal().Id,
            IcsAdjustmentGuids = stock.AdjustmentGuids,
            Revision = 1,
        };
        for (var attempt = 1; ; attempt++)
        {
            var loadedReceipts = await receipts.LoadManyAsync(orgcode, receiptKeys, ct);
            var (checkedLines, nowRefused) = RtvRules.Check(vendor.VendorGuid, vendor.Terms?.RtvWindowDays,
                loadedReceipts.ToDictionary(r => r.Key, r => r.Value.Record, StringComparer.Ordinal), asked, clock.GetUtcNow());
            if (nowRefused is not null)
            {
                return await stock.PutBackAsync(ct) ?? nowRefused;
            }
            var loadedPos = await pos.LoadManyAsync(orgcode, checkedLines!.Select(l => l.PoGuid).Distinct(StringComparer.Ordinal).ToList(), ct);
            var batch = new RecordBatch();
            var created = rtvs.Create(batch, orgcode, rtv, [PayablesEvents.Of(PcmEvents.RtvCreated, orgcode, rtv)]);
            foreach (var receipt in loadedReceipts.Values)
            {
                receipts.Update(batch, orgcode, receipt, RtvRules.Return(receipt.Record, checkedLines!), "returned");
            }
            foreach (var po in loadedPos.Values)
            {
                pos.Update(batch, orgcode, po, RtvRules.Return(po.Record, checkedLines!), "returned");
            }
            var write = await batch.CommitAsync(ct);
            if (write.Succeeded)
            {
                return TypedResults.Created((string?)null, created);
            }
            if (write.Outcome != RecordWriteOutcome.RevisionMismatch || attempt == Attempts)
            {
                return await stock.PutBackAsync(ct) ?? write.Problem();
            }
        }
    }

    public static async Task<Results<Ok<Rtv>, ProblemHttpResult>> Receive(ReceiveRtvRequest request, RecordStore<Rtv> rtvs, RecordStore<VendorCredit> credits,
        RequestContext context, TimeProvider clock, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await rtvs.LoadForChangeAsync(orgcode, PayablesRequestRules.GuidKey(request.RtvGuid!), request.ExpectedRevision, ct: ct);
        if (problem is not null)
        {
            return problem;
        }
        var current = loaded!.Record;
        if (Rtv.Lifecycle.Check(current.Status, RtvStatus.Received) is { } refused)
        {
            return refused;
        }
        var by = context.RequirePrincipal().Id;
        var now = clock.GetUtcNow();
        var amount = request.CreditAmountMinor ?? current.AmountMinor;
        var credit = amount == 0 ? null : new VendorCredit
        {
            CreditGuid = Ids.New(),
            VendorGuid = current.VendorGuid,
            VendorCode = current.VendorCode,
            Currency = current.Currency,
            AmountMinor = amount,
            RemainingMinor = amount,
            Source = CreditSource.Rtv,
            SourceGuid = current.RtvGuid,
            VendorReference = request.VendorReference!.Trim(),
            CreatedBy = by,
        };
        var next = current with
        {
            Status = RtvStatus.Received,
            VendorReference = request.VendorReference!.Trim(),
            AcknowledgedOn = request.AcknowledgedOn ?? DateOnly.FromDateTime(now.UtcDateTime),
            ReceivedBy = by,
            ReceivedAt = now,
            CreditGuid = credit?.CreditGuid,
            CreditAmountMinor = amount,
            Revision = current.Revision + 1,
        };
        var batch = new RecordBatch();
        var updated = rtvs.Update(batch, orgcode, loaded, next, "status_changed", [PayablesEvents.Of(PcmEvents.RtvReceived, orgcode, next)]);
        if (credit is not null)
        {
            credits.Create(batch, orgcode, credit);
        }
        var write = await batch.CommitAsync(ct);
        return write.Succeeded ? TypedResults.Ok(updated) : write.Problem();
    }

    public static async Task<Results<Ok<Rtv>, ProblemHttpResult>> Get(RtvKey request, RecordStore<Rtv> store, RequestContext context, CancellationToken ct) =>
        await store.GetAsync(context.RequireOrgcode(), PayablesRequestRules.GuidKey(request.RtvGuid!), ct: ct) is { } loaded
            ? TypedResults.Ok(loaded.Record)
            : ApiProblem.NotFound("No such RTV.");

    public static async Task<Ok<Page<Rtv>>> List(RtvListRequest request, RecordStore<Rtv> store, RequestContext context, CancellationToken ct)
    {
        var filters = new List<StateFilter>();
        if (request.VendorGuid is { } vendor)
        {
            filters.Add(StateFilter.Eq("vendor_guid", PayablesRequestRules.GuidKey(vendor)));
        }
        if (request.Status is { } status)
        {
            filters.Add(StateFilter.Eq("status", status));
        }
        return TypedResults.Ok(await store.ListAsync(context.RequireOrgcode(), filters, Paging.LimitOf(request), request.NextToken, ct: ct));
    }

    /// <summary>
    /// The RTV's stock leaving ICS, line by line (Idempotency-Key <c>{rtv_guid}:{line}</c>), and put back (<c>…:undo</c>) when
    /// a later line or the RTV's own batch is refused, so that a refused RTV leaves ICS as it found it.
    /// </summary>
    private sealed class StockOut(PcmSources sources, string orgcode, string rtvGuid, ILogger logger)
    {
        private readonly List<(RtvLine Line, int No)> _taken = [];

        public List<string> AdjustmentGuids { get; } = [];

        public async Task<ProblemHttpResult?> TakeAsync(IReadOnlyList<RtvLine> lines, CancellationToken ct)
        {
            for (var i = 0; i < lines.Count; i++)
            {
                var line = lines[i];
                try
                {
                    var adjustment = await sources.AdjustStockAsync(orgcode, line.FacilityCode, line.VariantGuid, -line.Quantity, StockOutReason, line.BinCode,
                        $"rtv {rtvGuid}: {line.Reason}", $"{rtvGuid}:{i + 1}", ct);
                    _taken.Add((line, i + 1));
                    AdjustmentGuids.Add(adjustment.AdjustmentGuid);
                }
                catch (SourceRefusedException e)
                {
                    var undone = await PutBackAsync(ct);
                    return undone ?? (e.Code == "insufficient_stock"
                        ? PcmProblems.InsufficientStock($"ICS has not enough available stock of variant {line.VariantGuid} at {line.FacilityCode} to return {line.Quantity}: {e.Detail}")
                        : ApiProblem.Create(e.Status, e.Code, "ICS refused the stock leaving.", e.Detail));
                }
                catch (SourceUnavailableException)
                {
                    return await PutBackAsync(ct) ?? ApiProblem.DependencyUnavailable(PcmSources.Ics);
                }
            }
            return null;
        }

        /// <summary>Null when everything taken is back in ICS; else 503 (logged: stock left ICS without an RTV).</summary>
        public async Task<ProblemHttpResult?> PutBackAsync(CancellationToken ct)
        {
            foreach (var (line, no) in _taken)
            {
                try
                {
                    await sources.AdjustStockAsync(orgcode, line.FacilityCode, line.VariantGuid, line.Quantity, StockBackReason, line.BinCode,
                        $"rtv {rtvGuid} not recorded: stock put back", $"{rtvGuid}:{no}:undo", CancellationToken.None);
                }
                catch (Exception e) when (e is SourceRefusedException or SourceUnavailableException)
                {
                    logger.LogError(e, "RTV {RtvGuid}: {Quantity} of {Variant} at {Facility} left ICS and could not be put back", rtvGuid, line.Quantity,
                        line.VariantGuid, line.FacilityCode);
                    return ApiProblem.DependencyUnavailable(PcmSources.Ics);
                }
            }
            _taken.Clear();
            return null;
        }
    }
}
