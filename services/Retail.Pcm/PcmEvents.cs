namespace Retail.Pcm;

/// <summary>
/// The business events PCM publishes (topic = type), each committed in the transaction of its change beside the CDC
/// event of every record. Named as the issue names them. Listed in README.md.
/// </summary>
public static class PcmEvents
{
    public const string NpiSubmitted = "npi.submitted";
    public const string NpiApproved = "npi.approved";
    public const string NpiRejected = "npi.rejected";
    public const string WorksheetSubmitted = "worksheet.submitted";
    public const string PoCreated = "po.created";
    public const string PoApproved = "po.approved";
    public const string PoIssued = "po.issued";

    /// <summary>A PO's lines are all received or closed.</summary>
    public const string PoReceived = "po.received";
    public const string PoClosed = "po.closed";
    public const string PoCancelled = "po.cancelled";
    public const string ReceiptRecorded = "receipt.recorded";

    /// <summary>The procure→receive→stock saga put a receipt's stock into ICS.</summary>
    public const string ReceiptStocked = "receipt.stocked";

    /// <summary>The saga could not stock a receipt and compensated (the PO's received quantities are given back).</summary>
    public const string ReceiptFailed = "receipt.failed";
    public const string InvoiceMatched = "invoice.matched";
    public const string InvoiceException = "invoice.exception";
    public const string InvoiceDisputed = "invoice.disputed";
    public const string InvoiceResolved = "invoice.resolved";
    public const string ConsignmentSettled = "consignment.settled";
    public const string RtvCreated = "rtv.created";
    public const string RtvReceived = "rtv.received";
    public const string CreditApplied = "credit.applied";
}
