using FluentValidation;

namespace Retail.Scm.Fulfilment;

public sealed record ExceptionLineRequest(int? LineNo, long? Quantity);

/// <summary>A generic exception: its kind and a note; nothing is done to stock or the order.</summary>
public sealed record ExceptionRaiseRequest(string? ShipmentGuid, long? ExpectedRevision, ExceptionKind? Kind, string? Note,
    IReadOnlyList<ExceptionLineRequest>? Lines);

public enum ShortPickRemedy
{
    Backorder,
    Cancel,
}

/// <param name="Found">How many of the shipment line's quantity were found.</param>
public sealed record ShortPickLineRequest(int? LineNo, long? Found);

/// <param name="Remedy">backorder (default; the channel must allow it) or cancel what is missing.</param>
public sealed record ShortPickRequest(string? ShipmentGuid, long? ExpectedRevision, IReadOnlyList<ShortPickLineRequest>? Lines, ShortPickRemedy? Remedy,
    string? Note);

/// <param name="Lines">Quantity: how many of the line were found damaged.</param>
public sealed record DamagedRequest(string? ShipmentGuid, long? ExpectedRevision, IReadOnlyList<ExceptionLineRequest>? Lines, string? Note);

public sealed record CarrierFailureRequest(string? ShipmentGuid, long? ExpectedRevision, string? Note);

/// <param name="Lines">Quantity: how many of the line ship now (0 takes the line off the shipment); the rest stays open on the order.</param>
public sealed record PartialRequest(string? ShipmentGuid, long? ExpectedRevision, IReadOnlyList<ExceptionLineRequest>? Lines, string? Note);

public sealed record ExceptionResolveRequest(string? ExceptionGuid, long? ExpectedRevision, string? Resolution);

public sealed record ExceptionKey(string? ExceptionGuid);

public sealed record ExceptionListRequest(string? ShipmentGuid, ExceptionStatus? Status, int? Limit, string? NextToken) : IPagedRequest;

/// <param name="VariantGuid">The alternative (PVM) that replaces the line's variant.</param>
/// <param name="ExpectedRevision">The order's.</param>
public sealed record SubstitutionApplyRequest(string? OrderGuid, long? ExpectedRevision, int? LineNo, string? VariantGuid, string? Note);

public sealed class ExceptionLineRequestValidator : AbstractValidator<ExceptionLineRequest>
{
    public ExceptionLineRequestValidator()
    {
        RuleFor(r => r.LineNo).NotNull().WithMessage("is required").GreaterThan(0);
        RuleFor(r => r.Quantity).NotNull().WithMessage("is required").InclusiveBetween(0, 1_000_000_000);
    }
}

public sealed class ExceptionRaiseRequestValidator : AbstractValidator<ExceptionRaiseRequest>
{
    public ExceptionRaiseRequestValidator()
    {
        this.AddChangeRules(r => r.ShipmentGuid, r => r.ExpectedRevision);
        RuleFor(r => r.Kind).NotNull().WithMessage("is required");
        RuleFor(r => r.Note).RequiredText(500);
        RuleFor(r => r.Lines).LineList(l => l.LineNo, required: false);
        RuleForEach(r => r.Lines).NotNull().SetValidator(new ExceptionLineRequestValidator())
            .Must(l => l is null || l.Quantity is null or > 0).WithMessage("quantity must be above zero");
    }
}

public sealed class ShortPickLineRequestValidator : AbstractValidator<ShortPickLineRequest>
{
    public ShortPickLineRequestValidator()
    {
        RuleFor(r => r.LineNo).NotNull().WithMessage("is required").GreaterThan(0);
        RuleFor(r => r.Found).NotNull().WithMessage("is required").InclusiveBetween(0, 1_000_000_000);
    }
}

public sealed class ShortPickRequestValidator : AbstractValidator<ShortPickRequest>
{
    public ShortPickRequestValidator()
    {
        this.AddChangeRules(r => r.ShipmentGuid, r => r.ExpectedRevision);
        RuleFor(r => r.Lines).LineList(l => l.LineNo, required: true);
        RuleForEach(r => r.Lines).NotNull().SetValidator(new ShortPickLineRequestValidator());
        RuleFor(r => r.Note).Text(500);
    }
}

public sealed class DamagedRequestValidator : AbstractValidator<DamagedRequest>
{
    public DamagedRequestValidator()
    {
        this.AddChangeRules(r => r.ShipmentGuid, r => r.ExpectedRevision);
        RuleFor(r => r.Lines).LineList(l => l.LineNo, required: true);
        RuleForEach(r => r.Lines).NotNull().SetValidator(new ExceptionLineRequestValidator())
            .Must(l => l is null || l.Quantity is null or > 0).WithMessage("quantity must be above zero");
        RuleFor(r => r.Note).Text(500);
    }
}

public sealed class CarrierFailureRequestValidator : AbstractValidator<CarrierFailureRequest>
{
    public CarrierFailureRequestValidator()
    {
        this.AddChangeRules(r => r.ShipmentGuid, r => r.ExpectedRevision);
        RuleFor(r => r.Note).Text(500);
    }
}

public sealed class PartialRequestValidator : AbstractValidator<PartialRequest>
{
    public PartialRequestValidator()
    {
        this.AddChangeRules(r => r.ShipmentGuid, r => r.ExpectedRevision);
        RuleFor(r => r.Lines).LineList(l => l.LineNo, required: true);
        RuleForEach(r => r.Lines).NotNull().SetValidator(new ExceptionLineRequestValidator());
        RuleFor(r => r.Note).Text(500);
    }
}

public sealed class ExceptionResolveRequestValidator : AbstractValidator<ExceptionResolveRequest>
{
    public ExceptionResolveRequestValidator()
    {
        RuleFor(r => r.ExceptionGuid).RequiredGuid();
        RuleFor(r => r.ExpectedRevision).GreaterThan(0).When(r => r.ExpectedRevision is not null);
        RuleFor(r => r.Resolution).RequiredText(500);
    }
}

public sealed class ExceptionKeyValidator : AbstractValidator<ExceptionKey>
{
    public ExceptionKeyValidator() => RuleFor(r => r.ExceptionGuid).RequiredGuid();
}

public sealed class ExceptionListRequestValidator : AbstractValidator<ExceptionListRequest>
{
    public ExceptionListRequestValidator()
    {
        this.AddPagingRules();
        RuleFor(r => r.ShipmentGuid).OptionalGuid();
        RuleFor(r => r).Must(r => r.ShipmentGuid is not null || r.Status is not null).WithMessage("name shipment_guid or status")
            .OverridePropertyName("shipment_guid");
    }
}

public sealed class SubstitutionApplyRequestValidator : AbstractValidator<SubstitutionApplyRequest>
{
    public SubstitutionApplyRequestValidator()
    {
        RuleFor(r => r.OrderGuid).RequiredGuid();
        RuleFor(r => r.ExpectedRevision).GreaterThan(0).When(r => r.ExpectedRevision is not null);
        RuleFor(r => r.LineNo).NotNull().WithMessage("is required").GreaterThan(0);
        RuleFor(r => r.VariantGuid).RequiredGuid();
        RuleFor(r => r.Note).Text(500);
    }
}
