using FluentValidation;

namespace Retail.Accounting.Usage;

/// <summary>One usage event as the <c>usage</c> topic carries it (shared/Retail.Shared/Hosting/UsageRecorder.cs, UsageEvent), its id required.</summary>
public sealed record UsageEventInput(
    string? Id,
    string? Service,
    string? Operation,
    string? Orgcode,
    string? PrincipalId,
    string? PrincipalKind,
    string? Cccode,
    int? Status,
    double? DurationMs,
    long? RequestBytes,
    long? ResponseBytes,
    string? TraceId,
    string? RequestId,
    DateTimeOffset? At);

/// <summary>1–1000 usage events to store (an importer, a replay); idempotent by event id.</summary>
public sealed record RecordEventsRequest(IReadOnlyList<UsageEventInput>? Events);

/// <summary>A usage record by its event id, in the org of <c>x-orgcode</c> (none: the operator's bucket).</summary>
public sealed record GetEventRequest(string? EventId);

/// <summary>Usage records of a day range, by app and/or cost centre.</summary>
public sealed record ListEventsRequest(string? DayFrom, string? DayTo, string? App, string? Cccode, int? Limit, string? NextToken) : IPagedRequest;

/// <summary>Lineage: the usage of one trace, of one request, or of one cost centre over a day range (exactly one of the three).</summary>
public sealed record ListLineageRequest(string? TraceId, string? RequestId, string? Cccode, string? DayFrom, string? DayTo, int? Limit,
    string? NextToken) : IPagedRequest;

public sealed record GetRollupRequest(string? Day, string? App, string? Cccode);

public sealed record ListRollupsRequest(string? DayFrom, string? DayTo, string? App, string? Cccode, int? Limit, string? NextToken) : IPagedRequest;

/// <summary>Rebuilds one day's rollups of the org from its usage records.</summary>
public sealed record RecomputeRollupsRequest(string? Day);

public sealed record ReconcileReportRequest(string? DayFrom, string? DayTo);

public sealed record RecordEventsResult(int Recorded, int Duplicates);

public sealed record RecomputeResult(string Orgcode, string Day, int Rollups, long Records, IReadOnlyList<UsageRollup> Items);

/// <summary>What <c>usage.rollup_recomputed</c> carries.</summary>
public sealed record RollupRecomputed(string Orgcode, string Day, int Rollups, long Records);

public sealed record ReconcileReport(string Orgcode, string DayFrom, string DayTo, long RecordCount, long RollupCount, int Groups,
    IReadOnlyList<RollupMismatch> Mismatches);

public static class UsageLimits
{
    public const int MaxEventsPerRecord = 1000;
    public const int MaxListDays = 366;
    public const int MaxReconcileDays = 31;
}

internal static class UsageRequestRules
{
    public static IRuleBuilderOptions<T, string?> Day<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(d => d is null || UsageRules.IsDay(d)).WithMessage("must be a date YYYY-MM-DD");

    public static IRuleBuilderOptions<T, string?> RequiredDay<T>(this IRuleBuilder<T, string?> rule) =>
        rule.NotEmpty().WithMessage("is required").Day();

    /// <summary>An event id, a request id: 1–128 printable ASCII characters, no <c>|</c> (it separates store keys).</summary>
    public static IRuleBuilderOptions<T, string?> Identifier<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(i => i is null || IsIdentifier(i)).WithMessage("must be 1–128 printable ASCII characters without '|'");

