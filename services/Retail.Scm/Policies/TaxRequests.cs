using FluentValidation;
using Retail.Scm.Orders;

namespace Retail.Scm.Policies;

/// <summary>
/// A new version of a jurisdiction's tax policy: every rate (a <c>standard</c> one among them), inclusive or not, and
/// when it takes effect (now when absent; never before the latest version). <c>expected_revision</c> is the
/// jurisdiction's latest version (absent or 0 for its first).
/// </summary>
public sealed record SetTaxPolicyRequest(string? Jurisdiction, IReadOnlyList<TaxRate>? Rates, bool? Inclusive, DateTimeOffset? EffectiveFrom, string? Note,
    long? ExpectedRevision);

/// <summary>The version in effect at <c>at</c> (now when absent) for exactly this jurisdiction, or the version named.</summary>
public sealed record GetTaxPolicyRequest(string? Jurisdiction, DateTimeOffset? At, long? Version);

/// <summary>A jurisdiction's versions, oldest first; without a jurisdiction every version of the org.</summary>
public sealed record ListTaxPoliciesRequest(string? Jurisdiction, int? Limit, string? NextToken) : IPagedRequest;

/// <summary>A variant's or a style's tax category (exactly one of the two); upsert with <c>expected_revision</c>.</summary>
public sealed record SetTaxCategoryRequest(string? VariantGuid, string? StyleGuid, string? TaxCategory, long? ExpectedRevision);

public sealed record GetTaxCategoryRequest(string? VariantGuid, string? StyleGuid);

/// <param name="NetMinor">The line's amount (after discounts; tax inclusive when the policy is), or give <paramref name="UnitMinor"/> × quantity.</param>
public sealed record TaxQuoteLine(int? LineNo, string? VariantGuid, string? StyleGuid, long? Quantity, long? NetMinor, long? UnitMinor, string? TaxCategory);

/// <summary>A cart to quote: its currency, where tax applies (a jurisdiction, or a delivery address's country and region), its lines, and when (now when absent).</summary>
public sealed record TaxQuoteRequest(string? Currency, string? Jurisdiction, Address? DeliveryAddress, IReadOnlyList<TaxQuoteLine>? Lines, DateTimeOffset? At)
{
    /// <summary>The buying customer (CRM): its active tax-exemption certificates zero-rate the lines they cover.</summary>
    public string? CustomerGuid { get; init; }

    /// <summary>The buying account (CRM): its active tax-exemption certificates zero-rate the lines they cover.</summary>
    public string? AccountGuid { get; init; }
}

public sealed record TaxQuoteLineView(int LineNo, string VariantGuid, string TaxCategory, decimal RatePercent, long AmountMinor, long TaxMinor, long TotalMinor)
{
    /// <summary>The certificate that zero-rated the line, if one did.</summary>
    public TaxExemption? Exemption { get; init; }
}

/// <param name="Jurisdiction">The jurisdiction whose policy applied (the country when the subdivision has none).</param>
/// <param name="TotalMinor">What the buyer pays: the amounts plus tax when exclusive, the amounts when inclusive.</param>
public sealed record TaxQuoteView(string Currency, string RequestedJurisdiction, string Jurisdiction, bool Inclusive, long PolicyRevision, string Rounding,
    IReadOnlyList<TaxQuoteLineView> Lines, long AmountMinor, long TaxMinor, long TotalMinor);

/// <summary>Freeze an order's tax: recomputed with the policy version the order was quoted with (or the one in effect now).</summary>
public sealed record FinalizeTaxRequest(string? OrderGuid, long? ExpectedRevision);

public static class TaxRules
{
    public const int MaxRates = 50;
    public const int MaxLines = 500;
    public const long MaxAmountMinor = 1_000_000_000_000;
    public const long MaxQuantity = 1_000_000_000;
}

public sealed class SetTaxPolicyRequestValidator : AbstractValidator<SetTaxPolicyRequest>
{
    public SetTaxPolicyRequestValidator()
    {
        RuleFor(r => r.Jurisdiction).NotEmpty().WithMessage("is required").Must(TaxCodes.IsJurisdiction)
            .WithMessage("must be an ISO 3166-1 alpha-2 country (DE) or an ISO 3166-2 subdivision (DE-BY)");
        RuleFor(r => r.Rates).NotNull().WithMessage("is required")
            .Must(r => r is null || r.Count is > 0 and <= TaxRules.MaxRates).WithMessage($"lists 1 to {TaxRules.MaxRates} rates")
            .Must(r => r is null || r.Any(x => Codes.Normalize(x?.TaxCategory) == TaxCodes.Standard)).WithMessage("must include the standard rate")
            .Must(r => r is null || r.Select(x => Codes.Normalize(x?.TaxCategory)).Distinct().Count() == r.Count).WithMessage("lists each tax category once");
        RuleForEach(r => r.Rates).NotNull().WithMessage("is required").ChildRules(rate =>
        {
            rate.RuleFor(x => x.TaxCategory).Must(TaxCodes.IsCategory).WithMessage($"must match {TaxCodes.CategoryPatternText}");
            rate.RuleFor(x => x.RatePercent).InclusiveBetween(0m, 100m).WithMessage("must be a percentage from 0 to 100")
                .Must(p => decimal.Round(p, 4) == p).WithMessage("has at most 4 decimals");
        });
        RuleFor(r => r.Note).Text(500);
        RuleFor(r => r.ExpectedRevision).GreaterThanOrEqualTo(0);
    }
}

