using System.Text.Json.Serialization;
using Retail.Ics.Holds;
using Retail.Ics.Stock;

namespace Retail.Ics.Warehouse;

/// <summary>received: lines wait on QC; partially_qcd: some QC done, some still on hold; complete: nothing of it on hold.</summary>
public enum ReceiptStatus
{
    Received,
    PartiallyQcd,
    Complete,
}

/// <summary>One variant received into <see cref="State"/> (available or qc_hold), and what QC has since passed or failed of it.</summary>
public sealed record ReceiptLine(string VariantGuid, long Quantity, StockState State, string? BinCode, long QcPassed = 0, long QcFailed = 0)
{
    /// <summary>What of this line is still on QC hold.</summary>
    [JsonIgnore]
    public long OnHold => State == StockState.QcHold ? Quantity - QcPassed - QcFailed : 0;
}

/// <summary>
/// Goods received at a facility against a reference (a PO, an ASN), committed with their movements
/// (<see cref="ChangeGuid"/>); QC completes it line by line.
/// </summary>
public sealed record Receipt : Record
{
    public required string ReceiptGuid { get; init; }

    public required string ChangeGuid { get; init; }

    public required string FacilityCode { get; init; }

    public required StockReference Reference { get; init; }

    public required IReadOnlyList<ReceiptLine> Lines { get; init; }

    public ReceiptStatus Status { get; init; }

    [JsonIgnore]
    public override string Key => ReceiptGuid;

    /// <summary>The status its lines imply: complete when nothing is on hold, else whether QC has started.</summary>
    public static ReceiptStatus StatusOf(IReadOnlyList<ReceiptLine> lines) =>
        lines.All(l => l.OnHold == 0) ? ReceiptStatus.Complete
        : lines.Any(l => l.QcPassed + l.QcFailed > 0) ? ReceiptStatus.PartiallyQcd
        : ReceiptStatus.Received;

    public static RecordType<Receipt> Type { get; } = new RecordType<Receipt>("receipt")
        .IndexBy("facility_code")
        .IndexBy("reference.kind", "reference.id");
}

public sealed record PackLine(string VariantGuid, long Quantity);

/// <summary>A package packed for a commitment: what went into it (no stock moves; the stock stays committed until shipped).</summary>
public sealed record Pack : Record
{
    public required string PackGuid { get; init; }

    public required string FacilityCode { get; init; }

    public required string HoldGuid { get; init; }

    public required string PackageRef { get; init; }

    public required IReadOnlyList<PackLine> Lines { get; init; }

    [JsonIgnore]
    public override string Key => PackGuid;

    public static RecordType<Pack> Type { get; } = new RecordType<Pack>("pack").IndexBy("hold_guid");
}

/// <summary>A commitment shipped: its lines left the facility in <see cref="ChangeGuid"/> and the hold became <c>shipped</c>.</summary>
public sealed record Shipment : Record
{
    public required string ShipmentGuid { get; init; }

    public required string ChangeGuid { get; init; }

    public required string FacilityCode { get; init; }

    public required string HoldGuid { get; init; }

    public required StockReference Reference { get; init; }

    public required IReadOnlyList<HoldLine> Lines { get; init; }

    public string? FromBin { get; init; }

    public string? Carrier { get; init; }

    public string? Tracking { get; init; }

    [JsonIgnore]
    public override string Key => ShipmentGuid;

    public static RecordType<Shipment> Type { get; } = new RecordType<Shipment>("shipment")
        .IndexBy("hold_guid")
        .IndexBy("reference.kind", "reference.id");
}

/// <summary>The pure decisions of QC: which receipt lines it changes and the moves it makes, or which line it overdraws.</summary>
public static class QcDecision
{
    public sealed record Outcome(IReadOnlyList<ReceiptLine> Lines, IReadOnlyList<StockMove> Moves, string? OverdrawnField, string? Detail);

    public static Outcome Decide(Receipt receipt, IReadOnlyList<QcLine> qc)
    {
        var lines = receipt.Lines.ToList();
        var moves = new List<StockMove>();
        for (var i = 0; i < qc.Count; i++)
        {
            var q = qc[i];
            var variantGuid = StockRules.Guid(q.VariantGuid);
            var at = lines.FindIndex(l => l.VariantGuid == variantGuid && l.State == StockState.QcHold);
            if (at < 0)
            {
                return new Outcome([], [], $"lines[{i}].variant_guid", $"The receipt has no QC line of variant {variantGuid}.");
            }
            var (passed, failed) = (q.Passed ?? 0, q.Failed ?? 0);
            if (passed + failed > lines[at].OnHold)
            {
                return new Outcome([], [], $"lines[{i}]", $"{passed + failed} asked for variant {variantGuid}; {lines[at].OnHold} still on hold for this receipt.");
            }
            lines[at] = lines[at] with { QcPassed = lines[at].QcPassed + passed, QcFailed = lines[at].QcFailed + failed };
            if (passed > 0)
            {
                moves.Add(new StockMove(receipt.FacilityCode, variantGuid, StockState.QcHold, StockState.Available, passed));
            }
            if (failed > 0)
            {
                moves.Add(new StockMove(receipt.FacilityCode, variantGuid, StockState.QcHold, StockState.Damaged, failed));
            }
        }
        return new Outcome(lines, moves, null, null);
    }
}
