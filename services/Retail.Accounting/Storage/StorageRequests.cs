using FluentValidation;

namespace Retail.Accounting.Storage;

/// <summary>
/// A measurement the operator records for the org of <c>x-orgcode</c>: the service, bytes and records, when it was measured
/// (default now; not in the future) and its source (default <c>manual</c>).
/// </summary>
public sealed record RecordStorageUsageRequest(string? Service, long? Bytes, long? Records, DateTimeOffset? MeasuredAt, StorageSource? Source,
    string? Note);

/// <summary>A measurement by <c>storage_usage_guid</c>, or the latest of a <c>service</c> (one of them).</summary>
public sealed record StorageUsageKeyRequest(string? StorageUsageGuid, string? Service);

/// <summary>The org's measurements, of one service or all, in a time range (<c>measured_from</c> inclusive, <c>measured_to</c> exclusive), oldest first.</summary>
public sealed record StorageUsageListRequest(string? Service, StorageSource? Source, DateTimeOffset? MeasuredFrom, DateTimeOffset? MeasuredTo,
    int? Limit, string? NextToken) : IPagedRequest;

/// <summary>Measure now and compare with the latest recorded values: of one service, or of every service measured.</summary>
public sealed record ReconcileStorageRequest(string? Service);

public sealed class RecordStorageUsageRequestValidator : AbstractValidator<RecordStorageUsageRequest>
{
    public RecordStorageUsageRequestValidator()
    {
        RuleFor(r => r.Service).BusinessCode();
        RuleFor(r => r.Bytes).NotNull().WithMessage("is required").GreaterThanOrEqualTo(0);
        RuleFor(r => r.Records).GreaterThanOrEqualTo(0).When(r => r.Records is not null);
        RuleFor(r => r.Note).Text(500);
    }
}

public sealed class StorageUsageKeyRequestValidator : AbstractValidator<StorageUsageKeyRequest>
{
    public StorageUsageKeyRequestValidator()
    {
        RuleFor(r => r.StorageUsageGuid).OptionalGuid();
        RuleFor(r => r.Service).OptionalCode();
        RuleFor(r => r.StorageUsageGuid).Must((r, g) => (g is null) != (r.Service is null))
            .WithMessage("name a storage_usage_guid or a service (one of them)");
    }
}

public sealed class StorageUsageListRequestValidator : AbstractValidator<StorageUsageListRequest>
{
    public StorageUsageListRequestValidator()
    {
        RuleFor(r => r.Service).OptionalCode();
        RuleFor(r => r.MeasuredTo).Must((r, to) => to is null || r.MeasuredFrom is null || to > r.MeasuredFrom)
            .WithMessage("must be after measured_from");
        this.AddPagingRules();
    }
}

public sealed class ReconcileStorageRequestValidator : AbstractValidator<ReconcileStorageRequest>
{
    public ReconcileStorageRequestValidator() => RuleFor(r => r.Service).OptionalCode();
}
