using Retail.Pcm.Buying;
using Retail.Pcm.Receiving;

namespace Retail.Pcm.Payables;

/// <summary>One receipt line to return, as asked.</summary>
public sealed record ReturnedLine(string ReceiptGuid, int PoLineNo, long Quantity, string Reason);

/// <summary>The checks of a return to vendor and the changes it makes to receipts and POs, as pure functions.</summary>
public static class RtvRules
{
    /// <summary>
    /// The RTV's lines when every line names a stocked receipt of <paramref name="vendorGuid"/>, still inside the vendor's
    /// RTV window (<paramref name="windowDays"/> after it was received; null: the vendor set no window), for no more than the
    /// receipt line still holds, all in one currency; else the first refusal.
    /// </summary>
    public static (IReadOnlyList<RtvLine>? Lines, ProblemHttpResult? Problem) Check(string vendorGuid, int? windowDays,
        IReadOnlyDictionary<string, Receipt> receipts, IReadOnlyList<ReturnedLine> lines, DateTimeOffset now)
    {
        var result = new List<RtvLine>(lines.Count);
        string? currency = null;
        foreach (var line in lines)
        {
            if (!receipts.TryGetValue(line.ReceiptGuid, out var receipt))
            {
                return (null, PcmProblems.UnknownReference("lines.receipt_guid", $"No receipt {line.ReceiptGuid}."));
            }
            if (receipt.VendorGuid != vendorGuid)
            {
                return (null, PcmProblems.VendorMismatch($"Receipt {receipt.ReceiptGuid} is from another vendor."));
            }
            if (receipt.Status != ReceiptStatus.Stocked)
            {
                return (null, PcmProblems.ReceiptNotStocked(
                    $"Receipt {receipt.ReceiptGuid} is {Retail.Shared.Json.SnakeCase.Name(receipt.Status)}; only stocked goods go back.", receipt.ReceiptGuid));
            }
            if (windowDays is { } days && receipt.ReceivedAt.AddDays(days) < now)
            {
                return (null, PcmProblems.RtvWindowExpired(
                    $"Receipt {receipt.ReceiptGuid} was received {receipt.ReceivedAt:yyyy-MM-dd}; the vendor takes returns for {days} day(s).", receipt.ReceiptGuid));
            }
            if (receipt.Lines.FirstOrDefault(l => l.PoLineNo == line.PoLineNo) is not { } received)
            {
                return (null, PcmProblems.UnknownReference("lines.po_line_no", $"Receipt {receipt.ReceiptGuid} has no PO line {line.PoLineNo}."));
            }
            if (line.Quantity > received.Returnable)
            {
                return (null, PcmProblems.ExceedsReturnable(
                    $"Receipt {receipt.ReceiptGuid} line {line.PoLineNo}: {line.Quantity} to return, {received.Returnable} returnable.",
                    receipt.ReceiptGuid, line.PoLineNo, received.Returnable));
            }
            if (currency is not null && currency != receipt.Currency)
            {
                return (null, PcmProblems.CurrencyMismatch("An RTV returns goods bought in one currency; these receipts are in several."));
            }
            currency = receipt.Currency;
            result.Add(new RtvLine(receipt.ReceiptGuid, line.PoLineNo, receipt.PoGuid, received.VariantGuid, receipt.FacilityCode, line.Quantity,
                received.UnitCostMinor, line.Reason, PutAwayBin(receipt, received)));
        }
        return (result, null);
    }

    /// <summary>The bin the saga put the line away to, or null (none asked, or its putaway failed and the stock is unbinned).</summary>
    public static string? PutAwayBin(Receipt receipt, ReceiptLine line) =>
        line.BinCode is { } bin && !(receipt.PutawayFailures ?? []).Any(f => f.StartsWith($"line {line.PoLineNo}:", StringComparison.Ordinal)) ? bin : null;

    /// <summary>The receipt with the RTV's quantities added to its lines' <c>returned</c>.</summary>
    public static Receipt Return(Receipt receipt, IReadOnlyList<RtvLine> lines)
    {
        var mine = lines.Where(l => l.ReceiptGuid == receipt.ReceiptGuid).ToDictionary(l => l.PoLineNo, l => l.Quantity);
        return receipt with { Lines = receipt.Lines.Select(l => mine.TryGetValue(l.PoLineNo, out var q) ? l with { Returned = l.Returned + q } : l).ToList() };
    }

    /// <summary>The PO with the RTV's quantities added to its lines' <c>returned</c>.</summary>
    public static PurchaseOrder Return(PurchaseOrder po, IReadOnlyList<RtvLine> lines)
    {
        var mine = lines.Where(l => l.PoGuid == po.PoGuid).GroupBy(l => l.PoLineNo).ToDictionary(g => g.Key, g => g.Sum(l => l.Quantity));
        return po with { Lines = po.Lines.Select(l => mine.TryGetValue(l.LineNo, out var q) ? l with { Returned = l.Returned + q } : l).ToList() };
    }
}
