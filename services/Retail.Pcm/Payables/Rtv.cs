using System.Text.Json.Serialization;

namespace Retail.Pcm.Payables;

/// <summary><c>created</c> (the stock has left ICS) <c>→ received</c> (the vendor acknowledged it; a vendor credit is expected).</summary>
public enum RtvStatus
{
    Created,
    Received,
}

/// <summary>
/// One receipt line going back: the variant, facility, unit cost and the bin it was put away to (the stock leaves that bin)
/// come from the receipt line.
/// </summary>
public sealed record RtvLine(string ReceiptGuid, int PoLineNo, string PoGuid, string VariantGuid, string FacilityCode, long Quantity,
    long UnitCostMinor, string Reason, string? BinCode = null)
{
    [JsonIgnore]
    public long AmountMinor => Quantity * UnitCostMinor;
}

/// <summary>
/// A return to vendor (UC-PCM-004): received goods going back within the vendor's RTV window. Created once its stock
/// left ICS; received when the vendor acknowledges it, which records the vendor credit expected for it.
/// </summary>
public sealed record Rtv : Record
{
    public required string RtvGuid { get; init; }

    public required string VendorGuid { get; init; }

    public required string VendorCode { get; init; }

    public required string Currency { get; init; }

    public required IReadOnlyList<RtvLine> Lines { get; init; }

    public RtvStatus Status { get; init; } = RtvStatus.Created;

    /// <summary>Σ quantity × receipt unit cost: the credit expected unless the vendor acknowledges another amount.</summary>
    public long AmountMinor { get; init; }

    public string? Note { get; init; }

    public required string CreatedBy { get; init; }

    /// <summary>ICS's adjustments that took the stock out, one per line, in line order.</summary>
    public IReadOnlyList<string> IcsAdjustmentGuids { get; init; } = [];

    public string? VendorReference { get; init; }

    public DateOnly? AcknowledgedOn { get; init; }

    public string? ReceivedBy { get; init; }

    public DateTimeOffset? ReceivedAt { get; init; }

    /// <summary>The vendor credit recorded on receive.</summary>
    public string? CreditGuid { get; init; }

    public long? CreditAmountMinor { get; init; }

    [JsonIgnore]
    public override string Key => RtvGuid;

    public static readonly StateMachine<RtvStatus> Lifecycle = new(new Dictionary<RtvStatus, RtvStatus[]>
    {
        [RtvStatus.Created] = [RtvStatus.Received],
        [RtvStatus.Received] = [],
    });

    public static RecordType<Rtv> Type { get; } = new RecordType<Rtv>("rtv")
        .Computed("created_ms", r => r.CreatedAt.ToUnixTimeMilliseconds())
        .IndexBy("status")
        .IndexBy("vendor_guid", "status")
        .IndexBy("created_ms");
}
