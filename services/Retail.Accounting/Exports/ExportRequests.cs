using System.Text.RegularExpressions;
using FluentValidation;

namespace Retail.Accounting.Exports;

/// <summary>A one-off export of the org's usage: a dataset over local days <c>day_from..day_to</c> (at most <see cref="ExportRules.MaxDays"/>).</summary>
public sealed record ExportCreateRequest(ExportDataset? Dataset, ExportFormat? Format, bool? Gzip, DateOnly? DayFrom, DateOnly? DayTo);

public sealed record ExportKey(string? ExportGuid);

public sealed record ExportListRequest(ExportStatus? Status, string? ScheduleGuid, int? Limit, string? NextToken) : IPagedRequest;

/// <summary>A day's batch of one dataset in one format; asking again for the same (day, dataset, format) answers the same batch.</summary>
public sealed record BatchCreateRequest(DateOnly? Day, ExportDataset? Dataset, ExportFormat? Format);

public sealed record BatchKey(string? BatchGuid);

public sealed record BatchRepairRequest(string? BatchGuid, long? ExpectedRevision);

/// <summary>The operator's moves: <c>published</c> (a completed batch), <c>cancelled</c> (queued, failed or completed).</summary>
public sealed record BatchStatusRequest(string? BatchGuid, ExportBatchStatus? Status, string? Reason, long? ExpectedRevision);

public sealed record BatchListRequest(DateOnly? DayFrom, DateOnly? DayTo, ExportBatchStatus? Status, int? Limit, string? NextToken) : IPagedRequest;

/// <summary>
/// A recurring export: <c>daily</c> or <c>weekly</c> (on <c>weekday</c>) at <c>at_local_time</c> (<c>HH:mm</c>) in <c>time_zone</c>
/// (an IANA id, UTC when absent).
/// </summary>
public sealed record ScheduleCreateRequest(ScheduleCadence? Cadence, string? AtLocalTime, DayOfWeek? Weekday, string? TimeZone, ExportDataset? Dataset,
    ExportFormat? Format, bool? Gzip);

public sealed record ScheduleKey(string? ScheduleGuid);

public sealed record ScheduleStatusRequest(string? ScheduleGuid, ExportScheduleStatus? Status, string? Reason, long? ExpectedRevision);

public sealed record ScheduleListRequest(ExportScheduleStatus? Status, int? Limit, string? NextToken) : IPagedRequest;

public static partial class ExportRules
{
    public const int MaxDays = 92;

