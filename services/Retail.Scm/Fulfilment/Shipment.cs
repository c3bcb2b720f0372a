using System.Text.Json.Serialization;
using Retail.Scm.Orders;

namespace Retail.Scm.Fulfilment;

/// <summary>
/// Ship: <c>created → picked → packed → shipped → delivered</c>. Pickup: <c>created | picked | packed → ready_for_pickup →
/// collected | no_show</c>. <c>created</c>, <c>picked</c>, <c>packed</c> and <c>ready_for_pickup</c> may be <c>cancelled</c>.
/// </summary>
public enum ShipmentStatus
{
    Created,
    Picked,
    Packed,
    Shipped,
    Delivered,
    ReadyForPickup,
    Collected,
    NoShow,
    Cancelled,
}

/// <summary>
/// One order line (or part of it) on a shipment. <see cref="HoldGuid"/> is set only when the shipment claims stock of its
/// own (a reship after a carrier failure): its own commitment, and shipping it does not count on the order line again
/// (<see cref="Reship"/>). Otherwise the line's stock is the order line's commitment, read when the shipment ships.
/// </summary>
public sealed record ShipmentLine(int LineNo, string VariantGuid, long Quantity)
{
    public long Picked { get; init; }

    /// <summary>The staging bin the line was picked into (ICS), which it ships from; null: picked without bins.</summary>
    public string? Bin { get; init; }

    /// <summary>What a short pick found missing (backordered or cancelled on the order line).</summary>
    public long Short { get; init; }

    /// <summary>A replacement of a shipment lost in transit: stock of its own, not counted on the order line again.</summary>
    public bool Reship { get; init; }

    public string? HoldGuid { get; init; }

    public long? HoldRevision { get; init; }
}

/// <summary>
/// Goods of one order leaving one logical facility: to an address (carrier, tracking), or collected there (pickup). Its
/// lines name the order's lines and quantities; shipping raises the order lines' <c>shipped</c> in the same change.
/// </summary>
public sealed record Shipment : Record
{
    public required string ShipmentGuid { get; init; }

    public required string OrderGuid { get; init; }

    public required string OrderNumber { get; init; }

    public required string ChannelCode { get; init; }

    public required string FacilityCode { get; init; }

    public required DeliveryMethod Method { get; init; }

    public ShipmentStatus Status { get; init; } = ShipmentStatus.Created;

    public required IReadOnlyList<ShipmentLine> Lines { get; init; }

    public string? PackageRef { get; init; }

    public long? WeightGrams { get; init; }

    public string? Carrier { get; init; }

    public string? Tracking { get; init; }

    /// <summary>Pickup: when the buyer may be recorded as a no-show (ready + the grace period).</summary>
    public DateTimeOffset? PickupDeadline { get; init; }

    /// <summary>The shipment this one replaces (carrier failure), if any.</summary>
    public string? ReshipOf { get; init; }

    /// <summary>The replacement shipment of this one (carrier failure), if any.</summary>
    public string? ReshippedAs { get; init; }

    /// <summary>Exceptions raised on this shipment and not yet resolved.</summary>
    public int OpenExceptions { get; init; }

    public required string CreatedBy { get; init; }

    public DateTimeOffset? PickedAt { get; init; }

    public DateTimeOffset? PackedAt { get; init; }

    public DateTimeOffset? ShippedAt { get; init; }

    public DateTimeOffset? DeliveredAt { get; init; }

    public DateTimeOffset? ReadyAt { get; init; }

    public DateTimeOffset? CollectedAt { get; init; }

    public DateTimeOffset? CancelledAt { get; init; }

    public string? StatusReason { get; init; }

    public string? Note { get; init; }

    [JsonIgnore]
    public override string Key => ShipmentGuid;

    /// <summary>Still claiming its order lines' quantities (not shipped, not ended).</summary>
    [JsonIgnore]
    public bool IsOpen => Status is ShipmentStatus.Created or ShipmentStatus.Picked or ShipmentStatus.Packed or ShipmentStatus.ReadyForPickup;

    public static readonly StateMachine<ShipmentStatus> Lifecycle = new(new Dictionary<ShipmentStatus, ShipmentStatus[]>
    {
        [ShipmentStatus.Created] = [ShipmentStatus.Picked, ShipmentStatus.ReadyForPickup, ShipmentStatus.Cancelled],
        [ShipmentStatus.Picked] = [ShipmentStatus.Packed, ShipmentStatus.ReadyForPickup, ShipmentStatus.Cancelled],
        [ShipmentStatus.Packed] = [ShipmentStatus.Shipped, ShipmentStatus.ReadyForPickup, ShipmentStatus.Cancelled],
        [ShipmentStatus.Shipped] = [ShipmentStatus.Delivered],
        [ShipmentStatus.ReadyForPickup] = [ShipmentStatus.Collected, ShipmentStatus.NoShow, ShipmentStatus.Cancelled],
        [ShipmentStatus.Delivered] = [],
        [ShipmentStatus.Collected] = [],
        [ShipmentStatus.NoShow] = [],
        [ShipmentStatus.Cancelled] = [],
    });

