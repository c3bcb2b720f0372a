using System.ComponentModel;
using Retail.Shared.Events;
using Retail.Scm.Fulfilment;
using Retail.Scm.Orders;
using Retail.Scm.Payments;
using Retail.Scm.Quotes;

namespace Retail.Scm;

/// <summary>
/// The business events SCM publishes (topic = type), each committed in the transaction of its change beside the CDC event
/// of every record. The first twenty are the seed's UCP webhook event types: UCP and IPM deliver them. Listed in README.md.
/// </summary>
public static class ScmEvents
{
    [EventData(typeof(OrderChanged))]
    [Description("Order created.")]
    public const string OrderCreated = "order.created";
    [EventData(typeof(OrderChanged))]
    [Description("Order placed.")]
    public const string OrderPlaced = "order.placed";
    [EventData(typeof(OrderFulfilledEvent))]
    [Description("Order fulfilled.")]
    public const string OrderFulfilled = "order.fulfilled";
    [EventData(typeof(OrderChanged))]
    [Description("Order cancelled.")]
    public const string OrderCancelled = "order.cancelled";
    [EventData(typeof(OrderChanged))]
    [Description("Order closed.")]
    public const string OrderClosed = "order.closed";
    [EventData(typeof(OrderLineCancelled))]
    [Description("Order line cancelled.")]
    public const string OrderLineCancelled = "order.line_cancelled";
    [EventData(typeof(ShipmentEvent))]
    [Description("Fulfillment shipment created.")]
    public const string ShipmentCreated = "fulfillment.shipment_created";
    [EventData(typeof(ShipmentEvent))]
    [Description("Fulfillment shipment updated.")]
    public const string ShipmentUpdated = "fulfillment.shipment_updated";
    [EventData(typeof(ShipmentEvent))]
    [Description("Fulfillment shipment cancelled.")]
    public const string ShipmentCancelled = "fulfillment.shipment_cancelled";
    [EventData(typeof(ShipmentEvent))]
    [Description("Fulfillment delivered.")]
    public const string Delivered = "fulfillment.delivered";
    [EventData(typeof(ReturnChanged))]
    [Description("Return requested.")]
    public const string ReturnRequested = "return.requested";
    [EventData(typeof(ReturnChanged))]
    [Description("Return authorized.")]
    public const string ReturnAuthorized = "return.authorized";
    [EventData(typeof(ReturnChanged))]
    [Description("Return received.")]
    public const string ReturnReceived = "return.received";
    [EventData(typeof(ReturnChanged))]
    [Description("Return inspected.")]
    public const string ReturnInspected = "return.inspected";
    [EventData(typeof(ReturnChanged))]
    [Description("Return resolved.")]
    public const string ReturnResolved = "return.resolved";
    [EventData(typeof(RefundIssued))]
    [Description("Adjustment refund.")]
    public const string Refund = "adjustment.refund";
    [EventData(typeof(PromiseChanged))]
    [Description("Promise quoted.")]
    public const string PromiseQuoted = "promise.quoted";
    [EventData(typeof(PromiseChanged))]
    [Description("Promise reserved.")]
    public const string PromiseReserved = "promise.reserved";
    [EventData(typeof(PromiseChanged))]
    [Description("Promise allocated.")]
    public const string PromiseAllocated = "promise.allocated";
    [EventData(typeof(PromiseChanged))]
    [Description("Promise committed.")]
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
    [EventData(typeof(TenderChanged))]
    [Description("Tender captured.")]
    public const string TenderCaptured = "tender.captured";
    [EventData(typeof(TenderChanged))]
    [Description("Tender voided.")]
    public const string TenderVoided = "tender.voided";
    [EventData(typeof(TenderChanged))]
    [Description("Tender settled.")]
    public const string TenderSettled = "tender.settled";
    [EventData(typeof(EdiChanged))]
    [Description("Edi recorded.")]
    public const string EdiRecorded = "edi.recorded";
    [EventData(typeof(EdiChanged))]
    [Description("Edi status changed.")]
    public const string EdiStatusChanged = "edi.status_changed";

    /// <summary>An order's holds were released (lines back to open) by <c>/order/promise/release</c>.</summary>
    [EventData(typeof(PromiseChanged))]
    [Description("An order's holds were released (lines back to open) by /order/promise/release.")]
    public const string PromiseReleased = "promise.released";

    // Quotes, backorders, special orders.
    [EventData(typeof(QuoteChanged))]
    [Description("Quote created.")]
    public const string QuoteCreated = "quote.created";
    [EventData(typeof(QuoteChanged))]
    [Description("Quote approved.")]
    public const string QuoteApproved = "quote.approved";
    [EventData(typeof(QuoteChanged))]
    [Description("Quote converted.")]
    public const string QuoteConverted = "quote.converted";
    [EventData(typeof(BackorderChanged))]
    [Description("Backorder created.")]
    public const string BackorderCreated = "backorder.created";
    [EventData(typeof(BackorderChanged))]
    [Description("Backorder approved.")]
    public const string BackorderApproved = "backorder.approved";
    [EventData(typeof(BackorderChanged))]
    [Description("Backorder fulfilled.")]
    public const string BackorderFulfilled = "backorder.fulfilled";
    [EventData(typeof(BackorderChanged))]
    [Description("Backorder cancelled.")]
    public const string BackorderCancelled = "backorder.cancelled";
    [EventData(typeof(SpecialOrderChanged))]
    [Description("Special order created.")]
    public const string SpecialOrderCreated = "special_order.created";
    [EventData(typeof(SpecialOrderChanged))]
    [Description("Special order approved.")]
    public const string SpecialOrderApproved = "special_order.approved";
    [EventData(typeof(SpecialOrderChanged))]
    [Description("Special order submitted.")]
    public const string SpecialOrderSubmitted = "special_order.submitted";
    [EventData(typeof(SpecialOrderChanged))]
    [Description("Special order cancelled.")]
    public const string SpecialOrderCancelled = "special_order.cancelled";
}
