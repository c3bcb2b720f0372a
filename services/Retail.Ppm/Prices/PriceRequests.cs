using FluentValidation;

namespace Retail.Ppm.Prices;

/// <summary>One price as <c>/price/set</c> and <c>/price/approval/submit</c> take it.</summary>
public interface IPriceLine
{
    string? VariantGuid { get; }

    string? PriceListCode { get; }

    /// <summary>The zone the price overrides the list in; absent for the list's own price.</summary>
    string? PriceZoneCode { get; }

    /// <summary>Absent: <c>each</c>.</summary>
    string? UomCode { get; }

    long? AmountMinor { get; }

    string? Currency { get; }

    long? CostMinor { get; }

    /// <summary>Absent: now.</summary>
    DateTimeOffset? EffectiveFrom { get; }

    /// <summary>Absent: open-ended.</summary>
    DateTimeOffset? EffectiveTo { get; }

    string? Note { get; }

    /// <summary>The entry's revision: required to change a window (the same from and to as an active one).</summary>
    long? ExpectedRevision { get; }
}

/// <summary>A line of a bulk <c>/price/set</c>, and the body of <c>/price/approval/submit</c>.</summary>
public sealed record PriceLine(string? VariantGuid, string? PriceListCode, string? PriceZoneCode, string? UomCode, long? AmountMinor, string? Currency,
    long? CostMinor, DateTimeOffset? EffectiveFrom, DateTimeOffset? EffectiveTo, string? Note, long? ExpectedRevision) : IPriceLine;

/// <summary>One price (its fields at the top level) or up to <see cref="PriceRequestRules.MaxLines"/> in <see cref="Prices"/>, never both.</summary>
public sealed record SetPriceRequest(string? VariantGuid, string? PriceListCode, string? PriceZoneCode, string? UomCode, long? AmountMinor,
    string? Currency, long? CostMinor, DateTimeOffset? EffectiveFrom, DateTimeOffset? EffectiveTo, string? Note, long? ExpectedRevision,
    IReadOnlyList<PriceLine>? Prices) : IPriceLine
{
    public bool HasSingleFields => VariantGuid is not null || PriceListCode is not null || PriceZoneCode is not null || UomCode is not null
        || AmountMinor is not null || Currency is not null || CostMinor is not null || EffectiveFrom is not null || EffectiveTo is not null
        || Note is not null || ExpectedRevision is not null;

    public PriceLine Single => new(VariantGuid, PriceListCode, PriceZoneCode, UomCode, AmountMinor, Currency, CostMinor, EffectiveFrom, EffectiveTo,
        Note, ExpectedRevision);
}

/// <param name="PriceZoneCode">Absent or <c>*</c>: the list's own price.</param>
/// <param name="At">Which window <c>in_effect</c> shows; absent: now.</param>
/// <param name="Limit">With <paramref name="IncludeHistory"/>: the history's page size (its <c>next_token</c> reads on).</param>
public sealed record GetPriceRequest(string? VariantGuid, string? PriceListCode, string? PriceZoneCode, string? UomCode, DateTimeOffset? At,
    bool? IncludeHistory, int? Limit, string? NextToken) : IPagedRequest;

/// <summary>The entries of a variant, or of a list (and zone: <c>*</c> for the list's own prices); <see cref="Status"/> keeps those with such a window.</summary>
public sealed record ListPricesRequest(string? VariantGuid, string? PriceListCode, string? PriceZoneCode, PriceWindowStatus? Status, DateTimeOffset? At,
    int? Limit, string? NextToken) : IPagedRequest;

public sealed record ApproveRequest(string? ApprovalGuid, long? ExpectedRevision);

public sealed record RejectRequest(string? ApprovalGuid, long? ExpectedRevision, string? Reason);

public static class PriceRequestRules
{
    public const int MaxLines = 1000;

    /// <summary>Ten trillion minor units: far above any price, far below overflow when amounts are compared or multiplied.</summary>
    public const long MaxAmountMinor = 10_000_000_000_000;

