using System.Text.Json.Serialization;

namespace Retail.Scm.Orders;

/// <summary>
/// <c>created → placed → partially_fulfilled → fulfilled → closed</c>; <c>created</c> and <c>placed</c> may be
/// <c>cancelled</c> (a placed order's holds are released in the same change); a placed order whose every line was cancelled
/// is <c>cancelled</c>.
/// </summary>
public enum OrderStatus
{
    Created,
    Placed,
    PartiallyFulfilled,
    Fulfilled,
    Closed,
    Cancelled,
}

public enum DeliveryMethod
{
    Ship,
    Pickup,
}

/// <summary>Where an order line's stock stands in ICS (its hold's stage), then in fulfilment.</summary>
public enum OrderLineStatus
{
    Open,
    Reserved,
    Allocated,
    Committed,
    PartiallyShipped,
    Shipped,
    Delivered,
    Backordered,
    Cancelled,
}

/// <summary>What the order owes and has been paid.</summary>
public enum PaymentStatus
{
    None,
    Authorized,
    Captured,
    PartiallyRefunded,
    Refunded,
    Voided,
}

public sealed record Address(string? Name, string Line1, string? Line2, string City, string? Region, string PostalCode, string Country, string? Phone,
    string? Email);

/// <summary>Ship to an address, or pick up at a logical facility.</summary>
public sealed record Delivery(DeliveryMethod Method, Address? Address, string? PickupFacilityCode);

/// <summary>Who buys: a CRM customer (once CRM exists), an e-mail, a name, the client's own reference.</summary>
public sealed record CustomerRef(string? CustomerGuid, string? Email, string? Name, string? ExternalRef)
{
    /// <summary>The CRM account (B2B company) the customer buys for, if any: its tax-exemption certificates apply too.</summary>
    public string? AccountGuid { get; init; }
}

/// <summary>A promotion or rule PPM applied to the line (as PPM explained it).</summary>
public sealed record AppliedDiscount(string Source, string Code, string Kind, long AmountMinor);

/// <summary>The tax of a line as the tax policy gave it: frozen once the order's tax is finalized.</summary>
public sealed record LineTax(string TaxCategory, string Jurisdiction, decimal RatePercent, bool Inclusive, long TaxMinor, long PolicyRevision)
{
    /// <summary>The buyer's tax-exemption certificate that zero-rated the line, if one did.</summary>
    public Retail.Scm.Policies.TaxExemption? Exemption { get; init; }
}

/// <summary>
/// The ICS hold of a line: its guid, stage (reserved, allocated, committed) and revision, so the next step continues it
/// with an ETag.
/// </summary>
public sealed record LineHold(string HoldGuid, string Stage, long Revision, string FacilityCode);

/// <summary>
/// One variant of an order. Prices come from PPM's resolve and stay as given: <see cref="ListUnitMinor"/> the base price,
/// <see cref="UnitMinor"/> after rules, <see cref="NetMinor"/> the line's total after promotions (tax exclusive or
/// inclusive as <see cref="Tax"/> says), <see cref="DiscountMinor"/> what it saves. Quantities after placing move through
/// <see cref="Shipped"/>, <see cref="Delivered"/>, <see cref="Returned"/>, <see cref="CancelledQuantity"/>.
/// </summary>
public sealed record OrderLine(int LineNo, string VariantGuid, long Quantity)
{
    public string? VariantCode { get; init; }

    public string? StyleGuid { get; init; }

    /// <summary>What the client named the line by (a barcode, an identifier, an alias), if not the variant itself.</summary>
    public string? RequestedAs { get; init; }

    public string UomCode { get; init; } = "each";

    public OrderLineStatus Status { get; init; } = OrderLineStatus.Open;

    public string? PriceListCode { get; init; }

    public long ListUnitMinor { get; init; }

    public long UnitMinor { get; init; }

    public long NetMinor { get; init; }

    public long DiscountMinor { get; init; }

    public IReadOnlyList<AppliedDiscount> Discounts { get; init; } = [];

    public LineTax? Tax { get; init; }

    /// <summary>The logical facility that fulfils the line (routing), once known.</summary>
    public string? FacilityCode { get; init; }

    public LineHold? Hold { get; init; }

    public long Shipped { get; init; }

    public long Delivered { get; init; }

    public long Returned { get; init; }

    public long CancelledQuantity { get; init; }

