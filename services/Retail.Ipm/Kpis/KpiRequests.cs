using Retail.Shared.Collaboration;
using FluentValidation;
using Retail.Shared.Json;

namespace Retail.Ipm.Kpis;

public enum KpiInterval
{
    Minute,
    Hour,
    Day,
}

/// <summary>Record one value of a KPI; <c>observed_at</c> defaults to now. Idempotent by the request's Idempotency-Key.</summary>
public sealed record KpiRecordRequest(string? Name, double? Value, IReadOnlyDictionary<string, string>? Dimensions, DateTimeOffset? ObservedAt);

/// <summary>
/// The <c>aggregate</c> of a KPI's values observed in <c>[from, to)</c> (whole minutes, UTC buckets), in buckets of
/// <c>interval</c>, keeping values whose dimensions hold every <c>dimensions</c> filter, one series per value of the
/// <c>group_by</c> dimension (values without it form the series whose group is null).
/// </summary>
public sealed record KpiQueryRequest(string? Name, DateTimeOffset? From, DateTimeOffset? To, IReadOnlyDictionary<string, string>? Dimensions,
    string? GroupBy, string? Interval, string? Aggregate);

public sealed record KpiBucket(DateTimeOffset Start, double? Value, long Count);

public sealed record KpiSeries(string? Group, IReadOnlyList<KpiBucket> Buckets);

public sealed record KpiQueryResult(string Name, string Aggregate, string Interval, string? GroupBy, DateTimeOffset From, DateTimeOffset To,
    IReadOnlyList<KpiSeries> Series);

/// <summary>
/// Create or change (<c>expected_revision</c>) the alert <c>code</c> of KPI <c>kpi</c>: <c>condition</c> above or below
/// <c>threshold</c>, of <c>aggregate</c> over the last <c>window_minutes</c>, over the values matching <c>dimensions</c>.
/// With only <c>kpi</c> (and optionally <c>code</c>), answers the KPI's alerts with their state instead.
/// </summary>
/// <param name="Owner">The member or team told (in IPM's inbox) when the alert fires; by default the member creating it; kept when a change names none.</param>
public sealed record KpiAlertRequest(string? Kpi, string? Code, string? Condition, double? Threshold, int? WindowMinutes, string? Aggregate,
    IReadOnlyDictionary<string, string>? Dimensions, long? ExpectedRevision, Assignee? Owner = null)
{
    public bool IsRead => Condition is null && Threshold is null && WindowMinutes is null && Aggregate is null && Dimensions is null;
}

public sealed record KpiAlertList(IReadOnlyList<KpiAlert> Items);

internal static class KpiRequestRules
{
    public const int MaxDimensions = 10;

    public static IRuleBuilderOptions<T, IReadOnlyDictionary<string, string>?> DimensionMap<T>(this IRuleBuilder<T, IReadOnlyDictionary<string, string>?> rule) =>
        rule.Must(d => d is null || (d.Count <= MaxDimensions && d.All(p => Codes.IsValid(p.Key) && p.Value is not null && RequestRules.IsText(p.Value, 100))))
            .WithMessage($"must map at most {MaxDimensions} code-format names (lower case) to texts of at most 100 characters");

    public static bool IsEnum<TEnum>(string? value) where TEnum : struct, Enum =>
        value is not null && Enum.GetValues<TEnum>().Any(v => string.Equals(SnakeCase.Name(v), value, StringComparison.Ordinal));

    public static TEnum Parse<TEnum>(string value) where TEnum : struct, Enum =>
        Enum.GetValues<TEnum>().First(v => string.Equals(SnakeCase.Name(v), value, StringComparison.Ordinal));

    public static string Names<TEnum>() where TEnum : struct, Enum => string.Join(", ", Enum.GetValues<TEnum>().Select(v => SnakeCase.Name(v)));

    public static bool IsWholeMinute(DateTimeOffset at) => at.Ticks % TimeSpan.TicksPerMinute == 0;
}

public sealed class KpiRecordRequestValidator : AbstractValidator<KpiRecordRequest>
{
    public KpiRecordRequestValidator()
    {
        RuleFor(r => r.Name).BusinessCode();
        RuleFor(r => r.Value).NotNull().WithMessage("is required")
            .Must(v => v is null || double.IsFinite(v.Value)).WithMessage("must be a finite number");
        RuleFor(r => r.Dimensions).DimensionMap();
    }
}

public sealed class KpiQueryRequestValidator : AbstractValidator<KpiQueryRequest>
{
    public static readonly TimeSpan MaxMinuteWindow = TimeSpan.FromDays(2);
    public static readonly TimeSpan MaxWindow = TimeSpan.FromDays(400);

    public KpiQueryRequestValidator()
    {
        RuleFor(r => r.Name).BusinessCode();
        RuleFor(r => r.From).NotNull().WithMessage("is required").Must(f => f is null || KpiRequestRules.IsWholeMinute(f.Value)).WithMessage("must be a whole minute");
        RuleFor(r => r.To).NotNull().WithMessage("is required").Must(t => t is null || KpiRequestRules.IsWholeMinute(t.Value)).WithMessage("must be a whole minute");
        RuleFor(r => r.To).GreaterThan(r => r.From).When(r => r.From is not null && r.To is not null).WithMessage("must be after from");
        RuleFor(r => r.Dimensions).DimensionMap();
        RuleFor(r => r.GroupBy).OptionalCode();
        RuleFor(r => r.Interval).Must(KpiRequestRules.IsEnum<KpiInterval>).WithMessage($"must be one of {KpiRequestRules.Names<KpiInterval>()}");
        RuleFor(r => r.Aggregate).Must(KpiRequestRules.IsEnum<KpiAggregate>).WithMessage($"must be one of {KpiRequestRules.Names<KpiAggregate>()}");
        RuleFor(r => r).Must(r => r.To!.Value - r.From!.Value <= (r.Interval == "minute" ? MaxMinuteWindow : MaxWindow))
            .When(r => r.From is not null && r.To is not null && r.To > r.From)
            .WithName("to").WithMessage($"the window may span at most {MaxMinuteWindow.TotalDays:0} days by minute, {MaxWindow.TotalDays:0} days otherwise");
    }
}

public sealed class KpiAlertRequestValidator : AbstractValidator<KpiAlertRequest>
{
    public const int MaxWindowMinutes = 7 * 24 * 60;

    public KpiAlertRequestValidator()
    {
        RuleFor(r => r.Kpi).BusinessCode();
        RuleFor(r => r.Code).OptionalCode();
        When(r => !r.IsRead, () =>
        {
            RuleFor(r => r.Code).NotNull().WithMessage("is required");
            RuleFor(r => r.Condition).Must(KpiRequestRules.IsEnum<AlertCondition>).WithMessage($"must be one of {KpiRequestRules.Names<AlertCondition>()}");
            RuleFor(r => r.Threshold).NotNull().WithMessage("is required")
                .Must(v => v is null || double.IsFinite(v.Value)).WithMessage("must be a finite number");
            RuleFor(r => r.WindowMinutes).NotNull().WithMessage("is required").InclusiveBetween(1, MaxWindowMinutes);
            RuleFor(r => r.Aggregate).Must(KpiRequestRules.IsEnum<KpiAggregate>).WithMessage($"must be one of {KpiRequestRules.Names<KpiAggregate>()}");
            RuleFor(r => r.Dimensions).DimensionMap();
            RuleFor(r => r.Owner!).SetValidator(new AssigneeValidator()).When(r => r.Owner is not null);
        });
    }
}