    public static void AddPriceLineRules<T>(this AbstractValidator<T> validator) where T : IPriceLine
    {
        validator.RuleFor(r => r.VariantGuid).RequiredGuid();
        validator.RuleFor(r => r.PriceListCode).BusinessCode();
        validator.RuleFor(r => r.PriceZoneCode).OptionalCode();
        validator.RuleFor(r => r.UomCode).OptionalCode();
        validator.RuleFor(r => r.AmountMinor).NotNull().WithMessage("is required").InclusiveBetween(0, MaxAmountMinor);
        validator.RuleFor(r => r.Currency).NotEmpty().WithMessage("is required").Currency();
        validator.RuleFor(r => r.CostMinor).InclusiveBetween(0, MaxAmountMinor).When(r => r.CostMinor is not null);
        validator.RuleFor(r => r.EffectiveTo).Must((r, to) => to > r.EffectiveFrom).WithMessage("must be after effective_from")
            .When(r => r.EffectiveTo is not null && r.EffectiveFrom is not null);
        validator.RuleFor(r => r.Note).Text(500);
        validator.RuleFor(r => r.ExpectedRevision).GreaterThanOrEqualTo(0).When(r => r.ExpectedRevision is not null);
    }

    /// <summary>A zone filter: a code, or <c>*</c> for the list's own prices.</summary>
    public static IRuleBuilderOptions<T, string?> ZoneFilter<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(z => z is null || z.Trim() == PriceEntry.NoZone || Codes.IsValid(Codes.Normalize(z)))
            .WithMessage($"must be {PriceEntry.NoZone} or match {Codes.PatternText}");
}

public sealed class SetPriceRequestValidator : AbstractValidator<SetPriceRequest>
{
    public SetPriceRequestValidator()
    {
        When(r => r.Prices is null, () => this.AddPriceLineRules());
        When(r => r.Prices is not null, () =>
        {
            RuleFor(r => r.Prices).Must(p => p!.Count is > 0 and <= PriceRequestRules.MaxLines)
                .WithMessage($"has 1–{PriceRequestRules.MaxLines} prices")
                .Must((r, _) => !r.HasSingleFields).WithMessage("comes alone: a bulk set gives every price as a line of prices");
            RuleForEach(r => r.Prices).NotNull().WithMessage("is required")
                .ChildRules(line => line.AddPriceLineRules());
        });
    }
}

public sealed class PriceLineValidator : AbstractValidator<PriceLine>
{
    public PriceLineValidator() => this.AddPriceLineRules();
}

public sealed class GetPriceRequestValidator : AbstractValidator<GetPriceRequest>
{
    public GetPriceRequestValidator()
    {
        RuleFor(r => r.VariantGuid).RequiredGuid();
        RuleFor(r => r.PriceListCode).BusinessCode();
        RuleFor(r => r.PriceZoneCode).ZoneFilter();
        RuleFor(r => r.UomCode).OptionalCode();
        this.AddPagingRules();
    }
}

public sealed class ListPricesRequestValidator : AbstractValidator<ListPricesRequest>
{
    public ListPricesRequestValidator()
    {
        this.AddPagingRules();
        RuleFor(r => r.VariantGuid).OptionalGuid();
        RuleFor(r => r.PriceListCode).OptionalCode()
            .Must((r, list) => list is not null || r.VariantGuid is not null).WithMessage("is required unless variant_guid is given");
        RuleFor(r => r.PriceZoneCode).ZoneFilter()
            .Must((r, zone) => zone is null || r.PriceListCode is not null).WithMessage("needs price_list_code");
    }
}

public sealed class ApproveRequestValidator : AbstractValidator<ApproveRequest>
{
    public ApproveRequestValidator()
    {
        RuleFor(r => r.ApprovalGuid).RequiredGuid();
        RuleFor(r => r.ExpectedRevision).GreaterThan(0).When(r => r.ExpectedRevision is not null);
    }
}

public sealed class RejectRequestValidator : AbstractValidator<RejectRequest>
{
    public RejectRequestValidator()
    {
        RuleFor(r => r.ApprovalGuid).RequiredGuid();
        RuleFor(r => r.ExpectedRevision).GreaterThan(0).When(r => r.ExpectedRevision is not null);
        RuleFor(r => r.Reason).RequiredText(500);
    }
}
