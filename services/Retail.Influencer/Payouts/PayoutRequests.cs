using FluentValidation;

namespace Retail.Influencer.Payouts;

/// <summary>Pay the profile's available earnings (or drive the payout of it still in flight).</summary>
public sealed record PayoutSubmitRequest(string? ProfileGuid);

/// <summary>A statement of the profile for <c>[period_start_at, period_end_at)</c>; the end not in the future.</summary>
public sealed record StatementCreateRequest(string? ProfileGuid, DateTimeOffset? PeriodStartAt, DateTimeOffset? PeriodEndAt);

public sealed record StatementGetRequest(string? StatementGuid);

/// <summary>A profile's statements, newest period first.</summary>
public sealed record StatementListRequest(string? ProfileGuid, int? Limit, string? NextToken) : IPagedRequest;

public sealed class PayoutSubmitRequestValidator : AbstractValidator<PayoutSubmitRequest>
{
    public PayoutSubmitRequestValidator() => RuleFor(r => r.ProfileGuid).RequiredGuid();
}

public sealed class StatementCreateRequestValidator : AbstractValidator<StatementCreateRequest>
{
    public StatementCreateRequestValidator()
    {
        RuleFor(r => r.ProfileGuid).RequiredGuid();
        RuleFor(r => r.PeriodStartAt).NotNull().WithMessage("is required");
        RuleFor(r => r.PeriodEndAt).NotNull().WithMessage("is required");
        RuleFor(r => r.PeriodEndAt).GreaterThan(r => r.PeriodStartAt).When(r => r.PeriodStartAt is not null && r.PeriodEndAt is not null)
            .WithMessage("must be after period_start_at");
    }
}

public sealed class StatementGetRequestValidator : AbstractValidator<StatementGetRequest>
{
    public StatementGetRequestValidator() => RuleFor(r => r.StatementGuid).RequiredGuid();
}

public sealed class StatementListRequestValidator : AbstractValidator<StatementListRequest>
{
    public StatementListRequestValidator()
    {
        RuleFor(r => r.ProfileGuid).RequiredGuid();
        this.AddPagingRules();
    }
}
