using Retail.Pcm.Buying;
using Retail.Pcm.Policy;

namespace Retail.Pcm.Payables;

/// <summary>One invoiced line as the vendor states it.</summary>
public sealed record InvoicedLine(int PoLineNo, long Quantity, long UnitCostMinor);

/// <summary>The three-way match and the changes an invoice makes to its PO, as pure functions.</summary>
public static class InvoiceRules
{
    /// <summary>The PO statuses an invoice may be matched against: issued to the vendor, whatever has arrived since.</summary>
    public static bool IsInvoiceable(PoStatus status) =>
        status is PoStatus.Issued or PoStatus.PartiallyReceived or PoStatus.Received or PoStatus.Closed;

    /// <summary>
    /// Matches each invoiced line against its PO line: the unit price against the PO's unit cost (within
    /// <see cref="ProcurementPolicy.PriceTolerancePercent"/> either way), the quantity against what was received and stocked
    /// and not yet invoiced (no more than <see cref="ProcurementPolicy.QuantityTolerancePercent"/> above it; invoicing less
    /// is a partial invoice, not a variance). Null lines and a problem when a line names no line of the PO.
    /// </summary>
    public static (IReadOnlyList<InvoiceLine>? Lines, ProblemHttpResult? Problem) Match(PurchaseOrder po, IReadOnlyList<InvoicedLine> invoiced,
        ProcurementPolicy policy)
    {
        var lines = new List<InvoiceLine>(invoiced.Count);
        foreach (var line in invoiced)
        {
            if (po.Line(line.PoLineNo) is not { } poLine || poLine.Status == PoLineStatus.Cancelled)
            {
                return (null, PcmProblems.UnknownReference("lines.po_line_no", $"PO {po.PoNumber} has no line {line.PoLineNo}."));
            }
            lines.Add(MatchLine(poLine, line, policy));
        }
        return (lines, null);
    }

    public static InvoiceLine MatchLine(PoLine poLine, InvoicedLine line, ProcurementPolicy policy)
    {
        var matchable = Math.Max(0, poLine.Stocked - poLine.Invoiced);
        var reasons = new List<VarianceReason>(2);
        var priceDelta = line.UnitCostMinor - poLine.UnitCostMinor;
        if (Math.Abs(priceDelta) * 100m > poLine.UnitCostMinor * policy.PriceTolerancePercent)
        {
            reasons.Add(VarianceReason.Price);
        }
        var quantityDelta = line.Quantity - matchable;
        if (quantityDelta > 0 && quantityDelta * 100m > matchable * policy.QuantityTolerancePercent)
        {
            reasons.Add(VarianceReason.Quantity);
        }
        return new InvoiceLine(line.PoLineNo, poLine.VariantGuid, line.Quantity, line.UnitCostMinor, poLine.UnitCostMinor, matchable,
            PriceVarianceMinor: priceDelta * line.Quantity,
            QuantityVariance: quantityDelta,
            VarianceMinor: line.Quantity * line.UnitCostMinor - Math.Min(line.Quantity, matchable) * poLine.UnitCostMinor,
            reasons);
    }

    /// <summary>The invoice's status on match: <c>matched</c> when every line is within tolerance, else <c>exception</c>.</summary>
    public static InvoiceStatus StatusOf(IReadOnlyList<InvoiceLine> lines) => lines.All(l => l.Within) ? InvoiceStatus.Matched : InvoiceStatus.Exception;

    /// <summary>The PO with each invoiced line's quantity added to (or, <paramref name="sign"/> −1, taken back from) its <c>invoiced</c>.</summary>
    public static PurchaseOrder Invoice(PurchaseOrder po, IReadOnlyList<InvoiceLine> lines, int sign = 1)
    {
        var byLine = lines.GroupBy(l => l.PoLineNo).ToDictionary(g => g.Key, g => g.Sum(l => l.Quantity));
        return po with
        {
            Lines = po.Lines.Select(l => byLine.TryGetValue(l.LineNo, out var q) ? l with { Invoiced = Math.Max(0, l.Invoiced + sign * q) } : l).ToList(),
        };
    }

    /// <summary>The invoice's amounts from its lines, tax and freight, with no credits applied yet.</summary>
    public static Invoice WithTotals(Invoice invoice)
    {
        var subtotal = invoice.Lines.Sum(l => l.AmountMinor);
        var total = subtotal + invoice.TaxMinor + invoice.FreightMinor;
        return invoice with
        {
            SubtotalMinor = subtotal,
            TotalMinor = total,
            VarianceMinor = invoice.Lines.Sum(l => l.VarianceMinor),
            OpenMinor = total - invoice.CreditsAppliedMinor,
        };
    }

    /// <summary>The invoice with a vendor credit of <paramref name="amountMinor"/> applied: its open amount down.</summary>
    public static Invoice ApplyCredit(Invoice invoice, long amountMinor) => invoice with
    {
        CreditsAppliedMinor = invoice.CreditsAppliedMinor + amountMinor,
        OpenMinor = invoice.OpenMinor - amountMinor,
    };

    /// <summary>The status a resolution leads to.</summary>
    public static InvoiceStatus StatusOf(InvoiceResolution resolution) => resolution switch
    {
        InvoiceResolution.AcceptVariance => InvoiceStatus.Approved,
        InvoiceResolution.Credit => InvoiceStatus.Resolved,
        _ => InvoiceStatus.Rejected,
    };
}
