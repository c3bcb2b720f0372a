namespace Retail.Pcm.Payables;

/// <summary>The data of every <c>invoice.*</c> event: the invoice as it now stands.</summary>
/// <param name="Revision">The invoice's revision after the change: a consumer keeps the newest.</param>
public sealed record InvoiceChanged(string Orgcode, string InvoiceGuid, string VendorInvoiceNumber, string VendorGuid, string PoGuid, InvoiceStatus Status,
    long Revision, string Currency, long TotalMinor, long VarianceMinor, long OpenMinor, InvoiceResolution? Resolution, string? CreditGuid);

/// <summary>The data of <c>rtv.created</c> and <c>rtv.received</c>.</summary>
public sealed record RtvChanged(string Orgcode, string RtvGuid, string VendorGuid, RtvStatus Status, long Revision, string Currency, long AmountMinor,
    IReadOnlyList<RtvLine> Lines, string? CreditGuid, long? CreditAmountMinor);

/// <summary>The data of <c>credit.applied</c>: how much of which credit went to which invoice.</summary>
public sealed record CreditApplied(string Orgcode, string CreditGuid, string InvoiceGuid, string VendorGuid, string Currency, long AmountMinor,
    long CreditRemainingMinor, long InvoiceOpenMinor);

public static class PayablesEvents
{
    public static DomainEvent Of(string type, string orgcode, Invoice invoice) =>
        new(type, new InvoiceChanged(orgcode, invoice.InvoiceGuid, invoice.VendorInvoiceNumber, invoice.VendorGuid, invoice.PoGuid, invoice.Status,
            invoice.Revision, invoice.Currency, invoice.TotalMinor, invoice.VarianceMinor, invoice.OpenMinor, invoice.Resolution, invoice.CreditGuid),
            $"invoice/{invoice.InvoiceGuid}");

    public static DomainEvent Of(string type, string orgcode, Rtv rtv) =>
        new(type, new RtvChanged(orgcode, rtv.RtvGuid, rtv.VendorGuid, rtv.Status, rtv.Revision, rtv.Currency, rtv.AmountMinor, rtv.Lines, rtv.CreditGuid,
            rtv.CreditAmountMinor), $"rtv/{rtv.RtvGuid}");

    public static DomainEvent Applied(string orgcode, VendorCredit credit, Invoice invoice, long amountMinor) =>
        new(PcmEvents.CreditApplied, new CreditApplied(orgcode, credit.CreditGuid, invoice.InvoiceGuid, credit.VendorGuid, credit.Currency, amountMinor,
            credit.RemainingMinor, invoice.OpenMinor), $"vendor_credit/{credit.CreditGuid}");
}
