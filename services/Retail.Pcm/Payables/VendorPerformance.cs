using System.Text.Json.Serialization;
using Retail.Pcm.Buying;
using Retail.Pcm.Receiving;

namespace Retail.Pcm.Payables;

/// <summary>
/// A vendor's running procurement figures, kept up by PCM's own events (one <see cref="PerformanceMark"/> per counted PO,
/// receipt, invoice and RTV, created in the same batch, so a redelivered event counts nothing twice). Reading performance
/// never reads a PO.
/// </summary>
public sealed record VendorPerformance : Record
{
    public required string VendorGuid { get; init; }

    public required string VendorCode { get; init; }

    /// <summary>POs received in full or closed.</summary>
    public long PosCompleted { get; init; }

    /// <summary>Lines of completed POs (cancelled lines left out).</summary>
    public long LinesCompleted { get; init; }

    /// <summary>Of <see cref="LinesCompleted"/>: fully received no later than the PO's expected date.</summary>
    public long LinesOnTime { get; init; }

    /// <summary>Ordered over the completed POs' lines.</summary>
    public long OrderedQuantity { get; init; }

    /// <summary>Received over the completed POs' lines (capped at what each line ordered).</summary>
    public long ReceivedQuantity { get; init; }

    public long ReceiptsStocked { get; init; }

    public long UnitsStocked { get; init; }

    public long InvoicesMatched { get; init; }

    public long InvoicesException { get; init; }

    /// <summary>Σ invoiced line amounts (minor units, whatever currency the POs were in).</summary>
    public long InvoicedMinor { get; init; }

    /// <summary>Σ the same invoiced quantities at the PO's unit cost.</summary>
    public long InvoicedAtPoCostMinor { get; init; }

    public long RtvsCreated { get; init; }

    public long UnitsReturned { get; init; }

    [JsonIgnore]
    public override string Key => VendorGuid;

    public static RecordType<VendorPerformance> Type { get; } = new RecordType<VendorPerformance>("vendor_performance")
        .IndexBy("vendor_guid")
        .IndexBy("vendor_code");

    public VendorPerformance Add(VendorPerformance delta) => this with
    {
        PosCompleted = PosCompleted + delta.PosCompleted,
        LinesCompleted = LinesCompleted + delta.LinesCompleted,
        LinesOnTime = LinesOnTime + delta.LinesOnTime,
        OrderedQuantity = OrderedQuantity + delta.OrderedQuantity,
        ReceivedQuantity = ReceivedQuantity + delta.ReceivedQuantity,
        ReceiptsStocked = ReceiptsStocked + delta.ReceiptsStocked,
        UnitsStocked = UnitsStocked + delta.UnitsStocked,
        InvoicesMatched = InvoicesMatched + delta.InvoicesMatched,
        InvoicesException = InvoicesException + delta.InvoicesException,
        InvoicedMinor = InvoicedMinor + delta.InvoicedMinor,
        InvoicedAtPoCostMinor = InvoicedAtPoCostMinor + delta.InvoicedAtPoCostMinor,
        RtvsCreated = RtvsCreated + delta.RtvsCreated,
        UnitsReturned = UnitsReturned + delta.UnitsReturned,
    };
}

/// <summary>That one source record (<c>po:…</c>, <c>receipt:…</c>, <c>invoice:…</c>, <c>rtv:…</c>) is counted in its vendor's performance.</summary>
public sealed record PerformanceMark : Record
{
    public required string MarkKey { get; init; }

    public required string VendorGuid { get; init; }

    [JsonIgnore]
    public override string Key => MarkKey;

    public static RecordType<PerformanceMark> Type { get; } = new("vendor_performance_mark");
}

