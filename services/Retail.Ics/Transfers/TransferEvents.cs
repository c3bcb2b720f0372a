namespace Retail.Ics.Transfers;

/// <summary>
/// The data of every <c>transfer.*</c> event: the transfer as it now stands (status, lines with their running totals),
/// and for <c>transfer.shipped</c> and <c>transfer.received</c> the shipment that moved.
/// </summary>
/// <param name="Revision">The transfer's revision after the change: a consumer keeps the newest.</param>
public sealed record TransferChanged(string Orgcode, string TransferGuid, string FromFacilityCode, string ToFacilityCode, TransferStatus Status,
    long Revision, IReadOnlyList<TransferLine> Lines, string? ShipmentGuid, IReadOnlyList<ShipmentLine>? ShipmentLines);

public static class TransferEvents
{
    public static DomainEvent Of(string type, string orgcode, Transfer transfer, long revision, TransferShipment? shipment = null) =>
        new(type, new TransferChanged(orgcode, transfer.TransferGuid, transfer.FromFacilityCode, transfer.ToFacilityCode, transfer.Status, revision,
            transfer.Lines, shipment?.ShipmentGuid, shipment?.Lines), $"transfer/{transfer.TransferGuid}");
}
