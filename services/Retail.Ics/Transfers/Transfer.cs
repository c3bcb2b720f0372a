using System.Text.Json.Serialization;
using Retail.Ics.Stock;

namespace Retail.Ics.Transfers;

/// <summary>
/// <c>draft → submitted → approved | rejected</c>; <c>approved → shipped</c> (one or more shipments) <c>→ received</c> once
/// everything approved has shipped and every shipment is received; an admin may <c>close</c> a shipped transfer whose
/// open shipments are all received (the rest will not ship); <c>draft</c> and <c>submitted</c> may be cancelled.
/// </summary>
public enum TransferStatus
{
    Draft,
    Submitted,
    Approved,
    Rejected,
    Shipped,
    Received,
    Closed,
    Cancelled,
}

/// <summary>A shipment is in transit until the destination receives it.</summary>
public enum ShipmentStatus
{
    InTransit,
    Received,
}

/// <summary>
/// One variant of a transfer: <see cref="Quantity"/> requested (and, once approved, approved), how much has shipped, been
/// received and gone missing on the way (<see cref="Short"/>), kept on the line so reports never read movements.
/// </summary>
public sealed record TransferLine(string VariantGuid, long Quantity, long Shipped = 0, long Received = 0, long Short = 0)
{
    [JsonIgnore]
    public long Unshipped => Quantity - Shipped;
}

/// <summary>
/// A request to move stock from one logical facility to another. Its lines carry their running totals (shipped,
/// received, short) and the transfer its sums, changed in the transaction of each shipment and receipt.
/// </summary>
public sealed record Transfer : Record
{
    public required string TransferGuid { get; init; }

    public required string FromFacilityCode { get; init; }

    public required string ToFacilityCode { get; init; }

    public TransferStatus Status { get; init; } = TransferStatus.Draft;

    public required IReadOnlyList<TransferLine> Lines { get; init; }

    public string? Reason { get; init; }

    public DateOnly? NeededBy { get; init; }

    public required string RequestedBy { get; init; }

    public string? SubmittedBy { get; init; }

    public string? DecidedBy { get; init; }

    public string? DecisionNote { get; init; }

    /// <summary>Shipments recorded and not yet received.</summary>
    public int OpenShipments { get; init; }

    public long RequestedTotal { get; init; }

    public long ShippedTotal { get; init; }

    public long ReceivedTotal { get; init; }

    /// <summary>Shipped but never arrived (short receipts).</summary>
    public long Discrepancy { get; init; }

    [JsonIgnore]
    public override string Key => TransferGuid;

    public static readonly StateMachine<TransferStatus> Lifecycle = new(new Dictionary<TransferStatus, TransferStatus[]>
    {
        [TransferStatus.Draft] = [TransferStatus.Submitted, TransferStatus.Cancelled],
        [TransferStatus.Submitted] = [TransferStatus.Approved, TransferStatus.Rejected, TransferStatus.Cancelled],
        [TransferStatus.Approved] = [TransferStatus.Shipped],
        [TransferStatus.Shipped] = [TransferStatus.Shipped, TransferStatus.Received, TransferStatus.Closed],
        [TransferStatus.Rejected] = [],
        [TransferStatus.Received] = [],
        [TransferStatus.Closed] = [],
        [TransferStatus.Cancelled] = [],
    });

    public static RecordType<Transfer> Type { get; } = new RecordType<Transfer>("transfer")
        .Computed("created_ms", t => t.CreatedAt.ToUnixTimeMilliseconds())
        .IndexBy("status")
        .IndexBy("from_facility_code", "status")
        .IndexBy("to_facility_code", "status")
        .IndexBy("created_ms");
}

/// <summary>One variant of a shipment: shipped, and once received, received and short (shipped − received).</summary>
public sealed record ShipmentLine(string VariantGuid, long Quantity, long? Received = null, long? Short = null);

/// <summary>Stock of a transfer on its way: left the source's <c>available</c>, sits in the destination's <c>in_transit</c>.</summary>
public sealed record TransferShipment : Record
{
    public required string ShipmentGuid { get; init; }

