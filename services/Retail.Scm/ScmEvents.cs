namespace Retail.Scm;

/// <summary>
/// The business events SCM publishes (topic = type), each committed in the transaction of its change beside the CDC event
/// of every record. The first twenty are the seed's UCP webhook event types: UCP and IPM deliver them. Listed in README.md.
/// </summary>
public static class ScmEvents
{
    public const string OrderCreated = "order.created";
    public const string OrderPlaced = "order.placed";
    public const string OrderFulfilled = "order.fulfilled";
    public const string OrderCancelled = "order.cancelled";
    public const string OrderClosed = "order.closed";
    public const string OrderLineCancelled = "order.line_cancelled";
    public const string ShipmentCreated = "fulfillment.shipment_created";
    public const string ShipmentUpdated = "fulfillment.shipment_updated";
    public const string ShipmentCancelled = "fulfillment.shipment_cancelled";
    public const string Delivered = "fulfillment.delivered";
    public const string ReturnRequested = "return.requested";
    public const string ReturnAuthorized = "return.authorized";
    public const string ReturnReceived = "return.received";
    public const string ReturnInspected = "return.inspected";
    public const string ReturnResolved = "return.resolved";
    public const string Refund = "adjustment.refund";
    public const string PromiseQuoted = "promise.quoted";
    public const string PromiseReserved = "promise.reserved";
    public const string PromiseAllocated = "promise.allocated";
    public const string PromiseCommitted = "promise.committed";

    /// <summary>The twenty UCP webhook event types, in the seed's order.</summary>
    public static readonly IReadOnlyList<string> Webhook =
    [
        OrderCreated, OrderPlaced, OrderFulfilled, OrderCancelled, OrderClosed, OrderLineCancelled,
        ShipmentCreated, ShipmentUpdated, ShipmentCancelled, Delivered,
        ReturnRequested, ReturnAuthorized, ReturnReceived, ReturnInspected, ReturnResolved,
        Refund,
        PromiseQuoted, PromiseReserved, PromiseAllocated, PromiseCommitted,
    ];

    // SCM's own, beyond the webhook set (add yours here; merge conflicts: keep both sides).
    public const string TenderCaptured = "tender.captured";
    public const string TenderVoided = "tender.voided";
    public const string TenderSettled = "tender.settled";
    public const string EdiRecorded = "edi.recorded";
    public const string EdiStatusChanged = "edi.status_changed";

    /// <summary>An order's holds were released (lines back to open) by <c>/order/promise/release</c>.</summary>
    public const string PromiseReleased = "promise.released";

    // Quotes, backorders, special orders.
    public const string QuoteCreated = "quote.created";
    public const string QuoteApproved = "quote.approved";
    public const string QuoteConverted = "quote.converted";
    public const string BackorderCreated = "backorder.created";
    public const string BackorderApproved = "backorder.approved";
    public const string BackorderFulfilled = "backorder.fulfilled";
    public const string BackorderCancelled = "backorder.cancelled";
    public const string SpecialOrderCreated = "special_order.created";
    public const string SpecialOrderApproved = "special_order.approved";
    public const string SpecialOrderSubmitted = "special_order.submitted";
    public const string SpecialOrderCancelled = "special_order.cancelled";
}
