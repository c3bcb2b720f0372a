namespace Retail.Scm.Payments;

/// <summary>The data of <c>tender.captured|voided|settled</c>: the tender as it now stands.</summary>
/// <param name="Revision">The tender's revision after the change: a consumer keeps the newest.</param>
public sealed record TenderChanged(string Orgcode, string TenderGuid, string OrderGuid, string OrderNumber, TenderStatus Status, string Kind,
    long AmountMinor, long RefundedMinor, string Currency, string BusinessDay, string? SettlementBatchGuid, long Revision);

/// <summary>The data of <c>return.requested|authorized|received|inspected|resolved</c>: the return as it now stands.</summary>
public sealed record ReturnChanged(string Orgcode, string ReturnGuid, string OrderGuid, string OrderNumber, ReturnStatus Status,
    IReadOnlyList<ReturnLine> Lines, string? Reason, long RefundedMinor, string Currency, long Revision);

/// <summary>The data of <c>adjustment.refund</c>: money given back to the order's tenders for a return.</summary>
public sealed record RefundIssued(string Orgcode, string RefundGuid, string OrderGuid, string OrderNumber, string? ReturnGuid, long AmountMinor,
    string Currency, IReadOnlyList<RefundPart> Parts, long OrderRefundedMinor);

/// <summary>The data of <c>edi.recorded|status_changed</c>.</summary>
public sealed record EdiChanged(string Orgcode, string EdiGuid, string DocumentType, EdiDirection Direction, string PartnerCode, EdiStatus Status,
    string? OrderGuid, string? PoNumber, string? Error, long Revision);

public static class PaymentEvents
{
    public static DomainEvent Of(string type, string orgcode, Tender tender, long revision) =>
        new(type, new TenderChanged(orgcode, tender.TenderGuid, tender.OrderGuid, tender.OrderNumber, tender.Status, tender.Kind, tender.AmountMinor,
            tender.RefundedMinor, tender.Currency, tender.BusinessDay, tender.SettlementBatchGuid, revision), $"tender/{tender.TenderGuid}");

    public static DomainEvent Of(string type, string orgcode, OrderReturn ret, long revision) =>
        new(type, new ReturnChanged(orgcode, ret.ReturnGuid, ret.OrderGuid, ret.OrderNumber, ret.Status, ret.Lines, ret.Reason, ret.RefundedMinor,
            ret.Currency, revision), $"return/{ret.ReturnGuid}");

    public static DomainEvent Of(string type, string orgcode, EdiDocument doc, long revision) =>
        new(type, new EdiChanged(orgcode, doc.EdiGuid, doc.DocumentType, doc.Direction, doc.PartnerCode, doc.Status, doc.OrderGuid, doc.PoNumber,
            doc.Error, revision), $"edi_document/{doc.EdiGuid}");
}
