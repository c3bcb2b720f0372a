namespace Retail.Pcm.Buying;

/// <summary>
/// The data of every <c>po.*</c> event: the PO as it now stands (status, lines with their running totals), and for
/// <c>po.issued</c> the EDI 850 sent.
/// </summary>
/// <param name="Revision">The PO's revision after the change: a consumer keeps the newest.</param>
public sealed record PoChanged(string Orgcode, string PoGuid, string PoNumber, string VendorGuid, string VendorCode, string ShipToFacilityCode,
    PoStatus Status, string Currency, long TotalMinor, long Revision, IReadOnlyList<PoLine> Lines, string? WorksheetGuid, string? EdiDocumentGuid,
    string? Actor);

public static class PoEvents
{
    public static DomainEvent Of(string type, string orgcode, PurchaseOrder po, long revision, string? actor) =>
        new(type, new PoChanged(orgcode, po.PoGuid, po.PoNumber, po.VendorGuid, po.VendorCode, po.ShipToFacilityCode, po.Status, po.Currency,
            po.TotalMinor, revision, po.Lines, po.WorksheetGuid, po.EdiDocumentGuid, actor), $"purchase_order/{po.PoGuid}");
}
