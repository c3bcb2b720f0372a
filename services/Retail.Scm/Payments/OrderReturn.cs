using System.Text.Json.Serialization;
using Retail.Scm.Fulfilment;
using Retail.Scm.Orders;

namespace Retail.Scm.Payments;

/// <summary>
/// <c>requested → authorized → received → refunding → resolved</c>. A request within the channel's return window for
/// quantities shipped and not yet returned is authorised at once (the window and quantity checks are the channel policy's
/// authorisation; <c>requested</c> is left for a policy that authorises by hand). Received once the goods are back and
/// inspected (the order's saga then restocks them in ICS); <c>refunding</c> once a refund is claimed against the order's
/// captured-minus-refunded (the provider not yet confirmed it: a declined refund goes back to <c>received</c>); resolved
/// once refunded.
/// </summary>
public enum ReturnStatus
{
    Requested,
    Authorized,
    Received,
    Refunding,
    Resolved,
}

/// <summary>Who refunds a received return: the order's saga at once (<c>auto</c>), or an admin through <c>/refund/issue</c>.</summary>
public enum ReturnRefundMode
{
    Auto,
    Manual,
}

/// <summary>What inspection found: back on sale (<c>available</c> in ICS) or <c>damaged</c>.</summary>
public enum ReturnCondition
{
    Resellable,
    Damaged,
}

/// <summary>
/// One order line being returned: the quantity asked, and what it is worth (its share of the line's net and of the tax
/// not included in it); once received, the quantity back and its condition.
/// </summary>
public sealed record ReturnLine(int LineNo, string VariantGuid, long Quantity)
{
    public string? FacilityCode { get; init; }

    /// <summary>The share of the order line's net for <see cref="Quantity"/>.</summary>
    public long NetMinor { get; init; }

    /// <summary>The share of the line's exclusive tax for <see cref="Quantity"/> (0 when prices include tax).</summary>
    public long TaxMinor { get; init; }

    public long? ReceivedQuantity { get; init; }

    public ReturnCondition? Condition { get; init; }

    public string? Note { get; init; }
}

/// <summary>What one tender gives back; <see cref="ProviderRef"/> is the provider's reference once it confirmed the refund.</summary>
public sealed record RefundPart(string TenderGuid, long AmountMinor, string? ProviderRef);

/// <summary>A return of shipped goods of one order (UC-SCM-003), its receipt and inspection, and its refund.</summary>
public sealed record OrderReturn : Record
{
    public required string ReturnGuid { get; init; }

    public required string OrderGuid { get; init; }

    public required string OrderNumber { get; init; }

    public required string ChannelCode { get; init; }

    public required string Currency { get; init; }

    public ReturnStatus Status { get; init; } = ReturnStatus.Requested;

    public required IReadOnlyList<ReturnLine> Lines { get; init; }

    public string? Reason { get; init; }

    public string? Note { get; init; }

    public required string RequestedBy { get; init; }

    public string? ReceivedBy { get; init; }

    public DateTimeOffset? ReceivedAt { get; init; }

    public string? InspectionNotes { get; init; }

    public ReturnRefundMode RefundMode { get; init; } = ReturnRefundMode.Auto;

    /// <summary>When the saga received the goods back into ICS (once), with ICS's receipts.</summary>
    public DateTimeOffset? RestockedAt { get; init; }

    public IReadOnlyList<string> RestockReceipts { get; init; } = [];

    /// <summary>ICS's code when it refused the restock (the goods are not in ICS; the refund still follows).</summary>
    public string? RestockFailure { get; init; }

    /// <summary>The refund claimed (from <c>refunding</c> on): its guid keys the provider calls.</summary>
    public string? RefundGuid { get; init; }

    public long RefundedMinor { get; init; }

    public IReadOnlyList<RefundPart> Refunds { get; init; } = [];

    /// <summary>Who claimed the refund: an admin's principal, or <c>service:scm</c> for the saga.</summary>
    public string? RefundClaimedBy { get; init; }

    public DateTimeOffset? RefundClaimedAt { get; init; }

    /// <summary>The provider's reason when it declined the last refund (the return went back to <c>received</c>, refunded by hand).</summary>
    public string? RefundFailure { get; init; }

    public string? ResolvedBy { get; init; }

    public DateTimeOffset? ResolvedAt { get; init; }

    [JsonIgnore]
    public bool IsOpen => Status is ReturnStatus.Requested or ReturnStatus.Authorized;

    [JsonIgnore]
    public override string Key => ReturnGuid;

    public static readonly StateMachine<ReturnStatus> Lifecycle = new(new Dictionary<ReturnStatus, ReturnStatus[]>
    {
        [ReturnStatus.Requested] = [ReturnStatus.Authorized],
        [ReturnStatus.Authorized] = [ReturnStatus.Received],
        [ReturnStatus.Received] = [ReturnStatus.Refunding],
        [ReturnStatus.Refunding] = [ReturnStatus.Resolved, ReturnStatus.Received],
        [ReturnStatus.Resolved] = [],
    });

