using FluentValidation;

namespace Retail.Ics.Replenishment;

/// <param name="ExpectedRevision">Absent or 0 to create the rule; the rule's revision to change it.</param>
public sealed record SetRuleRequest(string? FacilityCode, string? VariantGuid, long? Min, long? Max, long? ReorderQuantity, long? ExpectedRevision);

public sealed record RuleKey(string? FacilityCode, string? VariantGuid);

public sealed record RuleStatusRequest(string? FacilityCode, string? VariantGuid, MasterStatus? Status, string? Reason, long? ExpectedRevision);

public sealed record RuleListRequest(string? FacilityCode, string? VariantGuid, MasterStatus? Status, int? Limit, string? NextToken) : IPagedRequest;

public sealed record RecordReplenishmentRequest(string? FacilityCode, string? VariantGuid, long? Quantity, ReplenishmentSource? Source,
    string? Reference);

public sealed record SuggestReplenishmentRequest(string? FacilityCode, int? Limit, string? NextToken) : IPagedRequest;

public sealed record SuggestTransfersRequest(string? ToFacilityCode, int? Limit, string? NextToken) : IPagedRequest;

/// <param name="FacilityCodes">The facilities to consider; by default every facility holding a position of the variant.</param>
public sealed record SuggestAllocationRequest(string? VariantGuid, long? Quantity, IReadOnlyList<string>? FacilityCodes, string? ShipToFacilityCode);

internal static class RuleRequestRules
{
    public const long MaxQuantity = 1_000_000_000;

    public static void AddRuleKeyRules<T>(this AbstractValidator<T> validator, Func<T, string?> facility, Func<T, string?> variant)
    {
        validator.RuleFor(r => facility(r)).BusinessCode().OverridePropertyName("facility_code");
        validator.RuleFor(r => variant(r)).RequiredGuid().OverridePropertyName("variant_guid");
    }
}

public sealed class SetRuleRequestValidator : AbstractValidator<SetRuleRequest>
{
    public SetRuleRequestValidator()
    {
        this.AddRuleKeyRules(r => r.FacilityCode, r => r.VariantGuid);
        RuleFor(r => r.Min).NotNull().WithMessage("is required").InclusiveBetween(0, RuleRequestRules.MaxQuantity);
        RuleFor(r => r.Max).NotNull().WithMessage("is required").InclusiveBetween(0, RuleRequestRules.MaxQuantity)
            .GreaterThanOrEqualTo(r => r.Min ?? 0).WithMessage("must be at least min");
        RuleFor(r => r.ReorderQuantity).NotNull().WithMessage("is required").InclusiveBetween(1, RuleRequestRules.MaxQuantity);
        RuleFor(r => r.ExpectedRevision).GreaterThanOrEqualTo(0).When(r => r.ExpectedRevision is not null);
    }
}

public sealed class RuleKeyValidator : AbstractValidator<RuleKey>
{
    public RuleKeyValidator() => this.AddRuleKeyRules(r => r.FacilityCode, r => r.VariantGuid);
}

public sealed class RuleStatusRequestValidator : AbstractValidator<RuleStatusRequest>
{
    public RuleStatusRequestValidator()
    {
        this.AddRuleKeyRules(r => r.FacilityCode, r => r.VariantGuid);
        RuleFor(r => r.Status).NotNull().WithMessage("is required");
        RuleFor(r => r.Reason).Text(500);
        RuleFor(r => r.ExpectedRevision).GreaterThan(0).When(r => r.ExpectedRevision is not null);
    }
}

public sealed class RuleListRequestValidator : AbstractValidator<RuleListRequest>
{
    public RuleListRequestValidator()
    {
        this.AddPagingRules();
        RuleFor(r => r.FacilityCode).OptionalCode();
        RuleFor(r => r.VariantGuid).OptionalGuid();
    }
}

public sealed class RecordReplenishmentRequestValidator : AbstractValidator<RecordReplenishmentRequest>
{
    public RecordReplenishmentRequestValidator()
    {
        this.AddRuleKeyRules(r => r.FacilityCode, r => r.VariantGuid);
        RuleFor(r => r.Quantity).NotNull().WithMessage("is required").InclusiveBetween(1, RuleRequestRules.MaxQuantity);
        RuleFor(r => r.Source).NotNull().WithMessage("is required");
        RuleFor(r => r.Reference).RequiredText(128);
    }
}

public sealed class SuggestReplenishmentRequestValidator : AbstractValidator<SuggestReplenishmentRequest>
{
    public SuggestReplenishmentRequestValidator()
    {
        this.AddPagingRules();
        RuleFor(r => r.FacilityCode).OptionalCode();
    }
}

public sealed class SuggestTransfersRequestValidator : AbstractValidator<SuggestTransfersRequest>
{
    public SuggestTransfersRequestValidator()
    {
        this.AddPagingRules();
        RuleFor(r => r.ToFacilityCode).OptionalCode();
    }
}

public sealed class SuggestAllocationRequestValidator : AbstractValidator<SuggestAllocationRequest>
{
    public const int MaxCandidates = 100;

    public SuggestAllocationRequestValidator()
    {
        RuleFor(r => r.VariantGuid).RequiredGuid();
        RuleFor(r => r.Quantity).NotNull().WithMessage("is required").InclusiveBetween(1, RuleRequestRules.MaxQuantity);
        RuleFor(r => r.FacilityCodes).Must(c => c is null || c.Count is > 0 and <= MaxCandidates)
            .WithMessage($"has 1 to {MaxCandidates} facility codes");
        RuleForEach(r => r.FacilityCodes).BusinessCode();
        RuleFor(r => r.ShipToFacilityCode).OptionalCode();
    }
}
