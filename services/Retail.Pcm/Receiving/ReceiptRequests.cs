using FluentValidation;
using Retail.Pcm.Policy;

namespace Retail.Pcm.Receiving;

/// <param name="PoLineNo">The PO line received; or <paramref name="VariantGuid"/> when the PO has one line of that variant.</param>
/// <param name="Into">Overrides the policy's <c>receive_into</c> for this line.</param>
/// <param name="BinCode">A bin at the ship-to facility to put the line away to (lines into <c>available</c>: after receiving).</param>
public sealed record ReceiptLineRequest(int? PoLineNo, string? VariantGuid, long? Quantity, ReceiveInto? Into, string? BinCode);

/// <summary>Goods received against one PO (<c>po_guid</c> or <c>po_number</c>) at its ship-to facility.</summary>
public sealed record RecordReceiptRequest(string? PoGuid, string? PoNumber, IReadOnlyList<ReceiptLineRequest>? Lines, string? DeliveryNote);

public sealed record ReceiptKeyRequest(string? ReceiptGuid);

/// <summary>Newest first; at most one of po, vendor and facility (facility may take a status).</summary>
public sealed record ListReceiptsRequest(string? PoGuid, string? VendorGuid, string? FacilityCode, ReceiptStatus? Status, int? Limit, string? NextToken)
    : IPagedRequest;

internal static class ReceivingLimits
{
    public const int MaxLines = 200;
    public const long MaxQuantity = 1_000_000_000;
}

public sealed class ReceiptLineRequestValidator : AbstractValidator<ReceiptLineRequest>
{
    public ReceiptLineRequestValidator()
    {
        RuleFor(r => r.PoLineNo).GreaterThanOrEqualTo(1).When(r => r.PoLineNo is not null);
        RuleFor(r => r.VariantGuid).OptionalGuid();
        RuleFor(r => r).Must(r => r.PoLineNo is not null ^ r.VariantGuid is not null).OverridePropertyName("po_line_no")
            .WithMessage("give po_line_no or variant_guid (one of them)");
        RuleFor(r => r.Quantity).NotNull().WithMessage("is required").InclusiveBetween(1, ReceivingLimits.MaxQuantity);
        RuleFor(r => r.Into).IsInEnum().When(r => r.Into is not null);
        RuleFor(r => r.BinCode).OptionalCode();
    }
}

public sealed class RecordReceiptRequestValidator : AbstractValidator<RecordReceiptRequest>
{
    public RecordReceiptRequestValidator()
    {
        RuleFor(r => r.PoGuid).OptionalGuid();
        RuleFor(r => r.PoNumber).Text(64);
        RuleFor(r => r).Must(r => r.PoGuid is not null ^ r.PoNumber is not null).OverridePropertyName("po_guid")
            .WithMessage("give po_guid or po_number (one of them)");
        RuleFor(r => r.Lines).NotEmpty().WithMessage("is required").Must(l => l is null || l.Count <= ReceivingLimits.MaxLines)
            .WithMessage($"at most {ReceivingLimits.MaxLines} lines");
        RuleForEach(r => r.Lines).NotNull().SetValidator(new ReceiptLineRequestValidator());
        RuleFor(r => r.DeliveryNote).Text(100);
    }
}

public sealed class ReceiptKeyRequestValidator : AbstractValidator<ReceiptKeyRequest>
{
    public ReceiptKeyRequestValidator() => RuleFor(r => r.ReceiptGuid).RequiredGuid();
}

public sealed class ListReceiptsRequestValidator : AbstractValidator<ListReceiptsRequest>
{
    public ListReceiptsRequestValidator()
    {
        RuleFor(r => r.PoGuid).OptionalGuid();
        RuleFor(r => r.VendorGuid).OptionalGuid();
        RuleFor(r => r.FacilityCode).OptionalCode();
        RuleFor(r => r.Status).IsInEnum().When(r => r.Status is not null);
        RuleFor(r => r).Must(r => new[] { r.PoGuid, r.VendorGuid, r.FacilityCode }.Count(x => x is not null) <= 1).OverridePropertyName("po_guid")
            .WithMessage("filter by at most one of po_guid, vendor_guid and facility_code");
        this.AddPagingRules();
    }
}

/// <summary>
/// The data of every <c>receipt.*</c> event: the receipt as it now stands. <see cref="Revision"/> is the receipt's, so a
/// consumer keeps the newest.
/// </summary>
public sealed record ReceiptChanged(string Orgcode, string ReceiptGuid, string PoGuid, string PoNumber, string VendorGuid, string FacilityCode,
    ReceiptStatus Status, long Revision, IReadOnlyList<ReceiptLine> Lines, string? IcsReceiptGuid, string? FailureCode, string? FailureDetail);

/// <summary><c>po.received</c>: every line of the PO is received or closed.</summary>
public sealed record PoReceivedEvent(string Orgcode, string PoGuid, string PoNumber, string VendorGuid, string ShipToFacilityCode, long Revision);

public static class ReceivingEvents
{
    public static DomainEvent Of(string type, string orgcode, Receipt receipt, long revision) =>
        new(type, new ReceiptChanged(orgcode, receipt.ReceiptGuid, receipt.PoGuid, receipt.PoNumber, receipt.VendorGuid, receipt.FacilityCode,
            receipt.Status, revision, receipt.Lines, receipt.IcsReceiptGuid, receipt.FailureCode, receipt.FailureDetail), $"receipt/{receipt.ReceiptGuid}");

    public static DomainEvent PoReceived(string orgcode, Buying.PurchaseOrder po, long revision) =>
        new(PcmEvents.PoReceived, new PoReceivedEvent(orgcode, po.PoGuid, po.PoNumber, po.VendorGuid, po.ShipToFacilityCode, revision), $"purchase_order/{po.PoGuid}");
}
