using System.Text.Json.Serialization;

namespace Retail.Pcm.Payables;

/// <summary>
/// <c>matched</c> (every line within tolerance) or <c>exception</c> on match; either may be <c>disputed</c>; an exception or
/// a dispute is resolved by an admin: <c>approved</c> (the variance accepted, payable as invoiced), <c>resolved</c> (a
/// vendor credit for the variance taken) or <c>rejected</c> (the PO lines' invoiced quantities given back).
/// </summary>
public enum InvoiceStatus
{
    Matched,
    Exception,
    Disputed,
    Approved,
    Resolved,
    Rejected,
}

/// <summary>How an admin resolves an exception or a dispute.</summary>
public enum InvoiceResolution
{
    AcceptVariance,
    Credit,
    Reject,
}

/// <summary>Why a line is outside tolerance.</summary>
public enum VarianceReason
{
    /// <summary>The unit price differs from the PO line's unit cost by more than the price tolerance.</summary>
    Price,

    /// <summary>More is invoiced than was received, stocked and not yet invoiced, beyond the quantity tolerance.</summary>
    Quantity,
}

/// <summary>
/// One PO line invoiced, with the match against the PO line: <see cref="PoUnitCostMinor"/> and <see cref="MatchableQuantity"/>
/// (received and stocked, minus what earlier invoices took) as they stood when matched.
/// </summary>
/// <param name="PriceVarianceMinor">(invoice unit − PO unit) × invoiced quantity: positive when the vendor charges more.</param>
/// <param name="QuantityVariance">Invoiced − matchable: positive when more is invoiced than arrived.</param>
/// <param name="VarianceMinor">What the line charges beyond what the PO and the receipts justify (invoiced amount − matchable quantity × PO unit cost, at least 0 … may be negative when under-charged).</param>
public sealed record InvoiceLine(
    int PoLineNo,
    string VariantGuid,
    long Quantity,
    long UnitCostMinor,
    long PoUnitCostMinor,
    long MatchableQuantity,
    long PriceVarianceMinor,
    long QuantityVariance,
    long VarianceMinor,
    IReadOnlyList<VarianceReason> Reasons)
{
    [JsonIgnore]
    public long AmountMinor => Quantity * UnitCostMinor;

    [JsonIgnore]
    public bool Within => Reasons.Count == 0;
}

/// <summary>
/// A vendor's invoice against one PO, three-way matched (invoice, PO, receipts). Its invoice number is unique per vendor.
/// <see cref="OpenMinor"/> is what is still to pay: the total less the vendor credits applied to it.
/// </summary>
public sealed record Invoice : Record
{
    public required string InvoiceGuid { get; init; }

    /// <summary>The vendor's own number, as given (trimmed); unique per vendor, case-insensitively.</summary>
    public required string VendorInvoiceNumber { get; init; }

    public required string VendorGuid { get; init; }

    public required string VendorCode { get; init; }

    public required string PoGuid { get; init; }

    public required string PoNumber { get; init; }

    public required string Currency { get; init; }

    public required DateOnly InvoiceDate { get; init; }

    public required IReadOnlyList<InvoiceLine> Lines { get; init; }

    public InvoiceStatus Status { get; init; }

    /// <summary>Σ line quantity × unit price.</summary>
    public long SubtotalMinor { get; init; }

    public long TaxMinor { get; init; }

    public long FreightMinor { get; init; }

    /// <summary>Subtotal + tax + freight.</summary>
    public long TotalMinor { get; init; }

    /// <summary>Σ line variance: what the invoice charges beyond what the PO and receipts justify.</summary>
    public long VarianceMinor { get; init; }

    /// <summary>Vendor credits applied to this invoice (a credit resolution, <c>/credit/apply</c>).</summary>
    public long CreditsAppliedMinor { get; init; }

    /// <summary>Total − credits applied.</summary>
    public long OpenMinor { get; init; }

    public required string MatchedBy { get; init; }

    public string? DisputeReason { get; init; }

    public string? DisputedBy { get; init; }

    public DateTimeOffset? DisputedAt { get; init; }

    public InvoiceResolution? Resolution { get; init; }

    public string? ResolutionNote { get; init; }

    public string? ResolvedBy { get; init; }

    public DateTimeOffset? ResolvedAt { get; init; }

    /// <summary>The vendor credit a <c>credit</c> resolution took.</summary>
    public string? CreditGuid { get; init; }

    [JsonIgnore]
    public override string Key => InvoiceGuid;

    /// <summary>Statuses a vendor credit may be applied in: the invoice is to be paid.</summary>
    [JsonIgnore]
    public bool IsPayable => Status is InvoiceStatus.Matched or InvoiceStatus.Approved or InvoiceStatus.Resolved;

    public static readonly StateMachine<InvoiceStatus> Lifecycle = new(new Dictionary<InvoiceStatus, InvoiceStatus[]>
    {
        [InvoiceStatus.Matched] = [InvoiceStatus.Disputed],
        [InvoiceStatus.Exception] = [InvoiceStatus.Disputed, InvoiceStatus.Approved, InvoiceStatus.Resolved, InvoiceStatus.Rejected],
        [InvoiceStatus.Disputed] = [InvoiceStatus.Approved, InvoiceStatus.Resolved, InvoiceStatus.Rejected],
        [InvoiceStatus.Approved] = [],
        [InvoiceStatus.Resolved] = [],
        [InvoiceStatus.Rejected] = [],
    });

    public static RecordType<Invoice> Type { get; } = new RecordType<Invoice>("invoice", i => [new UniqueValue("vendor_invoice_number", UniqueNumber(i.VendorGuid, i.VendorInvoiceNumber))])
        .Computed("created_ms", i => i.CreatedAt.ToUnixTimeMilliseconds())
        .IndexBy("status")
        .IndexBy("vendor_guid", "status")
        .IndexBy("po_guid")
        .IndexBy("created_ms");

    /// <summary>The unique value of a vendor's invoice number (the same number from two vendors is two invoices).</summary>
    public static string UniqueNumber(string vendorGuid, string number) => $"{vendorGuid}:{number.Trim().ToUpperInvariant()}";
}
