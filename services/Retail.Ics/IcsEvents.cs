using Retail.Ics.Stock;

namespace Retail.Ics;

/// <summary>
/// The business events ICS publishes (topic = type), each committed in the transaction of its change beside the CDC
/// event of every record. Listed in README.md.
/// </summary>
public static class IcsEvents
{
    /// <summary>Per variant and facility, with every state's quantity: what PMC's availability and SCM's promises follow.</summary>
    public const string StockChanged = "stock.changed";
    public const string ReservationExpired = "reservation.expired";
    public const string TransferRequested = "transfer.requested";
    public const string TransferSubmitted = "transfer.submitted";
    public const string TransferApproved = "transfer.approved";
    public const string TransferShipped = "transfer.shipped";
    public const string TransferReceived = "transfer.received";
    public const string CountApproved = "count.approved";
    public const string AdjustmentCreated = "adjustment.created";

    public static DomainEvent StockChangedOf(string orgcode, Position position, long revision) =>
        new(StockChanged, new StockChanged(orgcode, position.FacilityCode, position.VariantGuid, position.Available, position.Reserved,
            position.Allocated, position.Committed, position.InTransit, position.QcHold, position.Damaged, position.Consignment, revision),
            position.Key);
}

/// <param name="Revision">The position's revision: a consumer keeps the newest per (facility, variant).</param>
public sealed record StockChanged(string Orgcode, string FacilityCode, string VariantGuid, long Available, long Reserved, long Allocated,
    long Committed, long InTransit, long QcHold, long Damaged, long Consignment, long Revision);