    public required string TransferGuid { get; init; }

    public required string FromFacilityCode { get; init; }

    public required string ToFacilityCode { get; init; }

    public ShipmentStatus Status { get; init; } = ShipmentStatus.InTransit;

    public required IReadOnlyList<ShipmentLine> Lines { get; init; }

    public string? Carrier { get; init; }

    public string? Tracking { get; init; }

    public required string ShippedBy { get; init; }

    public string? ReceivedBy { get; init; }

    public DateTimeOffset? ReceivedAt { get; init; }

    [JsonIgnore]
    public override string Key => ShipmentGuid;

    public static readonly StateMachine<ShipmentStatus> Lifecycle = new(new Dictionary<ShipmentStatus, ShipmentStatus[]>
    {
        [ShipmentStatus.InTransit] = [ShipmentStatus.Received],
        [ShipmentStatus.Received] = [],
    });

    public static RecordType<TransferShipment> Type { get; } = new RecordType<TransferShipment>("transfer_shipment")
        .IndexBy("transfer_guid", "status")
        .IndexBy("status");
}

/// <summary>The quantity of one variant a request line names.</summary>
public sealed record VariantQuantity(string? VariantGuid, long? Quantity);

/// <summary>The received quantity of one variant of a shipment.</summary>
public sealed record ReceivedQuantity(string? VariantGuid, long? Received);

/// <summary>The decisions of a transfer's life as pure functions of (record, command): what the handlers commit.</summary>
public static class TransferRules
{
    public const string ShipReason = "transfer_ship";
    public const string ReceiveReason = "transfer_receive";
    public const string ShortReason = "transfer_short";

    public static IReadOnlyList<TransferLine> LinesOf(IEnumerable<VariantQuantity> lines) =>
        lines.Select(l => new TransferLine(GuidKey(l.VariantGuid!), l.Quantity!.Value)).ToList();

    /// <summary>A guid as stored (lower-case, hyphenated), however the request spelled it.</summary>
    public static string GuidKey(string variantGuid) => Guid.Parse(variantGuid).ToString();

    /// <summary>Null when every line names a variant of the transfer with no more than is approved and not yet shipped; else the 422.</summary>
    public static ProblemHttpResult? CheckShipment(Transfer transfer, IReadOnlyList<TransferLine> lines)
    {
        var byVariant = transfer.Lines.ToDictionary(l => l.VariantGuid, StringComparer.Ordinal);
        foreach (var line in lines)
        {
            if (!byVariant.TryGetValue(line.VariantGuid, out var approved))
            {
                return IcsProblems.UnknownReference("lines.variant_guid", $"Variant {line.VariantGuid} is not on this transfer.");
            }
            if (line.Quantity > approved.Unshipped)
            {
                return ApiProblem.Business("exceeds_approved", "More than approved.",
                    $"Variant {line.VariantGuid}: {line.Quantity} to ship, {approved.Unshipped} approved and not yet shipped.",
                    [new("variant_guid", line.VariantGuid), new("unshipped", approved.Unshipped)]);
            }
        }
        return null;
    }

    /// <summary>The transfer after a shipment of <paramref name="lines"/>: shipped quantities and totals up, one more open shipment.</summary>
    public static Transfer Ship(Transfer transfer, IReadOnlyList<TransferLine> lines)
    {
        var shipped = lines.ToDictionary(l => l.VariantGuid, l => l.Quantity, StringComparer.Ordinal);
        return transfer with
        {
            Status = TransferStatus.Shipped,
            Lines = transfer.Lines.Select(l => shipped.TryGetValue(l.VariantGuid, out var q) ? l with { Shipped = l.Shipped + q } : l).ToList(),
            ShippedTotal = transfer.ShippedTotal + lines.Sum(l => l.Quantity),
            OpenShipments = transfer.OpenShipments + 1,
        };
    }

