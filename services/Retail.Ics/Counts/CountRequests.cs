using FluentValidation;

namespace Retail.Ics.Counts;

/// <param name="ExpectedRevision">Absent or 0 for a new plan code; the plan's current revision to change it.</param>
public sealed record SetCountPlanRequest(string? PlanCode, string? FacilityCode, IReadOnlyList<string>? BinCodes, string? ZoneCode,
    CountCadence? Cadence, bool? Blind, long? ExpectedRevision);

public sealed record CountPlanListRequest(string? FacilityCode, MasterStatus? Status, bool? IncludeDoomed, int? Limit, string? NextToken) : IMasterList;

/// <summary>From a plan, or ad hoc: a facility and its bins, a zone of it, or neither (the whole facility by variant).</summary>
public sealed record CreateCountRequest(string? PlanCode, string? FacilityCode, IReadOnlyList<string>? BinCodes, string? ZoneCode, bool? Blind);

public sealed record CountKey(string? CountGuid);

public sealed record CountListRequest(string? FacilityCode, string? PlanCode, CountStatus? Status, int? Limit, string? NextToken) : IPagedRequest;

public sealed record CountedLineRequest(string? VariantGuid, string? BinCode, long? Counted);

public sealed record SubmitCountRequest(string? CountGuid, IReadOnlyList<CountedLineRequest>? Lines, long? ExpectedRevision);

public sealed record ApproveCountRequest(string? CountGuid, long? ExpectedRevision);

public sealed record RejectCountRequest(string? CountGuid, long? ExpectedRevision, string? Reason);

internal static class CountScopeRules
{
    /// <summary>Some bins or a zone, not both; bins well formed, distinct and bounded.</summary>
    public static void AddScopeRules<T>(this AbstractValidator<T> validator, Func<T, IReadOnlyList<string>?> bins, Func<T, string?> zone)
    {
        validator.RuleFor(r => bins(r)).Must(b => b is null || b.Count is > 0 and <= CountPlan.MaxBins)
            .OverridePropertyName("bin_codes").WithMessage($"names 1 to {CountPlan.MaxBins} bins");
        validator.RuleForEach(r => bins(r)).BusinessCode().OverridePropertyName("bin_codes");
        validator.RuleFor(r => bins(r)).Must(b => b is null || b.Select(Codes.Normalize).Distinct(StringComparer.Ordinal).Count() == b.Count)
            .OverridePropertyName("bin_codes").WithMessage("names each bin once");
        validator.RuleFor(r => zone(r)).OptionalCode().OverridePropertyName("zone_code");
        validator.RuleFor(r => r).Must(r => bins(r) is null || zone(r) is null).OverridePropertyName("zone_code")
            .WithMessage("count some bins or a zone, not both");
    }
}

public sealed class SetCountPlanRequestValidator : AbstractValidator<SetCountPlanRequest>
{
    public SetCountPlanRequestValidator()
    {
        RuleFor(r => r.PlanCode).BusinessCode();
        RuleFor(r => r.FacilityCode).BusinessCode();
        this.AddScopeRules(r => r.BinCodes, r => r.ZoneCode);
        RuleFor(r => r.Cadence).NotNull().WithMessage("is required");
        RuleFor(r => r.ExpectedRevision).GreaterThanOrEqualTo(0).When(r => r.ExpectedRevision is not null);
    }
}

public sealed class CountPlanListRequestValidator : AbstractValidator<CountPlanListRequest>
{
    public CountPlanListRequestValidator()
    {
        this.AddListRules();
        RuleFor(r => r.FacilityCode).OptionalCode();
    }
}

public sealed class CreateCountRequestValidator : AbstractValidator<CreateCountRequest>
{
    public CreateCountRequestValidator()
    {
        RuleFor(r => r.PlanCode).OptionalCode();
        RuleFor(r => r.FacilityCode).OptionalCode();
        RuleFor(r => r.PlanCode).Must((r, plan) => (plan is null) != (r.FacilityCode is null)).OverridePropertyName("plan_code")
            .WithMessage("name a plan_code, or a facility_code for a count without a plan");
        RuleFor(r => r).Must(r => r.PlanCode is null || (r.BinCodes is null && r.ZoneCode is null && r.Blind is null))
            .OverridePropertyName("plan_code").WithMessage("a plan says what to count: leave bin_codes, zone_code and blind out");
        this.AddScopeRules(r => r.BinCodes, r => r.ZoneCode);
    }
}

public sealed class CountKeyValidator : AbstractValidator<CountKey>
{
    public CountKeyValidator() => RuleFor(r => r.CountGuid).RequiredGuid();
}

public sealed class CountListRequestValidator : AbstractValidator<CountListRequest>
{
    public CountListRequestValidator()
    {
        this.AddPagingRules();
        RuleFor(r => r.FacilityCode).OptionalCode();
        RuleFor(r => r.PlanCode).OptionalCode();
        RuleFor(r => r.FacilityCode).NotNull().When(r => r.Status is not null).WithMessage("is required with status");
    }
}

public sealed class SubmitCountRequestValidator : AbstractValidator<SubmitCountRequest>
{
    public SubmitCountRequestValidator()
    {
        RuleFor(r => r.CountGuid).RequiredGuid();
        RuleFor(r => r.Lines).NotNull().WithMessage("is required")
            .Must(l => l is null || l.Count <= StockCount.MaxLines).WithMessage($"has at most {StockCount.MaxLines} lines");
        RuleForEach(r => r.Lines).ChildRules(line =>
        {
            line.RuleFor(l => l.VariantGuid).RequiredGuid();
            line.RuleFor(l => l.BinCode).OptionalCode();
            line.RuleFor(l => l.Counted).NotNull().WithMessage("is required").GreaterThanOrEqualTo(0).LessThanOrEqualTo(1_000_000_000);
        });
    }
}

public sealed class ApproveCountRequestValidator : AbstractValidator<ApproveCountRequest>
{
    public ApproveCountRequestValidator() => RuleFor(r => r.CountGuid).RequiredGuid();
}

public sealed class RejectCountRequestValidator : AbstractValidator<RejectCountRequest>
{
    public RejectCountRequestValidator()
    {
        RuleFor(r => r.CountGuid).RequiredGuid();
        RuleFor(r => r.Reason).RequiredText(500);
    }
}
