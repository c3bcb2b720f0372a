using FluentValidation;
using Retail.Ics.Catalog;

namespace Retail.Ics.Stock;

public sealed record StockKeyRequest(string? FacilityCode, string? VariantGuid);

/// <param name="State">Only positions holding stock in this state (a quantity above zero).</param>
public sealed record StockListRequest(string? FacilityCode, string? VariantGuid, StockState? State, int? Limit, string? NextToken) : IPagedRequest;

public sealed record StockCardListRequest(string? FacilityCode, string? VariantGuid, int? Limit, string? NextToken) : IPagedRequest;

public sealed record StockTransitionRequest(string? FacilityCode, string? VariantGuid, StockState? From, StockState? To, long? Quantity, string? Reason,
    string? Note);

/// <summary>What a stock change committed: its guid (on each movement), the positions after it and its movements.</summary>
public sealed record StockChangeView(string ChangeGuid, IReadOnlyList<Position> Positions, IReadOnlyList<Movement> Movements)
{
    public static StockChangeView Of(LedgerResult result) => new(result.Movements[0].ChangeGuid, result.Positions, result.Movements);
}

/// <summary>A position as its movements add it up, the one stored, and whether they agree.</summary>
public sealed record ReconcileView(Position Rebuilt, Position Stored, bool Agrees);

/// <summary>Rules the stock, warehouse and consignment requests share.</summary>
public static class StockRules
{
    /// <summary>The largest quantity one request moves: far below overflow of any sum of positions.</summary>
    public const long MaxQuantity = 1_000_000_000;

    /// <summary>States only holds (reservations, allocations, commitments) move stock into or out of.</summary>
    public static readonly IReadOnlySet<StockState> HoldStates = new HashSet<StockState> { StockState.Reserved, StockState.Allocated, StockState.Committed };

    public static string Guid(string? value) => System.Guid.Parse(value!).ToString();

    public static IRuleBuilderOptions<T, long?> Quantity<T>(this IRuleBuilder<T, long?> rule) =>
        rule.NotNull().WithMessage("is required").InclusiveBetween(1, MaxQuantity).WithMessage($"must be 1–{MaxQuantity}");

    public static void AddReferenceRules<T>(this AbstractValidator<T> validator, Func<T, StockReference?> reference, string field, bool required)
    {
        if (required)
        {
            validator.RuleFor(r => reference(r)).NotNull().WithMessage("is required").OverridePropertyName(field);
        }
        validator.RuleFor(r => reference(r)!.Kind).BusinessCode().When(r => reference(r) is not null).OverridePropertyName($"{field}.kind");
        validator.RuleFor(r => reference(r)!.Id).RequiredText(100).When(r => reference(r) is not null).OverridePropertyName($"{field}.id");
    }

    public static StockReference? Normalized(StockReference? reference) =>
        reference is null ? null : new StockReference(Codes.Normalize(reference.Kind), reference.Id.Trim());
}

public sealed class StockKeyRequestValidator : AbstractValidator<StockKeyRequest>
{
    public StockKeyRequestValidator()
    {
        RuleFor(r => r.FacilityCode).BusinessCode();
        RuleFor(r => r.VariantGuid).RequiredGuid();
    }
}

public sealed class StockListRequestValidator : AbstractValidator<StockListRequest>
{
    public StockListRequestValidator()
    {
        RuleFor(r => r.FacilityCode).OptionalCode();
        RuleFor(r => r.VariantGuid).OptionalGuid();
        this.AddPagingRules();
    }
}

public sealed class StockCardListRequestValidator : AbstractValidator<StockCardListRequest>
{
    public StockCardListRequestValidator()
    {
        RuleFor(r => r.FacilityCode).BusinessCode();
        RuleFor(r => r.VariantGuid).RequiredGuid();
        this.AddPagingRules();
    }
}

public sealed class StockTransitionRequestValidator : AbstractValidator<StockTransitionRequest>
{
    public StockTransitionRequestValidator()
    {
        RuleFor(r => r.FacilityCode).BusinessCode();
        RuleFor(r => r.VariantGuid).RequiredGuid();
        RuleFor(r => r.From).NotNull().WithMessage("is required");
        RuleFor(r => r.To).NotNull().WithMessage("is required")
            .NotEqual(r => r.From).When(r => r.From is not null).WithMessage("must differ from from");
        RuleFor(r => r.Quantity).Quantity();
        RuleFor(r => r.Reason).BusinessCode();
        RuleFor(r => r.Note).MultilineText(1000);
    }
}