    public static RecordType<OrderReturn> Type { get; } = new RecordType<OrderReturn>("return")
        .Computed("created_ms", r => r.CreatedAt.ToUnixTimeMilliseconds())
        .IndexBy("order_guid", "status")
        .IndexBy("status", "created_ms")
        .IndexBy("created_ms");
}

/// <summary>
/// When each line's return window starts: the latest delivery (or collection) of a shipment that carried it, else its
/// latest shipment; a line no shipment record carries (shipped before shipments were recorded) starts at the order's
/// placing, which is never later than its shipment, so that window is never longer than the policy's.
/// </summary>
public interface IShipmentDates
{
    Task<IReadOnlyDictionary<int, DateTimeOffset>> WindowStartsAsync(string orgcode, Order order, CancellationToken ct);
}

/// <summary>The window starts from the order's shipments (a handful per order, read through the order_guid index).</summary>
public sealed class ShipmentWindowStarts(RecordStore<Shipment> shipments) : IShipmentDates
{
    public async Task<IReadOnlyDictionary<int, DateTimeOffset>> WindowStartsAsync(string orgcode, Order order, CancellationToken ct)
    {
        var page = await shipments.ListAsync(orgcode, [StateFilter.Eq("order_guid", order.OrderGuid)], Paging.MaxLimit, ct: ct);
        return ReturnRules.WindowStarts(order, page.Items);
    }
}

/// <summary>The decisions of returns and refunds as pure functions of (order, return, command).</summary>
public static class ReturnRules
{
    /// <summary>Per order line, when its return window starts (see <see cref="IShipmentDates"/>).</summary>
    public static IReadOnlyDictionary<int, DateTimeOffset> WindowStarts(Order order, IEnumerable<Shipment> shipments)
    {
        var starts = new Dictionary<int, DateTimeOffset>();
        foreach (var shipment in shipments)
        {
            if ((shipment.DeliveredAt ?? shipment.CollectedAt ?? shipment.ShippedAt) is not { } at)
            {
                continue;
            }
            foreach (var line in shipment.Lines)
            {
                starts[line.LineNo] = starts.TryGetValue(line.LineNo, out var earlier) && earlier > at ? earlier : at;
            }
        }
        foreach (var line in order.Lines)
        {
            starts.TryAdd(line.LineNo, order.PlacedAt ?? order.CreatedAt);
        }
        return starts;
    }

    /// <summary>What of an order line can still be asked back: shipped, less returned, less what open returns hold.</summary>
    public static long Returnable(OrderLine line, long onOpenReturns) => Math.Max(0, line.Shipped - line.Returned - onOpenReturns);

    /// <summary>The return line for <paramref name="quantity"/> of an order line: its share of the net and of exclusive tax.</summary>
    public static ReturnLine LineOf(Order order, OrderLine line, long quantity) => new(line.LineNo, line.VariantGuid, quantity)
    {
        FacilityCode = line.FacilityCode ?? line.Hold?.FacilityCode ?? order.FacilityCode,
        NetMinor = Share(line.NetMinor, quantity, line.Quantity),
        TaxMinor = line.Tax is { Inclusive: false } tax ? Share(tax.TaxMinor, quantity, line.Quantity) : 0,
    };

    /// <summary>What a received return is worth: each line's net and tax for the quantity back.</summary>
    public static long RefundDue(OrderReturn ret) =>
        ret.Lines.Sum(l => Share(l.NetMinor + l.TaxMinor, l.ReceivedQuantity ?? 0, l.Quantity));

    /// <summary>The order with the received quantities added to its lines' <c>returned</c>.</summary>
    public static Order WithReturned(Order order, IReadOnlyList<ReturnLine> received)
    {
        var back = received.GroupBy(l => l.LineNo).ToDictionary(g => g.Key, g => g.Sum(l => l.ReceivedQuantity ?? 0));
        return order with { Lines = order.Lines.Select(l => back.TryGetValue(l.LineNo, out var q) ? l with { Returned = l.Returned + q } : l).ToList() };
    }

    /// <summary>
    /// How <paramref name="amount"/> is given back over the order's tenders: oldest first, each up to what it can still
    /// refund. Null when they cannot hold it all.
    /// </summary>
    public static IReadOnlyList<(Tender Tender, long Amount)>? Allocate(IEnumerable<Tender> tenders, long amount)
    {
        var parts = new List<(Tender, long)>();
        var left = amount;
        foreach (var tender in tenders.Where(t => t.Refundable > 0).OrderBy(t => t.CapturedAt).ThenBy(t => t.TenderGuid, StringComparer.Ordinal))
        {
            if (left == 0)
            {
                break;
            }
            var part = Math.Min(left, tender.Refundable);
            parts.Add((tender, part));
            left -= part;
        }
        return left == 0 ? parts : null;
    }

    public static long Share(long whole, long part, long of) => of == 0 ? 0 : (long)Math.Round((decimal)whole * part / of, MidpointRounding.AwayFromZero);
}
