using FluentValidation;

namespace Retail.Scm.Fulfilment;

/// <param name="Quantity">Null: everything of the line that is open and not on another open shipment.</param>
public sealed record ShipmentLineRequest(int? LineNo, long? Quantity);

/// <param name="Lines">Null: every committed line with something left to ship.</param>
/// <param name="FacilityCode">The facility it leaves; must be the lines' (their commitments').</param>
public sealed record ShipmentCreateRequest(string? OrderGuid, IReadOnlyList<ShipmentLineRequest>? Lines, string? FacilityCode, string? Note);

public sealed record ShipmentKey(string? ShipmentGuid);

public sealed record ShipmentListRequest(string? OrderGuid, ShipmentStatus? Status, string? FacilityCode, int? Limit, string? NextToken) : IPagedRequest;

/// <summary>A bin a line is picked from (and the staging bin it goes to): the pick is then recorded in ICS against the commitment.</summary>
public sealed record PickLineRequest(int? LineNo, string? FromBin, string? ToBin);

/// <param name="Lines">Bins per line, when the facility keeps its stock in bins; lines not named are picked without bins.</param>
public sealed record ShipmentPickRequest(string? ShipmentGuid, long? ExpectedRevision, IReadOnlyList<PickLineRequest>? Lines);

public sealed record ShipmentPackRequest(string? ShipmentGuid, long? ExpectedRevision, string? PackageRef, long? WeightGrams);

public sealed record ShipmentShipRequest(string? ShipmentGuid, long? ExpectedRevision, string? Carrier, string? Tracking);

/// <summary>deliver, pickup/ready, pickup/complete, pickup/no_show, cancel.</summary>
public sealed record ShipmentChange(string? ShipmentGuid, long? ExpectedRevision, string? Note);

internal static class ShipmentRequestRules
{
    public const int MaxLines = 200;

    public static void AddChangeRules<T>(this AbstractValidator<T> validator, Func<T, string?> shipmentGuid, Func<T, long?> expectedRevision)
    {
        validator.RuleFor(r => shipmentGuid(r)).RequiredGuid().OverridePropertyName("shipment_guid");
        validator.RuleFor(r => expectedRevision(r)).GreaterThan(0).When(r => expectedRevision(r) is not null).OverridePropertyName("expected_revision");
    }

    public static IRuleBuilderOptions<T, IReadOnlyList<TLine>?> LineList<T, TLine>(this IRuleBuilder<T, IReadOnlyList<TLine>?> rule, Func<TLine, int?> lineNo,
        bool required) =>
        rule.Must(l => !required || l is { Count: > 0 }).WithMessage("is required")
            .Must(l => l is null || l.Count <= MaxLines).WithMessage($"at most {MaxLines} lines")
            .Must(l => l is null || l.Where(x => x is not null).GroupBy(lineNo).All(g => g.Count() == 1)).WithMessage("names each line_no once");

    public static string Guid(string? value) => System.Guid.Parse(value!).ToString();
}

public sealed class ShipmentLineRequestValidator : AbstractValidator<ShipmentLineRequest>
{
    public ShipmentLineRequestValidator()
    {
        RuleFor(r => r.LineNo).NotNull().WithMessage("is required").GreaterThan(0);
        RuleFor(r => r.Quantity).InclusiveBetween(1, 1_000_000_000).When(r => r.Quantity is not null);
    }
}

public sealed class ShipmentCreateRequestValidator : AbstractValidator<ShipmentCreateRequest>
{
    public ShipmentCreateRequestValidator()
    {
        RuleFor(r => r.OrderGuid).RequiredGuid();
        RuleFor(r => r.Lines).LineList(l => l.LineNo, required: false);
        RuleForEach(r => r.Lines).NotNull().SetValidator(new ShipmentLineRequestValidator());
        RuleFor(r => r.FacilityCode).OptionalCode();
        RuleFor(r => r.Note).Text(500);
    }
}

public sealed class ShipmentKeyValidator : AbstractValidator<ShipmentKey>
{
    public ShipmentKeyValidator() => RuleFor(r => r.ShipmentGuid).RequiredGuid();
}

public sealed class ShipmentListRequestValidator : AbstractValidator<ShipmentListRequest>
{
    public ShipmentListRequestValidator()
    {
        this.AddPagingRules();
        RuleFor(r => r.OrderGuid).OptionalGuid();
        RuleFor(r => r.FacilityCode).OptionalCode();
    }
}

public sealed class PickLineRequestValidator : AbstractValidator<PickLineRequest>
{
    public PickLineRequestValidator()
    {
        RuleFor(r => r.LineNo).NotNull().WithMessage("is required").GreaterThan(0);
        RuleFor(r => r.FromBin).BusinessCode();
        RuleFor(r => r.ToBin).OptionalCode();
    }
}

public sealed class ShipmentPickRequestValidator : AbstractValidator<ShipmentPickRequest>
{
    public ShipmentPickRequestValidator()
    {
        this.AddChangeRules(r => r.ShipmentGuid, r => r.ExpectedRevision);
        RuleFor(r => r.Lines).LineList(l => l.LineNo, required: false);
        RuleForEach(r => r.Lines).NotNull().SetValidator(new PickLineRequestValidator());
    }
}

public sealed class ShipmentPackRequestValidator : AbstractValidator<ShipmentPackRequest>
{
    public ShipmentPackRequestValidator()
    {
        this.AddChangeRules(r => r.ShipmentGuid, r => r.ExpectedRevision);
        RuleFor(r => r.PackageRef).RequiredText(100);
        RuleFor(r => r.WeightGrams).InclusiveBetween(1, 10_000_000).When(r => r.WeightGrams is not null);
    }
}

public sealed class ShipmentShipRequestValidator : AbstractValidator<ShipmentShipRequest>
{
    public ShipmentShipRequestValidator()
    {
        this.AddChangeRules(r => r.ShipmentGuid, r => r.ExpectedRevision);
        RuleFor(r => r.Carrier).RequiredText(100);
        RuleFor(r => r.Tracking).Text(100);
    }
}

public sealed class ShipmentChangeValidator : AbstractValidator<ShipmentChange>
{
    public ShipmentChangeValidator()
    {
        this.AddChangeRules(r => r.ShipmentGuid, r => r.ExpectedRevision);
        RuleFor(r => r.Note).Text(500);
    }
}