    [GeneratedRegex("^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    private static partial Regex LocalTimePattern();

    public static bool IsLocalTime(string? text) => text is not null && LocalTimePattern().IsMatch(text);

    public static bool IsTimeZone(string? id) => id is { Length: > 0 and <= 64 } && TimeZoneInfo.TryFindSystemTimeZoneById(id, out _);

    public static string GuidKey(string guid) => Guid.Parse(guid).ToString();
}

public sealed class ExportCreateRequestValidator : AbstractValidator<ExportCreateRequest>
{
    public ExportCreateRequestValidator()
    {
        RuleFor(r => r.Dataset).NotNull().WithMessage("is required");
        RuleFor(r => r.Format).NotNull().WithMessage("is required");
        RuleFor(r => r.DayFrom).NotNull().WithMessage("is required");
        RuleFor(r => r.DayTo).NotNull().WithMessage("is required")
            .Must((r, to) => to is null || r.DayFrom is null || to >= r.DayFrom).WithMessage("must not be before day_from")
            .Must((r, to) => to is null || r.DayFrom is null || to.Value.DayNumber - r.DayFrom.Value.DayNumber < ExportRules.MaxDays)
            .WithMessage($"spans at most {ExportRules.MaxDays} days from day_from");
    }
}

public sealed class ExportKeyValidator : AbstractValidator<ExportKey>
{
    public ExportKeyValidator() => RuleFor(r => r.ExportGuid).RequiredGuid();
}

public sealed class ExportListRequestValidator : AbstractValidator<ExportListRequest>
{
    public ExportListRequestValidator()
    {
        RuleFor(r => r.ScheduleGuid).OptionalGuid();
        this.AddPagingRules();
    }
}

public sealed class BatchCreateRequestValidator : AbstractValidator<BatchCreateRequest>
{
    public BatchCreateRequestValidator()
    {
        RuleFor(r => r.Day).NotNull().WithMessage("is required");
        RuleFor(r => r.Dataset).NotNull().WithMessage("is required");
        RuleFor(r => r.Format).NotNull().WithMessage("is required");
    }
}

public sealed class BatchKeyValidator : AbstractValidator<BatchKey>
{
    public BatchKeyValidator() => RuleFor(r => r.BatchGuid).RequiredGuid();
}

public sealed class BatchRepairRequestValidator : AbstractValidator<BatchRepairRequest>
{
    public BatchRepairRequestValidator()
    {
        RuleFor(r => r.BatchGuid).RequiredGuid();
        RuleFor(r => r.ExpectedRevision).GreaterThan(0).When(r => r.ExpectedRevision is not null);
    }
}

public sealed class BatchStatusRequestValidator : AbstractValidator<BatchStatusRequest>
{
    public BatchStatusRequestValidator()
    {
        RuleFor(r => r.BatchGuid).RequiredGuid();
        RuleFor(r => r.Status).NotNull().WithMessage("is required")
            .Must(s => s is null or ExportBatchStatus.Published or ExportBatchStatus.Cancelled).WithMessage("must be published or cancelled");
        RuleFor(r => r.Reason).Text(500);
        RuleFor(r => r.ExpectedRevision).GreaterThan(0).When(r => r.ExpectedRevision is not null);
    }
}

public sealed class BatchListRequestValidator : AbstractValidator<BatchListRequest>
{
    public BatchListRequestValidator()
    {
        RuleFor(r => r.DayTo).Must((r, to) => to is null || r.DayFrom is null || to >= r.DayFrom).WithMessage("must not be before day_from");
        this.AddPagingRules();
    }
}

public sealed class ScheduleCreateRequestValidator : AbstractValidator<ScheduleCreateRequest>
{
    public ScheduleCreateRequestValidator()
    {
        RuleFor(r => r.Cadence).NotNull().WithMessage("is required");
        RuleFor(r => r.AtLocalTime).Must(ExportRules.IsLocalTime).WithMessage("must be a local time HH:mm");
        RuleFor(r => r.Weekday).NotNull().When(r => r.Cadence == ScheduleCadence.Weekly).WithMessage("is required for a weekly schedule");
        RuleFor(r => r.Weekday).Null().When(r => r.Cadence == ScheduleCadence.Daily).WithMessage("is only for a weekly schedule");
        RuleFor(r => r.TimeZone).Must(ExportRules.IsTimeZone).When(r => r.TimeZone is not null).WithMessage("must be a known IANA time zone");
        RuleFor(r => r.Dataset).NotNull().WithMessage("is required");
        RuleFor(r => r.Format).NotNull().WithMessage("is required");
    }
}

public sealed class ScheduleKeyValidator : AbstractValidator<ScheduleKey>
{
    public ScheduleKeyValidator() => RuleFor(r => r.ScheduleGuid).RequiredGuid();
}

public sealed class ScheduleStatusRequestValidator : AbstractValidator<ScheduleStatusRequest>
{
    public ScheduleStatusRequestValidator()
    {
        RuleFor(r => r.ScheduleGuid).RequiredGuid();
        RuleFor(r => r.Status).NotNull().WithMessage("is required");
        RuleFor(r => r.Reason).Text(500);
        RuleFor(r => r.ExpectedRevision).GreaterThan(0).When(r => r.ExpectedRevision is not null);
    }
}

public sealed class ScheduleListRequestValidator : AbstractValidator<ScheduleListRequest>
{
    public ScheduleListRequestValidator() => this.AddPagingRules();
}