    /// <summary>
    /// The shipment's lines as received: each shipment line named exactly once, received no more than shipped. A 422
    /// otherwise (<c>over_receipt</c>, or <c>receipt_lines_mismatch</c> when the lines do not name the shipment's variants).
    /// </summary>
    public static (IReadOnlyList<ShipmentLine>? Lines, ProblemHttpResult? Problem) Receive(TransferShipment shipment, IReadOnlyList<ReceivedQuantity> received)
    {
        var given = received.ToDictionary(r => GuidKey(r.VariantGuid!), r => r.Received!.Value, StringComparer.Ordinal);
        var shipped = shipment.Lines.Select(l => l.VariantGuid).ToHashSet(StringComparer.Ordinal);
        if (!given.Keys.ToHashSet(StringComparer.Ordinal).SetEquals(shipped))
        {
            return (null, ApiProblem.Business("receipt_lines_mismatch", "The receipt does not match the shipment.",
                "Name every variant of the shipment once, with the quantity received (0 when none arrived).",
                [new("variant_guids", shipment.Lines.Select(l => l.VariantGuid).ToList())]));
        }
        var lines = new List<ShipmentLine>(shipment.Lines.Count);
        foreach (var line in shipment.Lines)
        {
            var got = given[line.VariantGuid];
            if (got > line.Quantity)
            {
                return (null, ApiProblem.Business("over_receipt", "More received than shipped.",
                    $"Variant {line.VariantGuid}: {got} received, {line.Quantity} shipped.", [new("variant_guid", line.VariantGuid)]));
            }
            lines.Add(line with { Received = got, Short = line.Quantity - got });
        }
        return (lines, null);
    }

    /// <summary>
    /// The transfer after one of its shipments was received as <paramref name="lines"/>: received and short added, and
    /// <c>received</c> once nothing is left to ship and no shipment is open.
    /// </summary>
    public static Transfer ApplyReceipt(Transfer transfer, IReadOnlyList<ShipmentLine> lines)
    {
        var byVariant = lines.ToDictionary(l => l.VariantGuid, StringComparer.Ordinal);
        var next = transfer with
        {
            Lines = transfer.Lines.Select(l => byVariant.TryGetValue(l.VariantGuid, out var r)
                ? l with { Received = l.Received + (r.Received ?? 0), Short = l.Short + (r.Short ?? 0) }
                : l).ToList(),
            ReceivedTotal = transfer.ReceivedTotal + lines.Sum(l => l.Received ?? 0),
            Discrepancy = transfer.Discrepancy + lines.Sum(l => l.Short ?? 0),
            OpenShipments = Math.Max(0, transfer.OpenShipments - 1),
        };
        return next.OpenShipments == 0 && next.Lines.All(l => l.Unshipped == 0) ? next with { Status = TransferStatus.Received } : next;
    }

    /// <summary>The stock moves of a shipment: out of the source's <c>available</c>, into the destination's <c>in_transit</c>, in one change.</summary>
    public static IReadOnlyList<StockMove> ShipmentMoves(Transfer transfer, IReadOnlyList<TransferLine> lines) =>
        lines.SelectMany(l => new[]
        {
            new StockMove(transfer.FromFacilityCode, l.VariantGuid, StockState.Available, null, l.Quantity),
            new StockMove(transfer.ToFacilityCode, l.VariantGuid, null, StockState.InTransit, l.Quantity),
        }).ToList();

    /// <summary>The stock moves of a receipt at the destination: received into <c>available</c>, the short quantity out as a loss.</summary>
    public static IReadOnlyList<StockMove> ReceiptMoves(TransferShipment shipment, IReadOnlyList<ShipmentLine> lines)
    {
        var moves = new List<StockMove>();
        foreach (var line in lines)
        {
            if (line.Received is > 0)
            {
                moves.Add(new StockMove(shipment.ToFacilityCode, line.VariantGuid, StockState.InTransit, StockState.Available, line.Received.Value));
            }
            if (line.Short is > 0)
            {
                moves.Add(new StockMove(shipment.ToFacilityCode, line.VariantGuid, StockState.InTransit, null, line.Short.Value, Reason: ShortReason));
            }
        }
        return moves;
    }
}
