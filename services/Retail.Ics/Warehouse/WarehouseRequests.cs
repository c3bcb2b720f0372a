using FluentValidation;
using Retail.Ics.Stock;

namespace Retail.Ics.Warehouse;

/// <param name="State">available (default) or qc_hold.</param>
public sealed record ReceiveLineRequest(string? VariantGuid, long? Quantity, string? BinCode, StockState? State);

public sealed record ReceiveRequest(string? FacilityCode, StockReference? Reference, IReadOnlyList<ReceiveLineRequest>? Lines);

public sealed record ReceiptKey(string? ReceiptGuid);

public sealed record ReceiptListRequest(string? FacilityCode, StockReference? Reference, int? Limit, string? NextToken) : IPagedRequest;

public sealed record QcLine(string? VariantGuid, long? Passed, long? Failed);

public sealed record QcCompleteRequest(string? ReceiptGuid, IReadOnlyList<QcLine>? Lines, long? ExpectedRevision);

/// <param name="FromBin">The bin it leaves; null: stock not yet in a bin (just received).</param>
public sealed record PutawayRequest(string? FacilityCode, string? VariantGuid, long? Quantity, string? FromBin, string? ToBin);

/// <param name="HoldGuid">The commitment picked for; without it, available stock is picked (a move to staging).</param>
/// <param name="ToBin">A staging bin; null: picked into a tote (out of any bin).</param>
public sealed record PickRequest(string? FacilityCode, string? HoldGuid, string? VariantGuid, long? Quantity, string? FromBin, string? ToBin);

public sealed record PackLineRequest(string? VariantGuid, long? Quantity);

public sealed record PackRequest(string? FacilityCode, string? HoldGuid, string? PackageRef, IReadOnlyList<PackLineRequest>? Lines);

/// <param name="FromBin">The (staging) bin every line leaves from; null: stock picked out of bins.</param>
public sealed record ShipRequest(string? FacilityCode, string? HoldGuid, long? ExpectedRevision, string? FromBin, string? Carrier, string? Tracking);

internal static class WarehouseLimits
{
    public const int MaxLines = 200;
}

public sealed class ReceiveLineRequestValidator : AbstractValidator<ReceiveLineRequest>
{
    public ReceiveLineRequestValidator()
    {
        RuleFor(r => r.VariantGuid).RequiredGuid();
        RuleFor(r => r.Quantity).Quantity();
        RuleFor(r => r.BinCode).OptionalCode();
        RuleFor(r => r.State).Must(s => s is null or StockState.Available or StockState.QcHold).WithMessage("must be available or qc_hold");
    }
}

public sealed class ReceiveRequestValidator : AbstractValidator<ReceiveRequest>
{
    public ReceiveRequestValidator()
    {
        RuleFor(r => r.FacilityCode).BusinessCode();
        this.AddReferenceRules(r => r.Reference, "reference", required: true);
        RuleFor(r => r.Lines).NotEmpty().WithMessage("is required").Must(l => l is null || l.Count <= WarehouseLimits.MaxLines)
            .WithMessage($"at most {WarehouseLimits.MaxLines} lines")
            .Must(l => l is null || l.Where(x => Guid.TryParse(x?.VariantGuid, out _)).GroupBy(x => Guid.Parse(x!.VariantGuid!)).All(g => g.Count() == 1))
            .WithMessage("names each variant once");
        RuleForEach(r => r.Lines).NotNull().SetValidator(new ReceiveLineRequestValidator());
    }
}

public sealed class ReceiptKeyValidator : AbstractValidator<ReceiptKey>
{
    public ReceiptKeyValidator() => RuleFor(r => r.ReceiptGuid).RequiredGuid();
}

public sealed class ReceiptListRequestValidator : AbstractValidator<ReceiptListRequest>
{
    public ReceiptListRequestValidator()
    {
        RuleFor(r => r.FacilityCode).OptionalCode();
        this.AddReferenceRules(r => r.Reference, "reference", required: false);
        this.AddPagingRules();
    }
}

