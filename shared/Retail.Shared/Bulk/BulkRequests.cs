using System.Text.Json;
using FluentValidation;

namespace Retail.Shared.Bulk;

public sealed record BulkEntitiesRequest;

public sealed record BulkEntityDescription(string Entity, int SchemaVersion, IReadOnlyList<string> NaturalKey, IReadOnlyList<BulkField> Fields);

public sealed record BulkEntitiesResponse(IReadOnlyList<BulkEntityDescription> Entities);

public sealed record BulkUpsertRequest(string? Entity, int? SchemaVersion, bool? DryRun, IReadOnlyList<JsonElement>? Records);

public sealed record BulkUpsertResponse(IReadOnlyList<BulkResult> Results);

/// <param name="Filters">Equality filters by field name; each entity says which it serves (others are refused).</param>
public sealed record BulkExportRequest(string? Entity, IReadOnlyDictionary<string, string>? Filters, int? Limit, string? Token);

public sealed record BulkExportResponse(IReadOnlyList<object> Items, string? NextToken);

public sealed record BulkKeysRequest(string? Entity, IReadOnlyList<string>? Keys);

public sealed record BulkKeysResponse(IReadOnlyList<string> Found, IReadOnlyList<string> Missing);

public sealed record BulkCountRequest(string? Entity);

public sealed record BulkCountResponse(long Count);

public static class BulkLimits
{
    /// <summary>Records of one upsert call, keys of one keys call, items of one export page.</summary>
    public const int MaxBatch = 1000;

    public const int DefaultExportLimit = 500;

    /// <summary>A call of 1,000 records with their fields fits well within this.</summary>
    public const long MaxBodyBytes = 16 * 1024 * 1024;
}

internal static class BulkRequestRules
{
    public static IRuleBuilderOptions<T, string?> EntityName<T>(this IRuleBuilder<T, string?> rule) =>
        rule.NotEmpty().WithMessage("is required").MaximumLength(100);
}

public sealed class BulkUpsertRequestValidator : AbstractValidator<BulkUpsertRequest>
{
    public BulkUpsertRequestValidator()
    {
        RuleFor(r => r.Entity).EntityName();
        RuleFor(r => r.SchemaVersion).NotNull().WithMessage("is required").GreaterThan(0);
        RuleFor(r => r.Records).NotNull().WithMessage("is required")
            .Must(r => r!.Count <= BulkLimits.MaxBatch).WithMessage($"at most {BulkLimits.MaxBatch} records per call");
    }
}

public sealed class BulkExportRequestValidator : AbstractValidator<BulkExportRequest>
{
    public BulkExportRequestValidator()
    {
        RuleFor(r => r.Entity).EntityName();
        RuleFor(r => r.Limit).InclusiveBetween(1, BulkLimits.MaxBatch).When(r => r.Limit is not null);
        RuleFor(r => r.Token).MaximumLength(1024);
        RuleFor(r => r.Filters).Must(f => f is null || f.Count <= 10).WithMessage("at most 10 filters");
    }
}

public sealed class BulkKeysRequestValidator : AbstractValidator<BulkKeysRequest>
{
    public BulkKeysRequestValidator()
    {
        RuleFor(r => r.Entity).EntityName();
        RuleFor(r => r.Keys).NotNull().WithMessage("is required")
            .Must(k => k!.Count <= BulkLimits.MaxBatch).WithMessage($"at most {BulkLimits.MaxBatch} keys per call");
        RuleForEach(r => r.Keys).NotNull().MaximumLength(500);
    }
}

public sealed class BulkCountRequestValidator : AbstractValidator<BulkCountRequest>
{
    public BulkCountRequestValidator()
    {
        RuleFor(r => r.Entity).EntityName();
    }
}

public sealed class BulkEntitiesRequestValidator : Contract.NoFieldRules<BulkEntitiesRequest>;
