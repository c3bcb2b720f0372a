using System.ComponentModel;
using Retail.Shared.Events;
using Retail.Pcm.Buying;
using Retail.Pcm.Payables;
using Retail.Pcm.Receiving;
using Retail.Pcm.Receiving.Consignment;

namespace Retail.Pcm;

/// <summary>
/// The business events PCM publishes (topic = type), each committed in the transaction of its change beside the CDC
/// event of every record. Named as the issue names them. Listed in README.md.
/// </summary>
public static class PcmEvents
{
    [EventData(typeof(NpiChanged))]
    [Description("Npi submitted.")]
    public const string NpiSubmitted = "npi.submitted";
    [EventData(typeof(NpiChanged))]
    [Description("Npi approved.")]
    public const string NpiApproved = "npi.approved";
    [EventData(typeof(NpiChanged))]
    [Description("Npi rejected.")]
    public const string NpiRejected = "npi.rejected";
    [EventData(typeof(WorksheetSubmitted))]
    [Description("Worksheet submitted.")]
    public const string WorksheetSubmitted = "worksheet.submitted";
    [EventData(typeof(PoChanged))]
    [Description("Po created.")]
    public const string PoCreated = "po.created";
    [EventData(typeof(PoChanged))]
    [Description("Po approved.")]
    public const string PoApproved = "po.approved";
    [EventData(typeof(PoChanged))]
    [Description("Po issued.")]
    public const string PoIssued = "po.issued";

    /// <summary>A PO's lines are all received or closed.</summary>
    [EventData(typeof(PoReceivedEvent))]
    [Description("A PO's lines are all received or closed.")]
    public const string PoReceived = "po.received";
    [EventData(typeof(PoChanged))]
    [Description("Po closed.")]
    public const string PoClosed = "po.closed";
    [EventData(typeof(PoChanged))]
    [Description("Po cancelled.")]
    public const string PoCancelled = "po.cancelled";
    [EventData(typeof(ReceiptChanged))]
    [Description("Receipt recorded.")]
    public const string ReceiptRecorded = "receipt.recorded";

    /// <summary>The procure→receive→stock saga put a receipt's stock into ICS.</summary>
    [EventData(typeof(ReceiptChanged))]
    [Description("The procure→receive→stock saga put a receipt's stock into ICS.")]
    public const string ReceiptStocked = "receipt.stocked";

    /// <summary>The saga could not stock a receipt and compensated (the PO's received quantities are given back).</summary>
    [EventData(typeof(ReceiptChanged))]
    [Description("The saga could not stock a receipt and compensated (the PO's received quantities are given back).")]
    public const string ReceiptFailed = "receipt.failed";
    [EventData(typeof(InvoiceChanged))]
    [Description("Invoice matched.")]
    public const string InvoiceMatched = "invoice.matched";
    [EventData(typeof(InvoiceChanged))]
    [Description("Invoice exception.")]
    public const string InvoiceException = "invoice.exception";
    [EventData(typeof(InvoiceChanged))]
    [Description("Invoice disputed.")]
    public const string InvoiceDisputed = "invoice.disputed";
    [EventData(typeof(InvoiceChanged))]
    [Description("Invoice resolved.")]
    public const string InvoiceResolved = "invoice.resolved";
    [EventData(typeof(ConsignmentSettled))]
    [Description("Consignment settled.")]
    public const string ConsignmentSettled = "consignment.settled";
    [EventData(typeof(RtvChanged))]
    [Description("Rtv created.")]
    public const string RtvCreated = "rtv.created";
    [EventData(typeof(RtvChanged))]
    [Description("Rtv received.")]
    public const string RtvReceived = "rtv.received";
    [EventData(typeof(CreditApplied))]
    [Description("Credit applied.")]
    public const string CreditApplied = "credit.applied";
}
