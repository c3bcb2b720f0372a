using Retail.Pcm.Buying;

namespace Retail.Pcm.Receiving;

/// <summary>A PO line that a receipt would take beyond its ordered quantity plus the tolerance (the <c>lines</c> of 422 over_receipt).</summary>
public sealed record OverReceiptLine(int PoLineNo, string VariantGuid, long Ordered, long Received, long Asked, long Allowed);

/// <summary>
/// The receipt rules as pure functions of the PO (and the policy): what may be received, and what a receipt, its stocking and
/// its compensation do to the PO's lines and header. The handlers and activities only load, decide with these, and save.
/// </summary>
public static class ReceiptRules
{
    public static bool TakesReceipts(PoStatus status) => status is PoStatus.Issued or PoStatus.PartiallyReceived;

    public static bool IsShut(PoLineStatus status) => status is PoLineStatus.Closed or PoLineStatus.Cancelled;

    /// <summary>The most a line may have received in all: its quantity plus the tolerance, rounded down.</summary>
    public static long AllowedFor(PoLine line, decimal tolerancePercent) =>
        (long)decimal.Floor(line.Quantity * (1m + tolerancePercent / 100m));

    /// <summary>The lines whose received quantity plus what is asked now would pass the tolerance.</summary>
    public static IReadOnlyList<OverReceiptLine> OverReceived(PurchaseOrder po, IEnumerable<(int LineNo, long Quantity)> asked, decimal tolerancePercent) =>
        asked.Select(a => (Asked: a, Line: po.Line(a.LineNo)!))
            .Where(x => x.Line.Received + x.Asked.Quantity > AllowedFor(x.Line, tolerancePercent))
            .Select(x => new OverReceiptLine(x.Line.LineNo, x.Line.VariantGuid, x.Line.Quantity, x.Line.Received, x.Asked.Quantity,
                Math.Max(0, AllowedFor(x.Line, tolerancePercent) - x.Line.Received)))
            .ToList();

    /// <summary>The PO with a recorded receipt counted in its lines' <c>received</c> (statuses follow the stock, later).</summary>
    public static PurchaseOrder Received(PurchaseOrder po, Receipt receipt) =>
        po with { Lines = po.Lines.Select(l => l with { Received = l.Received + QuantityOf(receipt, l.LineNo) }).ToList() };

    /// <summary>The PO with a receipt the saga could not stock given back: its lines' <c>received</c> fall by what it counted.</summary>
    public static PurchaseOrder GivenBack(PurchaseOrder po, Receipt receipt) =>
        po with { Lines = po.Lines.Select(l => l with { Received = Math.Max(0, l.Received - QuantityOf(receipt, l.LineNo)) }).ToList() };

    /// <summary>
    /// The PO with a receipt's stock in ICS: the lines' <c>stocked</c> rise, each line is <c>received</c> once its stock reaches
    /// the ordered quantity (else <c>partially_received</c>), and the header follows (<c>received</c> when every line that is not
    /// cancelled is received or closed). A closed or cancelled PO keeps its status.
    /// </summary>
    public static PurchaseOrder Stocked(PurchaseOrder po, Receipt receipt, DateTimeOffset now)
    {
        var lines = po.Lines.Select(l =>
        {
            var stocked = l.Stocked + QuantityOf(receipt, l.LineNo);
            if (IsShut(l.Status))
            {
                return l with { Stocked = stocked };
            }
            var status = stocked >= l.Quantity ? PoLineStatus.Received : stocked > 0 ? PoLineStatus.PartiallyReceived : PoLineStatus.Open;
            return l with { Stocked = stocked, Status = status, ReceivedAt = status == PoLineStatus.Received ? l.ReceivedAt ?? now : l.ReceivedAt };
        }).ToList();
        return po with { Lines = lines, Status = HeaderStatusOf(po.Status, lines) };
    }

    public static PoStatus HeaderStatusOf(PoStatus current, IReadOnlyList<PoLine> lines)
    {
        if (!TakesReceipts(current))
        {
            return current;
        }
        var live = lines.Where(l => l.Status != PoLineStatus.Cancelled).ToList();
        if (live.Count > 0 && live.All(l => l.Status is PoLineStatus.Received or PoLineStatus.Closed))
        {
            return PoStatus.Received;
        }
        return live.Any(l => l.Stocked > 0) ? PoStatus.PartiallyReceived : current;
    }

    private static long QuantityOf(Receipt receipt, int lineNo) => receipt.Lines.Where(r => r.PoLineNo == lineNo).Sum(r => r.Quantity);
}
