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
}
