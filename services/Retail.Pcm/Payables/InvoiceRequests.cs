using FluentValidation;

namespace Retail.Pcm.Payables;

public sealed record InvoiceLineRequest(int? PoLineNo, long? Quantity, long? UnitCostMinor);

/// <param name="PoGuid">The PO invoiced (or <paramref name="PoNumber"/>).</param>
/// <param name="VendorCode">The invoice's vendor (or <paramref name="VendorGuid"/>): it must be the PO's.</param>
public sealed record MatchInvoiceRequest(
    string? VendorInvoiceNumber,
    string? PoGuid,
    string? PoNumber,
    string? VendorGuid,
    string? VendorCode,
    string? Currency,
    DateOnly? InvoiceDate,
    IReadOnlyList<InvoiceLineRequest>? Lines,
    long? TaxMinor,
    long? FreightMinor);

public sealed record InvoiceKey(string? InvoiceGuid);

public sealed record InvoiceListRequest(InvoiceStatus? Status, string? VendorGuid, string? PoGuid, int? Limit, string? NextToken) : IPagedRequest;

public sealed record DisputeInvoiceRequest(string? InvoiceGuid, long? ExpectedRevision, string? Reason);

/// <param name="CreditAmountMinor">For <c>credit</c>: the credit note's amount; the invoice's variance when left out.</param>
public sealed record ResolveInvoiceRequest(string? InvoiceGuid, long? ExpectedRevision, InvoiceResolution? Resolution, long? CreditAmountMinor,
    string? Note);

internal static class PayablesRequestRules
{
    public const int MaxLines = 500;
    public const long MaxQuantity = 1_000_000_000;
    public const long MaxMinor = 1_000_000_000_000_000;

    public static string GuidKey(string guid) => Guid.Parse(guid).ToString();
}

public sealed class MatchInvoiceRequestValidator : AbstractValidator<MatchInvoiceRequest>
{
    public MatchInvoiceRequestValidator()
    {
        RuleFor(r => r.VendorInvoiceNumber).RequiredText(64);
        RuleFor(r => r.PoGuid).OptionalGuid();
        RuleFor(r => r.PoNumber).Text(64);
        RuleFor(r => r.PoGuid).NotEmpty().When(r => string.IsNullOrWhiteSpace(r.PoNumber)).WithMessage("po_guid or po_number is required");
        RuleFor(r => r.VendorGuid).OptionalGuid();
        RuleFor(r => r.VendorCode).OptionalCode();
        RuleFor(r => r.VendorCode).NotEmpty().When(r => r.VendorGuid is null).WithMessage("vendor_code or vendor_guid is required");
        RuleFor(r => r.Currency).NotEmpty().WithMessage("is required").Currency();
        RuleFor(r => r.InvoiceDate).NotNull().WithMessage("is required");
        RuleFor(r => r.Lines).NotEmpty().WithMessage("is required")
            .Must(l => l is null || l.Count <= PayablesRequestRules.MaxLines).WithMessage($"has at most {PayablesRequestRules.MaxLines} lines")
            .Must(l => l is null || l.Where(x => x.PoLineNo is not null).GroupBy(x => x.PoLineNo).All(g => g.Count() == 1))
            .WithMessage("names each po_line_no once");
        RuleForEach(r => r.Lines).ChildRules(line =>
        {
            line.RuleFor(l => l.PoLineNo).NotNull().WithMessage("is required").GreaterThan(0);
            line.RuleFor(l => l.Quantity).NotNull().WithMessage("is required").InclusiveBetween(1, PayablesRequestRules.MaxQuantity);
            line.RuleFor(l => l.UnitCostMinor).NotNull().WithMessage("is required").InclusiveBetween(0, PayablesRequestRules.MaxMinor / PayablesRequestRules.MaxQuantity);
        });
        RuleFor(r => r.TaxMinor).InclusiveBetween(0, PayablesRequestRules.MaxMinor).When(r => r.TaxMinor is not null);
        RuleFor(r => r.FreightMinor).InclusiveBetween(0, PayablesRequestRules.MaxMinor).When(r => r.FreightMinor is not null);
    }
}

public sealed class InvoiceKeyValidator : AbstractValidator<InvoiceKey>
{
    public InvoiceKeyValidator() => RuleFor(r => r.InvoiceGuid).RequiredGuid();
}

public sealed class InvoiceListRequestValidator : AbstractValidator<InvoiceListRequest>
{
    public InvoiceListRequestValidator()
    {
        this.AddPagingRules();
        RuleFor(r => r.Status).IsInEnum().When(r => r.Status is not null);
        RuleFor(r => r.VendorGuid).OptionalGuid();
        RuleFor(r => r.PoGuid).OptionalGuid();
    }
}

public sealed class DisputeInvoiceRequestValidator : AbstractValidator<DisputeInvoiceRequest>
{
    public DisputeInvoiceRequestValidator()
    {
        RuleFor(r => r.InvoiceGuid).RequiredGuid();
        RuleFor(r => r.ExpectedRevision).GreaterThan(0).When(r => r.ExpectedRevision is not null);
        RuleFor(r => r.Reason).RequiredText(500);
    }
}

public sealed class ResolveInvoiceRequestValidator : AbstractValidator<ResolveInvoiceRequest>
{
    public ResolveInvoiceRequestValidator()
    {
        RuleFor(r => r.InvoiceGuid).RequiredGuid();
        RuleFor(r => r.ExpectedRevision).GreaterThan(0).When(r => r.ExpectedRevision is not null);
        RuleFor(r => r.Resolution).NotNull().WithMessage("is required").IsInEnum();
        RuleFor(r => r.CreditAmountMinor).InclusiveBetween(1, PayablesRequestRules.MaxMinor).When(r => r.CreditAmountMinor is not null);
        RuleFor(r => r.CreditAmountMinor).Null().When(r => r.Resolution is not InvoiceResolution.Credit).WithMessage("is only for resolution credit");
        RuleFor(r => r.Note).Text(500);
    }
}
