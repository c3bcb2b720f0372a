namespace Retail.Pcm;

/// <summary>PCM's own stable error codes. Listed in README.md. Add yours here (merge conflicts: keep both sides).</summary>
public static class PcmProblems
{
    /// <summary>422: a referenced record (a vendor, a variant, a facility, a PO, a receipt, an invoice) does not exist in this org.</summary>
    public static ProblemHttpResult UnknownReference(string field, string detail) =>
        ApiProblem.Business("unknown_reference", "A referenced record does not exist.", detail, [new("field", field)]);

    /// <summary>422: the vendor exists but is not active in PVM.</summary>
    public static ProblemHttpResult VendorNotActive(string detail, string field = "vendor_code") =>
        ApiProblem.Business("vendor_not_active", "The vendor is not active.", detail, [new("field", field)]);

    /// <summary>403: the approver is the one who created or submitted it (segregation of duties).</summary>
    public static ProblemHttpResult SameActor(string detail) =>
        ApiProblem.Create(StatusCodes.Status403Forbidden, "same_actor", "The approver may not be the creator or submitter.", detail);

    /// <summary>422: a receipt would take a PO line beyond its ordered quantity plus the over-receipt tolerance.</summary>
    public static ProblemHttpResult OverReceipt(string detail, IReadOnlyList<object> lines) =>
        ApiProblem.Business("over_receipt", "The receipt exceeds the ordered quantity beyond the tolerance.", detail, [new("lines", lines)]);

    /// <summary>422: the invoice's (or a credit's) vendor is not the PO's (or the invoice's).</summary>
    public static ProblemHttpResult VendorMismatch(string detail) =>
        ApiProblem.Business("vendor_mismatch", "The vendor does not match.", detail);

    /// <summary>422: the invoice's (or a credit's) currency is not the PO's (or the invoice's).</summary>
    public static ProblemHttpResult CurrencyMismatch(string detail) =>
        ApiProblem.Business("currency_mismatch", "The currency does not match.", detail);

    /// <summary>422: the PO is not issued (draft, approved or cancelled): nothing can be invoiced against it.</summary>
    public static ProblemHttpResult PoNotInvoiceable(string detail) =>
        ApiProblem.Business("po_not_invoiceable", "The PO cannot be invoiced.", detail);

    /// <summary>422: a credit resolution with no amount to credit (the invoice charges nothing beyond the PO and receipts).</summary>
    public static ProblemHttpResult NoVariance(string detail) =>
        ApiProblem.Business("no_variance", "There is no variance to credit.", detail);

    /// <summary>422: a vendor credit may only be applied to an invoice that is to be paid (matched, approved or resolved).</summary>
    public static ProblemHttpResult InvoiceNotPayable(string detail) =>
        ApiProblem.Business("invoice_not_payable", "The invoice is not payable.", detail);

    /// <summary>422: more credit than the invoice's open amount.</summary>
    public static ProblemHttpResult CreditExceedsInvoice(string detail, long openMinor) =>
        ApiProblem.Business("credit_exceeds_invoice", "The credit exceeds the invoice's open amount.", detail, [new("open_minor", openMinor)]);

    /// <summary>422: more than remains of the vendor credit.</summary>
    public static ProblemHttpResult CreditExceedsRemaining(string detail, long remainingMinor) =>
        ApiProblem.Business("credit_exceeds_remaining", "The amount exceeds what remains of the credit.", detail, [new("remaining_minor", remainingMinor)]);

    /// <summary>422: a receipt is past the vendor's RTV window (received_at + PVM terms rtv_window_days).</summary>
    public static ProblemHttpResult RtvWindowExpired(string detail, string receiptGuid) =>
        ApiProblem.Business("rtv_window_expired", "The vendor's return window has expired.", detail, [new("receipt_guid", receiptGuid)]);

    /// <summary>422: an RTV line returns more than the receipt line still holds (received − returned).</summary>
    public static ProblemHttpResult ExceedsReturnable(string detail, string receiptGuid, int poLineNo, long returnable) =>
        ApiProblem.Business("exceeds_returnable", "More than can be returned.", detail,
            [new("receipt_guid", receiptGuid), new("po_line_no", poLineNo), new("returnable", returnable)]);

    /// <summary>422: the receipt's stock is not in ICS yet (or never made it): nothing of it can go back.</summary>
    public static ProblemHttpResult ReceiptNotStocked(string detail, string receiptGuid) =>
        ApiProblem.Business("receipt_not_stocked", "The receipt is not stocked.", detail, [new("receipt_guid", receiptGuid)]);

    /// <summary>409: ICS has not enough stock to let an RTV's goods leave; nothing was recorded.</summary>
    public static ProblemHttpResult InsufficientStock(string detail) =>
        ApiProblem.Create(StatusCodes.Status409Conflict, "insufficient_stock", "Not enough stock.", detail);

    /// <summary>422: a receipt against a PO that is not issued or partially received (draft, approved, received, closed, cancelled).</summary>
    public static ProblemHttpResult PoNotReceivable(string detail) =>
        ApiProblem.Business("po_not_receivable", "The purchase order does not take receipts.", detail, [new("field", "po_guid")]);

    /// <summary>422: a receipt names a PO line that is closed or cancelled.</summary>
    public static ProblemHttpResult PoLineClosed(string detail, IReadOnlyList<int> lineNos) =>
        ApiProblem.Business("po_line_closed", "A purchase order line is closed or cancelled.", detail, [new("lines", lineNos)]);

    /// <summary>422: a consignment settlement found nothing consumed and not yet settled in ICS.</summary>
    public static ProblemHttpResult NothingToSettle(string detail) =>
        ApiProblem.Business("nothing_to_settle", "Nothing consumed is left to settle.", detail);

    /// <summary>422: no unit cost was given for a consumed variant and no PO line of the vendor carries one.</summary>
    public static ProblemHttpResult UnitCostRequired(string detail, IReadOnlyList<string> variantGuids) =>
        ApiProblem.Business("unit_cost_required", "A unit cost is required.", detail, [new("variant_guids", variantGuids)]);

    /// <summary>422: PVM refused a write an NPI approval needs (its code and detail are passed on); the NPI stays submitted.</summary>
    public static ProblemHttpResult PvmRefused(string pvmCode, string? pvmDetail) =>
        ApiProblem.Business("pvm_refused", "PVM refused the product.", $"PVM answered {pvmCode}: {pvmDetail}",
            [new("pvm_code", pvmCode), new("pvm_detail", pvmDetail ?? "")]);
}