/// <summary>What a vendor's performance shows: its counters and the rates made from them (null until there is something to rate).</summary>
/// <param name="OnTimeRate">Lines fully received by the PO's expected date ÷ lines of completed POs (0–1).</param>
/// <param name="FillRate">Received ÷ ordered over completed POs (0–1).</param>
/// <param name="PriceVariancePercent">(invoiced − invoiced at PO cost) ÷ invoiced at PO cost, in percent: positive when the vendor charges more.</param>
public sealed record VendorPerformanceView(string VendorGuid, string VendorCode, decimal? OnTimeRate, decimal? FillRate, decimal? PriceVariancePercent,
    long PriceVarianceMinor, long PosCompleted, long LinesCompleted, long LinesOnTime, long OrderedQuantity, long ReceivedQuantity, long ReceiptsStocked,
    long UnitsStocked, long InvoicesMatched, long InvoicesException, long InvoicedMinor, long InvoicedAtPoCostMinor, long RtvsCreated, long UnitsReturned,
    long Revision, DateTimeOffset UpdatedAt)
{
    public static VendorPerformanceView Of(VendorPerformance p) => new(p.VendorGuid, p.VendorCode,
        Rate(p.LinesOnTime, p.LinesCompleted), Rate(p.ReceivedQuantity, p.OrderedQuantity),
        p.InvoicedAtPoCostMinor == 0 ? null : Math.Round((p.InvoicedMinor - p.InvoicedAtPoCostMinor) * 100m / p.InvoicedAtPoCostMinor, 2),
        p.InvoicedMinor - p.InvoicedAtPoCostMinor, p.PosCompleted, p.LinesCompleted, p.LinesOnTime, p.OrderedQuantity, p.ReceivedQuantity, p.ReceiptsStocked,
        p.UnitsStocked, p.InvoicesMatched, p.InvoicesException, p.InvoicedMinor, p.InvoicedAtPoCostMinor, p.RtvsCreated, p.UnitsReturned, p.Revision,
        p.UpdatedAt);

    private static decimal? Rate(long part, long whole) => whole == 0 ? null : Math.Round((decimal)part / whole, 4);
}

/// <summary>What each source record adds to its vendor's performance, as pure functions.</summary>
public static class PerformanceRules
{
    /// <summary>A completed PO (received or closed): its lines, how many arrived in full on time, ordered and received.</summary>
    public static VendorPerformance FromPo(PurchaseOrder po)
    {
        var expected = ExpectedOn(po);
        var lines = po.Lines.Where(l => l.Status != PoLineStatus.Cancelled).ToList();
        return Empty(po.VendorGuid, po.VendorCode) with
        {
            PosCompleted = 1,
            LinesCompleted = lines.Count,
            LinesOnTime = lines.Count(l => l.Received >= l.Quantity && l.ReceivedAt is { } at
                && (expected is null || DateOnly.FromDateTime(at.UtcDateTime) <= expected)),
            OrderedQuantity = lines.Sum(l => l.Quantity),
            ReceivedQuantity = lines.Sum(l => Math.Min(l.Received, l.Quantity)),
        };
    }

    /// <summary>The PO's expected date: its terms' date, else issued + lead time; null when neither is known.</summary>
    public static DateOnly? ExpectedOn(PurchaseOrder po) =>
        po.Terms?.ExpectedAt
        ?? (po.IssuedAt is { } issued && po.Terms?.LeadTimeDays is { } days ? DateOnly.FromDateTime(issued.UtcDateTime).AddDays(days) : null);

    public static VendorPerformance FromReceipt(Receipt receipt, string vendorCode) => Empty(receipt.VendorGuid, vendorCode) with
    {
        ReceiptsStocked = 1,
        UnitsStocked = receipt.Lines.Sum(l => l.Quantity),
    };

    /// <summary>An invoice as first matched (matched or exception, whatever it became since).</summary>
    public static VendorPerformance FromInvoice(Invoice invoice) => Empty(invoice.VendorGuid, invoice.VendorCode) with
    {
        InvoicesMatched = InvoiceRules.StatusOf(invoice.Lines) == InvoiceStatus.Matched ? 1 : 0,
        InvoicesException = InvoiceRules.StatusOf(invoice.Lines) == InvoiceStatus.Exception ? 1 : 0,
        InvoicedMinor = invoice.Lines.Sum(l => l.AmountMinor),
        InvoicedAtPoCostMinor = invoice.Lines.Sum(l => l.Quantity * l.PoUnitCostMinor),
    };

    public static VendorPerformance FromRtv(Rtv rtv) => Empty(rtv.VendorGuid, rtv.VendorCode) with
    {
        RtvsCreated = 1,
        UnitsReturned = rtv.Lines.Sum(l => l.Quantity),
    };

    public static VendorPerformance Empty(string vendorGuid, string vendorCode) => new() { VendorGuid = vendorGuid, VendorCode = vendorCode };
}
