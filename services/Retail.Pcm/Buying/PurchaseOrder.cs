using System.Text.Json.Serialization;

namespace Retail.Pcm.Buying;

/// <summary>
/// <c>draft → approved → issued → partially_received → received</c>; an issued or partially received PO may be
/// <c>closed</c> (what is left will not come); <c>draft</c> and <c>approved</c> may be <c>cancelled</c>.
/// </summary>
public enum PoStatus
{
    Draft,
    Approved,
    Issued,
    PartiallyReceived,
    Received,
    Closed,
    Cancelled,
}

/// <summary>A line follows its receipts: <c>open → partially_received → received</c>, or <c>closed</c> short.</summary>
public enum PoLineStatus
{
    Open,
    PartiallyReceived,
    Received,
    Closed,
    Cancelled,
}

/// <summary>
/// One variant of a PO. <see cref="Received"/> counts every receipt recorded against the line (it rises in the
/// transaction of the receipt, so two concurrent receipts cannot both pass the over-receipt tolerance; a receipt the
/// saga could not stock gives its quantity back). <see cref="Stocked"/> is what ICS holds from it, <see cref="Invoiced"/>
/// what invoices matched, <see cref="Returned"/> what went back to the vendor.
/// </summary>
public sealed record PoLine(int LineNo, string VariantGuid, long Quantity, long UnitCostMinor)
{
    public PoLineStatus Status { get; init; } = PoLineStatus.Open;

    public long Received { get; init; }

    public long Stocked { get; init; }

    public long Invoiced { get; init; }

    public long Returned { get; init; }

    /// <summary>When the line was first fully received (for on-time rate).</summary>
    public DateTimeOffset? ReceivedAt { get; init; }

    [JsonIgnore]
    public long Open => Math.Max(0, Quantity - Received);

    [JsonIgnore]
    public long AmountMinor => Quantity * UnitCostMinor;
}

/// <summary>Payment and delivery terms of a PO (copied from the vendor's PVM terms unless given).</summary>
public sealed record PoTerms(string? PaymentTerms, int? LeadTimeDays, DateOnly? ExpectedAt, string? Incoterm);

/// <summary>
/// A purchase order to one active PVM vendor for one ship-to logical facility, in one currency. Its lines carry their
/// running totals; the header its status and sums, changed in the transaction of each receipt, invoice and RTV.
/// </summary>
public sealed record PurchaseOrder : Record
{
    public required string PoGuid { get; init; }

    /// <summary>Unique in the org (given, or generated <c>PO-yyyyMMdd-xxxxxx</c>).</summary>
    public required string PoNumber { get; init; }

    public required string VendorGuid { get; init; }

    public required string VendorCode { get; init; }

    public required string ShipToFacilityCode { get; init; }

    /// <summary>ISO 4217; every line's unit cost is in it.</summary>
    public required string Currency { get; init; }

    public required IReadOnlyList<PoLine> Lines { get; init; }

    public PoTerms? Terms { get; init; }

    public PoStatus Status { get; init; } = PoStatus.Draft;

    public long TotalMinor { get; init; }

    /// <summary>The worksheet this PO came from, if any.</summary>
    public string? WorksheetGuid { get; init; }

    public string? Note { get; init; }

    public required string CreatedBy { get; init; }

    public string? ApprovedBy { get; init; }

    public DateTimeOffset? ApprovedAt { get; init; }

    public string? IssuedBy { get; init; }

    public DateTimeOffset? IssuedAt { get; init; }

    public string? StatusReason { get; init; }

    /// <summary>The EDI 850 sent when the PO was issued (an <see cref="EdiDocument"/>).</summary>
    public string? EdiDocumentGuid { get; init; }

    public string? CancelledBy { get; init; }

    public string? ClosedBy { get; init; }

    /// <summary>
    /// The PO's EDI documents with their content: only in the answer of <c>/po/get</c>, never stored on the PO (each is
    /// its own <c>edi_document</c> record).
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<EdiDocument>? EdiDocuments { get; init; }

    [JsonIgnore]
    public override string Key => PoGuid;

    public static readonly StateMachine<PoStatus> Lifecycle = new(new Dictionary<PoStatus, PoStatus[]>
    {
        [PoStatus.Draft] = [PoStatus.Approved, PoStatus.Cancelled],
        [PoStatus.Approved] = [PoStatus.Issued, PoStatus.Cancelled],
        [PoStatus.Issued] = [PoStatus.PartiallyReceived, PoStatus.Received, PoStatus.Closed],
        [PoStatus.PartiallyReceived] = [PoStatus.PartiallyReceived, PoStatus.Received, PoStatus.Closed],
        [PoStatus.Received] = [],
        [PoStatus.Closed] = [],
        [PoStatus.Cancelled] = [],
    });

    public static RecordType<PurchaseOrder> Type { get; } = new RecordType<PurchaseOrder>("purchase_order", p => [new UniqueValue("po_number", p.PoNumber)])
        .Computed("created_ms", p => p.CreatedAt.ToUnixTimeMilliseconds())
        .IndexBy("status")
        .IndexBy("vendor_guid", "status")
        .IndexBy("ship_to_facility_code", "status")
        .IndexBy("created_ms");

    /// <summary>The line with this number, or null.</summary>
    public PoLine? Line(int lineNo) => Lines.FirstOrDefault(l => l.LineNo == lineNo);
}