public sealed class QcLineValidator : AbstractValidator<QcLine>
{
    public QcLineValidator()
    {
        RuleFor(r => r.VariantGuid).RequiredGuid();
        RuleFor(r => r.Passed).InclusiveBetween(0, StockRules.MaxQuantity);
        RuleFor(r => r.Failed).InclusiveBetween(0, StockRules.MaxQuantity);
        RuleFor(r => r).Must(r => (r.Passed ?? 0) + (r.Failed ?? 0) > 0).OverridePropertyName("passed").WithMessage("passed or failed must be above zero");
    }
}

public sealed class QcCompleteRequestValidator : AbstractValidator<QcCompleteRequest>
{
    public QcCompleteRequestValidator()
    {
        RuleFor(r => r.ReceiptGuid).RequiredGuid();
        RuleFor(r => r.Lines).NotEmpty().WithMessage("is required").Must(l => l is null || l.Count <= WarehouseLimits.MaxLines)
            .WithMessage($"at most {WarehouseLimits.MaxLines} lines");
        RuleForEach(r => r.Lines).NotNull().SetValidator(new QcLineValidator());
    }
}

public sealed class PutawayRequestValidator : AbstractValidator<PutawayRequest>
{
    public PutawayRequestValidator()
    {
        RuleFor(r => r.FacilityCode).BusinessCode();
        RuleFor(r => r.VariantGuid).RequiredGuid();
        RuleFor(r => r.Quantity).Quantity();
        RuleFor(r => r.FromBin).OptionalCode();
        RuleFor(r => r.ToBin).BusinessCode()
            .Must((r, to) => r.FromBin is null || Codes.Normalize(r.FromBin) != Codes.Normalize(to)).WithMessage("must differ from from_bin");
    }
}

public sealed class PickRequestValidator : AbstractValidator<PickRequest>
{
    public PickRequestValidator()
    {
        RuleFor(r => r.FacilityCode).BusinessCode();
        RuleFor(r => r.HoldGuid).OptionalGuid();
        RuleFor(r => r.VariantGuid).RequiredGuid();
        RuleFor(r => r.Quantity).Quantity();
        RuleFor(r => r.FromBin).BusinessCode();
        RuleFor(r => r.ToBin).OptionalCode()
            .Must((r, to) => to is null || Codes.Normalize(r.FromBin) != Codes.Normalize(to)).WithMessage("must differ from from_bin");
    }
}

public sealed class PackLineRequestValidator : AbstractValidator<PackLineRequest>
{
    public PackLineRequestValidator()
    {
        RuleFor(r => r.VariantGuid).RequiredGuid();
        RuleFor(r => r.Quantity).Quantity();
    }
}

public sealed class PackRequestValidator : AbstractValidator<PackRequest>
{
    public PackRequestValidator()
    {
        RuleFor(r => r.FacilityCode).BusinessCode();
        RuleFor(r => r.HoldGuid).RequiredGuid();
        RuleFor(r => r.PackageRef).RequiredText(100);
        RuleFor(r => r.Lines).NotEmpty().WithMessage("is required").Must(l => l is null || l.Count <= WarehouseLimits.MaxLines)
            .WithMessage($"at most {WarehouseLimits.MaxLines} lines");
        RuleForEach(r => r.Lines).NotNull().SetValidator(new PackLineRequestValidator());
    }
}

public sealed class ShipRequestValidator : AbstractValidator<ShipRequest>
{
    public ShipRequestValidator()
    {
        RuleFor(r => r.FacilityCode).BusinessCode();
        RuleFor(r => r.HoldGuid).RequiredGuid();
        RuleFor(r => r.FromBin).OptionalCode();
        RuleFor(r => r.Carrier).Text(100);
        RuleFor(r => r.Tracking).Text(100);
    }
}