public sealed class GetTaxPolicyRequestValidator : AbstractValidator<GetTaxPolicyRequest>
{
    public GetTaxPolicyRequestValidator()
    {
        RuleFor(r => r.Jurisdiction).NotEmpty().WithMessage("is required").Must(TaxCodes.IsJurisdiction)
            .WithMessage("must be an ISO 3166-1 alpha-2 country (DE) or an ISO 3166-2 subdivision (DE-BY)");
        RuleFor(r => r.Version).GreaterThan(0);
        RuleFor(r => r.At).Null().When(r => r.Version is not null).WithMessage("names a time; send at or version, not both");
    }
}

public sealed class ListTaxPoliciesRequestValidator : AbstractValidator<ListTaxPoliciesRequest>
{
    public ListTaxPoliciesRequestValidator()
    {
        RuleFor(r => r.Jurisdiction).Must(j => j is null || TaxCodes.IsJurisdiction(j))
            .WithMessage("must be an ISO 3166-1 alpha-2 country (DE) or an ISO 3166-2 subdivision (DE-BY)");
        this.AddPagingRules();
    }
}

public sealed class SetTaxCategoryRequestValidator : AbstractValidator<SetTaxCategoryRequest>
{
    public SetTaxCategoryRequestValidator()
    {
        RuleFor(r => r.VariantGuid).OptionalGuid();
        RuleFor(r => r.StyleGuid).OptionalGuid();
        RuleFor(r => r).Must(r => (r.VariantGuid is null) != (r.StyleGuid is null)).WithMessage("names a variant_guid or a style_guid (one of them)")
            .OverridePropertyName("variant_guid");
        RuleFor(r => r.TaxCategory).NotEmpty().WithMessage("is required").Must(TaxCodes.IsCategory).WithMessage($"must match {TaxCodes.CategoryPatternText}");
        RuleFor(r => r.ExpectedRevision).GreaterThanOrEqualTo(0);
    }
}

public sealed class GetTaxCategoryRequestValidator : AbstractValidator<GetTaxCategoryRequest>
{
    public GetTaxCategoryRequestValidator()
    {
        RuleFor(r => r.VariantGuid).OptionalGuid();
        RuleFor(r => r.StyleGuid).OptionalGuid();
        RuleFor(r => r).Must(r => (r.VariantGuid is null) != (r.StyleGuid is null)).WithMessage("names a variant_guid or a style_guid (one of them)")
            .OverridePropertyName("variant_guid");
    }
}

public sealed class TaxQuoteRequestValidator : AbstractValidator<TaxQuoteRequest>
{
    public TaxQuoteRequestValidator()
    {
        RuleFor(r => r.Currency).NotEmpty().WithMessage("is required").Currency();
        RuleFor(r => r.CustomerGuid).OptionalGuid();
        RuleFor(r => r.AccountGuid).OptionalGuid();
        RuleFor(r => r.Jurisdiction).Must(j => j is null || TaxCodes.IsJurisdiction(j))
            .WithMessage("must be an ISO 3166-1 alpha-2 country (DE) or an ISO 3166-2 subdivision (DE-BY)");
        RuleFor(r => r).Must(r => (r.Jurisdiction is null) != (r.DeliveryAddress is null))
            .WithMessage("names a jurisdiction or a delivery_address (one of them)").OverridePropertyName("jurisdiction");
        RuleFor(r => r.DeliveryAddress!.Country).NotEmpty().WithMessage("is required").Country().When(r => r.DeliveryAddress is not null)
            .OverridePropertyName("delivery_address.country");
        RuleFor(r => r.DeliveryAddress!.Region).Text(100).When(r => r.DeliveryAddress is not null).OverridePropertyName("delivery_address.region");
        RuleFor(r => r.Lines).NotNull().WithMessage("is required")
            .Must(l => l is null || l.Count is > 0 and <= TaxRules.MaxLines).WithMessage($"has 1 to {TaxRules.MaxLines} lines")
            .Must(l => l is null || l.Where(x => x?.LineNo is not null).Select(x => x.LineNo).Distinct().Count() == l.Count(x => x?.LineNo is not null))
            .WithMessage("numbers each line once");
        RuleForEach(r => r.Lines).NotNull().WithMessage("is required").ChildRules(line =>
        {
            line.RuleFor(x => x.LineNo).InclusiveBetween(1, 100_000);
            line.RuleFor(x => x.VariantGuid).RequiredGuid();
            line.RuleFor(x => x.StyleGuid).OptionalGuid();
            line.RuleFor(x => x.Quantity).NotNull().WithMessage("is required").InclusiveBetween(1, TaxRules.MaxQuantity);
            line.RuleFor(x => x).Must(x => (x.NetMinor is null) != (x.UnitMinor is null)).WithMessage("gives net_minor or unit_minor (one of them)")
                .OverridePropertyName("net_minor");
            line.RuleFor(x => x.NetMinor).InclusiveBetween(0, TaxRules.MaxAmountMinor);
            line.RuleFor(x => x.UnitMinor).InclusiveBetween(0, TaxRules.MaxAmountMinor);
            line.RuleFor(x => x).Must(x => x.UnitMinor is null || x.Quantity is null || (decimal)x.UnitMinor.Value * x.Quantity.Value <= TaxRules.MaxAmountMinor)
                .WithMessage($"unit_minor × quantity must be at most {TaxRules.MaxAmountMinor}").OverridePropertyName("unit_minor");
            line.RuleFor(x => x.TaxCategory).Must(c => c is null || TaxCodes.IsCategory(c)).WithMessage($"must match {TaxCodes.CategoryPatternText}");
        });
    }
}

public sealed class FinalizeTaxRequestValidator : AbstractValidator<FinalizeTaxRequest>
{
    public FinalizeTaxRequestValidator()
    {
        RuleFor(r => r.OrderGuid).RequiredGuid();
        RuleFor(r => r.ExpectedRevision).GreaterThanOrEqualTo(0);
    }
}