    /// <summary>A W3C trace id: 32 lower-case hex digits, not all zero.</summary>
    public static IRuleBuilderOptions<T, string?> TraceId<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(t => t is null || (t.Length == 32 && t.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f') && t.Any(c => c != '0')))
            .WithMessage("must be a W3C trace id (32 lower-case hex digits)");

    public static bool IsIdentifier(string id) => id.Length is > 0 and <= 128 && id.All(c => c is > ' ' and < (char)127 and not '|');

    public static void DayRange<T>(this AbstractValidator<T> validator, Func<T, string?> from, Func<T, string?> to, int maxDays, bool required)
    {
        if (required)
        {
            validator.RuleFor(r => from(r)).RequiredDay().OverridePropertyName("day_from");
            validator.RuleFor(r => to(r)).RequiredDay().OverridePropertyName("day_to");
        }
        else
        {
            validator.RuleFor(r => from(r)).Day().OverridePropertyName("day_from");
            validator.RuleFor(r => to(r)).Day().OverridePropertyName("day_to");
        }
        validator.RuleFor(r => r).Must(r => UsageRules.DaysBetween(from(r)!, to(r)!) is var days && days >= 0 && days < maxDays)
            .When(r => UsageRules.IsDay(from(r)) && UsageRules.IsDay(to(r)))
            .OverridePropertyName("day_to").WithMessage($"must be on or after day_from and within {maxDays} days of it");
    }
}

public sealed class UsageEventInputValidator : AbstractValidator<UsageEventInput>
{
    public UsageEventInputValidator()
    {
        RuleFor(e => e.Id).NotEmpty().WithMessage("is required").Identifier();
        RuleFor(e => e.Service).BusinessCode();
        RuleFor(e => e.Operation).RequiredText(256);
        RuleFor(e => e.Orgcode).OptionalCode();
        RuleFor(e => e.PrincipalId).NotEmpty().WithMessage("is required").Identifier();
        RuleFor(e => e.PrincipalKind).BusinessCode();
        RuleFor(e => e.Cccode).OptionalCode();
        RuleFor(e => e.Status).NotNull().WithMessage("is required").InclusiveBetween(100, 599);
        RuleFor(e => e.DurationMs).NotNull().WithMessage("is required").InclusiveBetween(0, 86_400_000);
        RuleFor(e => e.RequestBytes).GreaterThanOrEqualTo(0).When(e => e.RequestBytes is not null);
        RuleFor(e => e.ResponseBytes).GreaterThanOrEqualTo(0).When(e => e.ResponseBytes is not null);
        RuleFor(e => e.TraceId).TraceId();
        RuleFor(e => e.RequestId).Identifier();
        RuleFor(e => e.At).NotNull().WithMessage("is required");
    }
}

public sealed class RecordEventsRequestValidator : AbstractValidator<RecordEventsRequest>
{
    public RecordEventsRequestValidator()
    {
        RuleFor(r => r.Events).NotNull().WithMessage("is required")
            .Must(e => e!.Count is >= 1 and <= UsageLimits.MaxEventsPerRecord).WithMessage($"must hold 1–{UsageLimits.MaxEventsPerRecord} events");
        RuleForEach(r => r.Events).NotNull().WithMessage("must be an event").SetValidator(new UsageEventInputValidator());
    }
}

public sealed class GetEventRequestValidator : AbstractValidator<GetEventRequest>
{
    public GetEventRequestValidator() => RuleFor(r => r.EventId).NotEmpty().WithMessage("is required").Identifier();
}

public sealed class ListEventsRequestValidator : AbstractValidator<ListEventsRequest>
{
    public ListEventsRequestValidator()
    {
        this.AddPagingRules();
        this.DayRange(r => r.DayFrom, r => r.DayTo, UsageLimits.MaxListDays, required: true);
        RuleFor(r => r.App).OptionalCode();
        RuleFor(r => r.Cccode).OptionalCode();
    }
}

public sealed class ListLineageRequestValidator : AbstractValidator<ListLineageRequest>
{
    public ListLineageRequestValidator()
    {
        this.AddPagingRules();
        RuleFor(r => r.TraceId).TraceId();
        RuleFor(r => r.RequestId).Identifier();
        RuleFor(r => r.Cccode).OptionalCode();
        RuleFor(r => r).Must(r => new[] { r.TraceId, r.RequestId, r.Cccode }.Count(v => v is not null) == 1)
            .OverridePropertyName("trace_id").WithMessage("exactly one of trace_id, request_id and cccode is required");
        RuleFor(r => r.DayFrom).Null().WithMessage("goes only with cccode").When(r => r.Cccode is null);
        RuleFor(r => r.DayTo).Null().WithMessage("goes only with cccode").When(r => r.Cccode is null);
        this.DayRange(r => r.DayFrom, r => r.DayTo, UsageLimits.MaxListDays, required: false);
        RuleFor(r => r.DayFrom).NotEmpty().WithMessage("is required with cccode").When(r => r.Cccode is not null);
        RuleFor(r => r.DayTo).NotEmpty().WithMessage("is required with cccode").When(r => r.Cccode is not null);
    }
}

public sealed class GetRollupRequestValidator : AbstractValidator<GetRollupRequest>
{
    public GetRollupRequestValidator()
    {
        RuleFor(r => r.Day).RequiredDay();
        RuleFor(r => r.App).BusinessCode();
        RuleFor(r => r.Cccode).OptionalCode();
    }
}

public sealed class ListRollupsRequestValidator : AbstractValidator<ListRollupsRequest>
{
    public ListRollupsRequestValidator()
    {
        this.AddPagingRules();
        this.DayRange(r => r.DayFrom, r => r.DayTo, UsageLimits.MaxListDays, required: true);
        RuleFor(r => r.App).OptionalCode();
        RuleFor(r => r.Cccode).OptionalCode();
    }
}

public sealed class RecomputeRollupsRequestValidator : AbstractValidator<RecomputeRollupsRequest>
{
    public RecomputeRollupsRequestValidator() => RuleFor(r => r.Day).RequiredDay();
}

public sealed class ReconcileReportRequestValidator : AbstractValidator<ReconcileReportRequest>
{
    public ReconcileReportRequestValidator() => this.DayRange(r => r.DayFrom, r => r.DayTo, UsageLimits.MaxReconcileDays, required: true);
}
