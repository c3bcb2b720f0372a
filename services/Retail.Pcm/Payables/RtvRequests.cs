using FluentValidation;

namespace Retail.Pcm.Payables;

/// <param name="Reason">Why it goes back (damaged, wrong item, overstock, …): free text the vendor reads.</param>
public sealed record RtvLineRequest(string? ReceiptGuid, int? PoLineNo, long? Quantity, string? Reason);

public sealed record CreateRtvRequest(string? VendorGuid, string? VendorCode, IReadOnlyList<RtvLineRequest>? Lines, string? Note);

/// <param name="VendorReference">The vendor's acknowledgement (its return authorisation or credit note number).</param>
/// <param name="AcknowledgedOn">When the vendor acknowledged it.</param>
/// <param name="CreditAmountMinor">The credit the vendor will give; Σ quantity × receipt unit cost when left out.</param>
public sealed record ReceiveRtvRequest(string? RtvGuid, long? ExpectedRevision, string? VendorReference, DateOnly? AcknowledgedOn, long? CreditAmountMinor);

public sealed record RtvKey(string? RtvGuid);

public sealed record RtvListRequest(RtvStatus? Status, string? VendorGuid, int? Limit, string? NextToken) : IPagedRequest;

public sealed class CreateRtvRequestValidator : AbstractValidator<CreateRtvRequest>
{
    /// <summary>Each line is one ICS adjustment (and one compensation if a later one fails): kept small.</summary>
    public const int MaxLines = 100;

    public CreateRtvRequestValidator()
    {
        RuleFor(r => r.VendorGuid).OptionalGuid();
        RuleFor(r => r.VendorCode).OptionalCode();
        RuleFor(r => r.VendorCode).NotEmpty().When(r => r.VendorGuid is null).WithMessage("vendor_code or vendor_guid is required");
        RuleFor(r => r.Lines).NotEmpty().WithMessage("is required")
            .Must(l => l is null || l.Count <= MaxLines).WithMessage($"has at most {MaxLines} lines")
            .Must(l => l is null || l.Where(x => Guid.TryParse(x.ReceiptGuid, out _) && x.PoLineNo is not null)
                .GroupBy(x => (Guid.Parse(x.ReceiptGuid!), x.PoLineNo)).All(g => g.Count() == 1))
            .WithMessage("names each receipt line (receipt_guid, po_line_no) once");
        RuleForEach(r => r.Lines).ChildRules(line =>
        {
            line.RuleFor(l => l.ReceiptGuid).RequiredGuid();
            line.RuleFor(l => l.PoLineNo).NotNull().WithMessage("is required").GreaterThan(0);
            line.RuleFor(l => l.Quantity).NotNull().WithMessage("is required").InclusiveBetween(1, PayablesRequestRules.MaxQuantity);
            line.RuleFor(l => l.Reason).RequiredText(200);
        });
        RuleFor(r => r.Note).MultilineText(1000);
    }
}

public sealed class ReceiveRtvRequestValidator : AbstractValidator<ReceiveRtvRequest>
{
    public ReceiveRtvRequestValidator()
    {
        RuleFor(r => r.RtvGuid).RequiredGuid();
        RuleFor(r => r.ExpectedRevision).GreaterThan(0).When(r => r.ExpectedRevision is not null);
        RuleFor(r => r.VendorReference).RequiredText(100);
        RuleFor(r => r.CreditAmountMinor).InclusiveBetween(0, PayablesRequestRules.MaxMinor).When(r => r.CreditAmountMinor is not null);
    }
}

public sealed class RtvKeyValidator : AbstractValidator<RtvKey>
{
    public RtvKeyValidator() => RuleFor(r => r.RtvGuid).RequiredGuid();
}

public sealed class RtvListRequestValidator : AbstractValidator<RtvListRequest>
{
    public RtvListRequestValidator()
    {
        this.AddPagingRules();
        RuleFor(r => r.Status).IsInEnum().When(r => r.Status is not null);
        RuleFor(r => r.VendorGuid).OptionalGuid();
    }
}