    public static RecordType<Shipment> Type { get; } = new RecordType<Shipment>("shipment")
        .Computed("created_ms", s => s.CreatedAt.ToUnixTimeMilliseconds())
        .IndexBy("order_guid", "created_ms")
        .IndexBy("status", "created_ms")
        .IndexBy("facility_code", "status", "created_ms")
        .IndexBy("created_ms");
}

public enum ExceptionKind
{
    ShortPick,
    Damaged,
    CarrierFailure,
    Partial,
    Other,
}

public enum ExceptionStatus
{
    Open,
    Resolved,
}

/// <summary>The quantity of one shipment line an exception concerns.</summary>
public sealed record ExceptionLine(int LineNo, long Quantity);

/// <summary>
/// Something that went wrong with a shipment (a short pick, damage, a carrier failure, a partial shipment, or anything
/// else with a note): what the system did about it at once (<see cref="Action"/>), open until someone resolves it.
/// </summary>
public sealed record ShipmentException : Record
{
    public required string ExceptionGuid { get; init; }

    public required string ShipmentGuid { get; init; }

    public required string OrderGuid { get; init; }

    public required ExceptionKind Kind { get; init; }

    public ExceptionStatus Status { get; init; } = ExceptionStatus.Open;

    public IReadOnlyList<ExceptionLine> Lines { get; init; } = [];

    public string? Note { get; init; }

    /// <summary>What was done when it was raised: <c>backordered</c>, <c>cancelled</c>, <c>replaced</c>, <c>reshipped</c>, <c>reduced</c>.</summary>
    public string? Action { get; init; }

    /// <summary>The replacement shipment (carrier failure).</summary>
    public string? ReshipmentGuid { get; init; }

    public string? Resolution { get; init; }

    public required string RaisedBy { get; init; }

    public string? ResolvedBy { get; init; }

    public DateTimeOffset? ResolvedAt { get; init; }

    [JsonIgnore]
    public override string Key => ExceptionGuid;

    public static readonly StateMachine<ExceptionStatus> Lifecycle = new(new Dictionary<ExceptionStatus, ExceptionStatus[]>
    {
        [ExceptionStatus.Open] = [ExceptionStatus.Resolved],
        [ExceptionStatus.Resolved] = [],
    });

    public static RecordType<ShipmentException> Type { get; } = new RecordType<ShipmentException>("shipment_exception")
        .Computed("created_ms", e => e.CreatedAt.ToUnixTimeMilliseconds())
        .IndexBy("shipment_guid", "created_ms")
        .IndexBy("status", "created_ms");
}

/// <summary><c>fulfillment.shipment_created|_updated|_cancelled</c> and <c>fulfillment.delivered</c>: the shipment as it now stands.</summary>
public sealed record ShipmentEvent(string Orgcode, string ShipmentGuid, string OrderGuid, string OrderNumber, string FacilityCode, DeliveryMethod Method,
    ShipmentStatus Status, IReadOnlyList<ShipmentLine> Lines, string? Carrier, string? Tracking, string? ExceptionGuid, ExceptionKind? ExceptionKind,
    long Revision)
{
    public static DomainEvent Of(string type, string orgcode, Shipment shipment, long revision, ShipmentException? exception = null) =>
        new(type, new ShipmentEvent(orgcode, shipment.ShipmentGuid, shipment.OrderGuid, shipment.OrderNumber, shipment.FacilityCode, shipment.Method,
            shipment.Status, shipment.Lines, shipment.Carrier, shipment.Tracking, exception?.ExceptionGuid, exception?.Kind, revision), shipment.ShipmentGuid);
}

/// <summary><c>order.fulfilled</c>: every line of the order has shipped (or was cancelled).</summary>
public sealed record OrderFulfilledEvent(string Orgcode, string OrderGuid, string OrderNumber, string ChannelCode, long Revision);

/// <summary><c>order.line_cancelled</c> from fulfilment: a short pick the channel may not backorder.</summary>
public sealed record OrderLineCancelledEvent(string Orgcode, string OrderGuid, string OrderNumber, int LineNo, string VariantGuid, long Quantity, string Reason);

/// <summary>Fulfilment settings (<c>Scm:Fulfilment</c>).</summary>
public sealed class FulfilmentOptions
{
    public const string Section = "Scm:Fulfilment";

    /// <summary>How long a pickup waits, once ready, before the buyer may be recorded as a no-show.</summary>
    public TimeSpan PickupGracePeriod { get; set; } = TimeSpan.FromHours(72);
}
