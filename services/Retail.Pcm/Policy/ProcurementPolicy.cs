using System.Text.Json.Serialization;

namespace Retail.Pcm.Policy;

/// <summary>Where a receipt's stock lands in ICS unless the receipt line says otherwise.</summary>
public enum ReceiveInto
{
    Available,
    QcHold,
}

/// <summary>
/// The org's procurement policy, one versioned record: PO approval thresholds, the over-receipt tolerance, invoice
/// matching tolerances and where receipts land. Absent until first set; <see cref="Default"/> applies at revision 0.
/// </summary>
public sealed record ProcurementPolicy : Record
{
    public const string TheKey = "policy";

    /// <summary>
    /// A PO whose total (minor units of its currency) is above the threshold for its currency needs an admin who is not
    /// its creator to approve it; at or below, any member may (the creator too). A currency not listed uses
    /// <see cref="DefaultApprovalThresholdMinor"/>.
    /// </summary>
    public IReadOnlyDictionary<string, long> ApprovalThresholdsMinor { get; init; } = new Dictionary<string, long>();

    /// <summary>Null: every PO needs an admin who is not its creator.</summary>
    public long? DefaultApprovalThresholdMinor { get; init; }

    /// <summary>How far beyond the ordered quantity a PO line may be received, in percent of the ordered quantity (0: not at all).</summary>
    public decimal OverReceiptTolerancePercent { get; init; }

    /// <summary>An invoice line's unit price may differ from the PO's by this much (percent) and still match.</summary>
    public decimal PriceTolerancePercent { get; init; } = 2m;

    /// <summary>An invoice line's quantity may differ from the quantity received by this much (percent) and still match.</summary>
    public decimal QuantityTolerancePercent { get; init; }

    public ReceiveInto ReceiveInto { get; init; } = ReceiveInto.Available;

    public string? UpdatedBy { get; init; }

    [JsonIgnore]
    public override string Key => TheKey;

    public static ProcurementPolicy Default { get; } = new();

    public static RecordType<ProcurementPolicy> Type { get; } = new("procurement_policy");

    /// <summary>The threshold above which an admin who is not the creator approves, for a currency (null: always).</summary>
    public long? ThresholdFor(string currency) =>
        ApprovalThresholdsMinor.TryGetValue(currency, out var threshold) ? threshold : DefaultApprovalThresholdMinor;
}
