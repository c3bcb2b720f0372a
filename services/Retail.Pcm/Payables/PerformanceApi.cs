using FluentValidation;
using Microsoft.Extensions.Options;
using Retail.Pcm.Buying;
using Retail.Pcm.Receiving;
using Retail.Shared.Events;
using Retail.Shared.Hosting;

namespace Retail.Pcm.Payables;

public sealed record PerformanceListRequest(string? VendorGuid, string? VendorCode, int? Limit, string? NextToken) : IPagedRequest;

public sealed class PerformanceListRequestValidator : AbstractValidator<PerformanceListRequest>
{
    public PerformanceListRequestValidator()
    {
        this.AddPagingRules();
        RuleFor(r => r.VendorGuid).OptionalGuid();
        RuleFor(r => r.VendorCode).OptionalCode();
    }
}

/// <summary>Which PCM record an event is about (whichever of these its data names).</summary>
public sealed record PcmEventRef(string? PoGuid, string? ReceiptGuid, string? InvoiceGuid, string? RtvGuid);

/// <summary>Adds a source record's figures to its vendor's performance once: the mark and the new figures commit together.</summary>
public sealed class PerformanceLedger(RecordStore<VendorPerformance> performances, RecordStore<PerformanceMark> marks)
{
    private const int Attempts = 8;

    /// <returns>False when the record was already counted.</returns>
    public async Task<bool> CountAsync(string orgcode, string markKey, VendorPerformance delta, CancellationToken ct)
    {
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            if (await marks.GetAsync(orgcode, markKey, ct: ct) is not null)
            {
                return false;
            }
            var current = await performances.GetAsync(orgcode, delta.VendorGuid, ct: ct);
            var batch = new RecordBatch();
            marks.Create(batch, orgcode, new PerformanceMark { MarkKey = markKey, VendorGuid = delta.VendorGuid });
            if (current is null)
            {
                performances.Create(batch, orgcode, PerformanceRules.Empty(delta.VendorGuid, delta.VendorCode).Add(delta));
            }
            else
            {
                performances.Update(batch, orgcode, current, current.Record.Add(delta));
            }
            if ((await batch.CommitAsync(ct)).Succeeded)
            {
                return true;
            }
        }
        throw new InvalidOperationException($"vendor performance {delta.VendorGuid} kept changing while {markKey} was counted");
    }
}

/// <summary>
/// <c>/vendor/performance/list</c> and the subscribers that keep it: <c>po.received</c>/<c>po.closed</c> (on-time and fill
/// rate), <c>receipt.stocked</c>, <c>invoice.matched</c>/<c>invoice.exception</c> (price variance), <c>rtv.created</c>. Each
/// reads the record its event names from PCM's own store and counts it once.
/// </summary>
public static class PerformanceApi
{
    public static readonly string[] PoTopics = [PcmEvents.PoReceived, PcmEvents.PoClosed];
    public static readonly string[] InvoiceTopics = [PcmEvents.InvoiceMatched, PcmEvents.InvoiceException];

    public static IEndpointRouteBuilder MapPerformance(this IEndpointRouteBuilder routes)
    {
        routes.MapGroup("/vendor/performance").WithTags("Vendor performance").MapPost("/list", List).RequireRole(Role.Viewer)
            .WithSummary("Per vendor: on-time rate, fill rate, price variance and counts, kept up from POs, receipts, invoices and RTVs as they happen.");
        var pubSub = routes.ServiceProvider.GetRequiredService<IOptions<RetailOptions>>().Value.PubSubName;
        var po = routes.MapPost("/events/pcm-po-completed", OnPoCompleted).RequireInternal().ExcludeFromDescription();
        foreach (var topic in PoTopics)
        {
            po.WithTopic(pubSub, topic);
        }
        var invoice = routes.MapPost("/events/pcm-invoice", OnInvoice).RequireInternal().ExcludeFromDescription();
        foreach (var topic in InvoiceTopics)
        {
            invoice.WithTopic(pubSub, topic);
        }
        routes.MapPost("/events/pcm-receipt-stocked", OnReceiptStocked).WithTopic(pubSub, PcmEvents.ReceiptStocked).RequireInternal().ExcludeFromDescription();
        routes.MapPost("/events/pcm-rtv-created", OnRtvCreated).WithTopic(pubSub, PcmEvents.RtvCreated).RequireInternal().ExcludeFromDescription();
        return routes;
    }

