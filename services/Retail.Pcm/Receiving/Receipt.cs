using System.Text.Json.Serialization;
using Retail.Pcm.Policy;

namespace Retail.Pcm.Receiving;

/// <summary>
/// <c>recorded</c> (the PO's received quantities already counted it) <c>→ stocked</c> (the saga put it into ICS, once)
/// or <c>→ failed</c> (ICS refused it; the saga gave the quantities back to the PO).
/// </summary>
public enum ReceiptStatus
{
    Recorded,
    Stocked,
    Failed,
}

/// <summary>
/// One PO line received: the variant and the unit cost come from the PO line. <see cref="Into"/> is where ICS puts it;
/// <see cref="BinCode"/> the bin it is put away to (optional). <see cref="Returned"/> rises with every RTV taken from it.
/// </summary>
public sealed record ReceiptLine(int PoLineNo, string VariantGuid, long Quantity, long UnitCostMinor, ReceiveInto Into, string? BinCode = null)
{
    public long Returned { get; init; }

    [JsonIgnore]
    public long Returnable => Quantity - Returned;
}

/// <summary>Goods received against one PO at its ship-to facility; the procure→receive→stock saga puts them into ICS.</summary>
public sealed record Receipt : Record
{
    public required string ReceiptGuid { get; init; }

    public required string PoGuid { get; init; }

    public required string PoNumber { get; init; }

    public required string VendorGuid { get; init; }

    public required string FacilityCode { get; init; }

    public required string Currency { get; init; }

    public required IReadOnlyList<ReceiptLine> Lines { get; init; }

    public ReceiptStatus Status { get; init; } = ReceiptStatus.Recorded;

    /// <summary>The vendor's delivery note or ASN number, if any.</summary>
    public string? DeliveryNote { get; init; }

    public required string ReceivedBy { get; init; }

    public required DateTimeOffset ReceivedAt { get; init; }

    /// <summary>ICS's receipt, once stocked.</summary>
    public string? IcsReceiptGuid { get; init; }

    public DateTimeOffset? StockedAt { get; init; }

    /// <summary>Why the saga could not stock it (ICS's problem code and detail).</summary>
    public string? FailureCode { get; init; }

    public string? FailureDetail { get; init; }

    /// <summary>The saga's workflow instance.</summary>
    public string? WorkflowInstanceId { get; init; }

    public DateTimeOffset? FailedAt { get; init; }

    /// <summary>Lines the saga could not put away into their bin (the stock is received, unbinned): "line {n}: {code}".</summary>
    public IReadOnlyList<string>? PutawayFailures { get; init; }

    /// <summary>The procure→receive→stock workflow instance of a receipt: one per receipt, so a second start is a duplicate.</summary>
    public static string InstanceIdOf(string orgcode, string receiptGuid) => $"pcm-receipt:{orgcode}:{receiptGuid}";

    [JsonIgnore]
    public override string Key => ReceiptGuid;

    [JsonIgnore]
    public long TotalMinor => Lines.Sum(l => l.Quantity * l.UnitCostMinor);

    public static RecordType<Receipt> Type { get; } = new RecordType<Receipt>("receipt")
        .Computed("created_ms", r => r.CreatedAt.ToUnixTimeMilliseconds())
        .IndexBy("po_guid")
        .IndexBy("vendor_guid", "created_ms")
        .IndexBy("facility_code", "status")
        .IndexBy("status")
        .IndexBy("created_ms");
}