    /// <summary>The variant this line replaced (a substitution), if any.</summary>
    public string? SubstitutedFrom { get; init; }

    [JsonIgnore]
    public long OpenQuantity => Quantity - CancelledQuantity - Shipped;
}

/// <summary>The order's sums in its currency (minor units): lines net, discounts, tax, shipping, total to pay.</summary>
public sealed record OrderTotals(long SubtotalMinor, long DiscountMinor, long TaxMinor, long ShippingMinor, long TotalMinor);

/// <summary>
/// A sales order in one channel and currency. It keeps the price and tax breakdown it was given; its lines carry their ICS
/// holds and running fulfilment quantities; payment sums follow the tenders.
/// </summary>
public sealed record Order : Record
{
    public required string OrderGuid { get; init; }

    /// <summary>Unique in the org (given, or generated).</summary>
    public required string OrderNumber { get; init; }

    public required string ChannelCode { get; init; }

    /// <summary>The facility the order names (a store sale, a pickup), if any; lines may be routed elsewhere.</summary>
    public string? FacilityCode { get; init; }

    public CustomerRef? Customer { get; init; }

    public required Delivery Delivery { get; init; }

    /// <summary>ISO 4217, from PPM's answer.</summary>
    public required string Currency { get; init; }

    public required IReadOnlyList<OrderLine> Lines { get; init; }

    public required OrderTotals Totals { get; init; }

    /// <summary>Whether prices include tax (the tax policy's), so totals are read right.</summary>
    public bool TaxInclusive { get; init; }

    public DateTimeOffset? TaxFinalizedAt { get; init; }

    public OrderStatus Status { get; init; } = OrderStatus.Created;

    public PaymentStatus PaymentStatus { get; init; } = PaymentStatus.None;

    public long CapturedMinor { get; init; }

    public long RefundedMinor { get; init; }

    /// <summary>An influencer campaign code carried for attribution, if any.</summary>
    public string? CampaignCode { get; init; }

    /// <summary>Where the order came from: <c>api</c>, <c>quote</c>, <c>backorder</c>, <c>ucp</c>.</summary>
    public string Source { get; init; } = "api";

    /// <summary>The quote (or backorder, special order) this order was converted from.</summary>
    public string? SourceGuid { get; init; }

    public string? Note { get; init; }

    public required string CreatedBy { get; init; }

    public DateTimeOffset? PlacedAt { get; init; }

    /// <summary>When the channel promises to ship (placing or a promise quote: now + the channel policy's SLA).</summary>
    public DateTimeOffset? PromisedShipBy { get; init; }

    /// <summary>The routing plan that chose the lines' facilities, if the router made one.</summary>
    public string? RoutingPlanGuid { get; init; }

    public DateTimeOffset? CancelledAt { get; init; }

    public DateTimeOffset? ClosedAt { get; init; }

    public string? StatusReason { get; init; }

    [JsonIgnore]
    public override string Key => OrderGuid;

    public static readonly StateMachine<OrderStatus> Lifecycle = new(new Dictionary<OrderStatus, OrderStatus[]>
    {
        [OrderStatus.Created] = [OrderStatus.Placed, OrderStatus.Cancelled],
        [OrderStatus.Placed] = [OrderStatus.PartiallyFulfilled, OrderStatus.Fulfilled, OrderStatus.Cancelled],
        [OrderStatus.PartiallyFulfilled] = [OrderStatus.PartiallyFulfilled, OrderStatus.Fulfilled],
        [OrderStatus.Fulfilled] = [OrderStatus.Closed],
        [OrderStatus.Closed] = [],
        [OrderStatus.Cancelled] = [],
    });

    public static RecordType<Order> Type { get; } = new RecordType<Order>("order", o => [new UniqueValue("order_number", o.OrderNumber)])
        .Computed("created_ms", o => o.CreatedAt.ToUnixTimeMilliseconds())
        .Computed("customer_guid", o => o.Customer?.CustomerGuid)
        .Computed("customer_email", o => o.Customer?.Email)
        .IndexBy("status", "created_ms")
        .IndexBy("channel_code", "created_ms")
        .IndexBy("customer_guid", "created_ms")
        .IndexBy("customer_email", "created_ms")
        .IndexBy("created_ms");

    /// <summary>The line with this number, or null.</summary>
    public OrderLine? Line(int lineNo) => Lines.FirstOrDefault(l => l.LineNo == lineNo);
}