    public static async Task<Ok<Page<VendorPerformanceView>>> List(PerformanceListRequest request, RecordStore<VendorPerformance> store,
        RequestContext context, CancellationToken ct)
    {
        var filters = new List<StateFilter>();
        if (request.VendorGuid is { } guid)
        {
            filters.Add(StateFilter.Eq("vendor_guid", PayablesRequestRules.GuidKey(guid)));
        }
        if (request.VendorCode is { } code)
        {
            filters.Add(StateFilter.Eq("vendor_code", Codes.Normalize(code)));
        }
        var page = await store.ListAsync(context.RequireOrgcode(), filters, Paging.LimitOf(request), request.NextToken, ct: ct);
        return TypedResults.Ok(new Page<VendorPerformanceView>(page.Items.Select(VendorPerformanceView.Of).ToList(), page.NextToken));
    }

    public static async Task<Results<Ok, BadRequest>> OnPoCompleted(HttpContext http, RecordStore<PurchaseOrder> pos, PerformanceLedger ledger,
        CancellationToken ct)
    {
        var (orgcode, source) = await ReadAsync(http, ct);
        if (orgcode is null || source?.PoGuid is not { } poGuid)
        {
            return TypedResults.BadRequest();
        }
        if (await pos.GetAsync(orgcode, poGuid, ct: ct) is { Record: { Status: PoStatus.Received or PoStatus.Closed } po })
        {
            await ledger.CountAsync(orgcode, $"po:{po.PoGuid}", PerformanceRules.FromPo(po), ct);
        }
        return TypedResults.Ok();
    }

    public static async Task<Results<Ok, BadRequest>> OnReceiptStocked(HttpContext http, RecordStore<Receipt> receipts, RecordStore<PurchaseOrder> pos,
        PerformanceLedger ledger, CancellationToken ct)
    {
        var (orgcode, source) = await ReadAsync(http, ct);
        if (orgcode is null || source?.ReceiptGuid is not { } receiptGuid)
        {
            return TypedResults.BadRequest();
        }
        if (await receipts.GetAsync(orgcode, receiptGuid, ct: ct) is { Record: { Status: ReceiptStatus.Stocked } receipt })
        {
            var vendorCode = (await pos.GetAsync(orgcode, receipt.PoGuid, ct: ct))?.Record.VendorCode ?? "";
            await ledger.CountAsync(orgcode, $"receipt:{receipt.ReceiptGuid}", PerformanceRules.FromReceipt(receipt, vendorCode), ct);
        }
        return TypedResults.Ok();
    }

    public static async Task<Results<Ok, BadRequest>> OnInvoice(HttpContext http, RecordStore<Invoice> invoices, PerformanceLedger ledger,
        CancellationToken ct)
    {
        var (orgcode, source) = await ReadAsync(http, ct);
        if (orgcode is null || source?.InvoiceGuid is not { } invoiceGuid)
        {
            return TypedResults.BadRequest();
        }
        if (await invoices.GetAsync(orgcode, invoiceGuid, ct: ct) is { } invoice)
        {
            await ledger.CountAsync(orgcode, $"invoice:{invoice.Record.InvoiceGuid}", PerformanceRules.FromInvoice(invoice.Record), ct);
        }
        return TypedResults.Ok();
    }

    public static async Task<Results<Ok, BadRequest>> OnRtvCreated(HttpContext http, RecordStore<Rtv> rtvs, PerformanceLedger ledger, CancellationToken ct)
    {
        var (orgcode, source) = await ReadAsync(http, ct);
        if (orgcode is null || source?.RtvGuid is not { } rtvGuid)
        {
            return TypedResults.BadRequest();
        }
        if (await rtvs.GetAsync(orgcode, rtvGuid, ct: ct) is { } rtv)
        {
            await ledger.CountAsync(orgcode, $"rtv:{rtv.Record.RtvGuid}", PerformanceRules.FromRtv(rtv.Record), ct);
        }
        return TypedResults.Ok();
    }

    /// <summary>The event's org (its data's <c>orgcode</c>, else the delivery's <c>x-orgcode</c>) and the record it names.</summary>
    private static async Task<(string? Orgcode, PcmEventRef? Source)> ReadAsync(HttpContext http, CancellationToken ct)
    {
        var (orgcode, source) = await OrgEventBody.ReadAsync<PcmEventRef>(http, ct);
        var org = orgcode ?? (http.Request.Headers.TryGetValue("x-orgcode", out var header) ? header.ToString() : null);
        return (string.IsNullOrEmpty(org) ? null : org, source);
    }
}
