using Retail.Ics.Stock;
using System.ComponentModel;
using Retail.Shared.Events;
using Retail.Ics.Counts;
using Retail.Ics.Holds;
using Retail.Ics.Transfers;

namespace Retail.Ics;

/// <summary>
/// The business events ICS publishes (topic = type), each committed in the transaction of its change beside the CDC
/// event of every record. Listed in README.md.
/// </summary>
public static class IcsEvents
{
    /// <summary>Per variant and facility, with every state's quantity: what PMC's availability and SCM's promises follow.</summary>
    [EventData(typeof(StockChanged))]
    [Description("Per variant and facility, with every state's quantity: what PMC's availability and SCM's promises follow.")]
    public const string StockChanged = "stock.changed";
    [EventData(typeof(ReservationExpired))]
    [Description("Reservation expired.")]
    public const string ReservationExpired = "reservation.expired";
    [EventData(typeof(TransferChanged))]
    [Description("Transfer requested.")]
    public const string TransferRequested = "transfer.requested";
    [EventData(typeof(TransferChanged))]
    [Description("Transfer submitted.")]
    public const string TransferSubmitted = "transfer.submitted";
    [EventData(typeof(TransferChanged))]
    [Description("Transfer approved.")]
    public const string TransferApproved = "transfer.approved";
    [EventData(typeof(TransferChanged))]
    [Description("Transfer shipped.")]
    public const string TransferShipped = "transfer.shipped";
    [EventData(typeof(TransferChanged))]
    [Description("Transfer received.")]
    public const string TransferReceived = "transfer.received";
    [EventData(typeof(CountApproved))]
    [Description("Count approved.")]
    public const string CountApproved = "count.approved";
    [EventData(typeof(AdjustmentCreated))]
    [Description("Adjustment created.")]
    public const string AdjustmentCreated = "adjustment.created";

    public static DomainEvent StockChangedOf(string orgcode, Position position, long revision) =>
        new(StockChanged, new StockChanged(orgcode, position.FacilityCode, position.VariantGuid, position.Available, position.Reserved,
            position.Allocated, position.Committed, position.InTransit, position.QcHold, position.Damaged, position.Consignment, revision),
            position.Key);
}

/// <param name="Revision">The position's revision: a consumer keeps the newest per (facility, variant).</param>
public sealed record StockChanged(string Orgcode, string FacilityCode, string VariantGuid, long Available, long Reserved, long Allocated,
    long Committed, long InTransit, long QcHold, long Damaged, long Consignment, long Revision);
