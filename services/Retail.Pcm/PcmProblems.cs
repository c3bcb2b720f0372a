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

    /// <summary>422: PVM refused a write an NPI approval needs (its code and detail are passed on); the NPI stays submitted.</summary>
    public static ProblemHttpResult PvmRefused(string pvmCode, string? pvmDetail) =>
        ApiProblem.Business("pvm_refused", "PVM refused the product.", $"PVM answered {pvmCode}: {pvmDetail}",
            [new("pvm_code", pvmCode), new("pvm_detail", pvmDetail ?? "")]);
}
