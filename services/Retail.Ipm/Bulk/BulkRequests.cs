using System.Text.Json;
using System.Text.RegularExpressions;
using FluentValidation;

namespace Retail.Ipm.Bulk;

/// <summary>A target field from a source field (<c>source</c>) or a constant (<c>constant</c>), exactly one of them.</summary>
public sealed record BulkMappingRequest(string? Target, string? Source, JsonElement? Constant);

/// <summary>
/// An import of an MRS file (<c>file_record_guid</c>, its content's <c>sha256</c>) in <c>format</c> into <c>entity</c>; without a
/// mapping, each field of the entity is taken from the source field of the same name.
/// </summary>
public sealed record ImportCreateRequest(string? Entity, int? SchemaVersion, string? FileRecordGuid, string? Sha256, BulkFormat? Format,
    IReadOnlyList<BulkMappingRequest>? Mapping, int? SliceSize, bool? DryRun);

public sealed record BulkContinueRequest(string? JobGuid, string? ContinuationToken);

public sealed record ImportCommitRequest(string? JobGuid, bool? AcceptQuarantine, long? ExpectedRevision);

/// <summary>An export of <c>entity</c> with the target's <c>filters</c>, in parts of at most <c>part_size</c> records.</summary>
public sealed record ExportCreateRequest(string? Entity, int? SchemaVersion, JsonElement? Filters, int? PartSize);

/// <summary>A job; with <c>include_quarantine</c> a page of an import's quarantine, and always a page of an export's parts.</summary>
public sealed record BulkJobGetRequest(string? JobGuid, bool? IncludeQuarantine, int? Limit, string? NextToken) : IPagedRequest;

public sealed record BulkJobListRequest(BulkKind? Kind, BulkJobStatus? Status, int? Limit, string? NextToken) : IPagedRequest;

/// <summary>A job as <c>get</c> shows it.</summary>
public sealed record BulkJobView(BulkJob Job, Page<BulkExportPart>? Parts, Page<BulkQuarantineItem>? Quarantine);

/// <summary>What a <c>continue</c> answers: the job after it, what this slice did, and the token of the next one (null: done).</summary>
public sealed record BulkContinueAnswer(BulkJob Job, BulkSliceResult Slice, string? ContinuationToken, bool Done);

public static partial class BulkRequestRules
{
    [GeneratedRegex("^[a-z][a-z0-9]*\\.[a-z][a-z0-9_]{0,63}$")]
    public static partial Regex EntityPattern();

    [GeneratedRegex("^[0-9a-fA-F]{64}$")]
    public static partial Regex Sha256Pattern();

    [GeneratedRegex("^[a-z][a-z0-9_]{0,63}$")]
    public static partial Regex FieldPattern();
}

public sealed class BulkMappingRequestValidator : AbstractValidator<BulkMappingRequest>
{
    public BulkMappingRequestValidator()
    {
        RuleFor(r => r.Target).NotEmpty().WithMessage("is required").Matches(BulkRequestRules.FieldPattern()).WithMessage("must be a snake_case field name");
        RuleFor(r => r.Source).MaximumLength(200);
        RuleFor(r => r).Must(r => r.Source is not null ^ r.Constant is not null).WithName("source").WithMessage("give exactly one of source and constant");
    }
}

public sealed class ImportCreateRequestValidator : AbstractValidator<ImportCreateRequest>
{
    public ImportCreateRequestValidator()
    {
        RuleFor(r => r.Entity).NotEmpty().WithMessage("is required").Matches(BulkRequestRules.EntityPattern()).WithMessage("must be app.entity");
        RuleFor(r => r.SchemaVersion).NotNull().WithMessage("is required").GreaterThan(0);
        RuleFor(r => r.FileRecordGuid).RequiredGuid();
        RuleFor(r => r.Sha256).NotEmpty().WithMessage("is required").Matches(BulkRequestRules.Sha256Pattern()).WithMessage("must be 64 hex digits");
        RuleFor(r => r.Format).NotNull().WithMessage("is required");
        RuleFor(r => r.SliceSize).InclusiveBetween(1, BulkRules.MaxSliceSize).When(r => r.SliceSize is not null);
        RuleFor(r => r.Mapping).Must(m => m is null || m.Count <= 200).WithMessage("has at most 200 rules")
            .Must(m => m is null || m.Select(r => r.Target).Distinct().Count() == m.Count).WithMessage("maps each target field once");
        RuleForEach(r => r.Mapping).SetValidator(new BulkMappingRequestValidator());
    }
}

public sealed class BulkContinueRequestValidator : AbstractValidator<BulkContinueRequest>
{
    public BulkContinueRequestValidator()
    {
        RuleFor(r => r.JobGuid).RequiredGuid();
        RuleFor(r => r.ContinuationToken).NotEmpty().WithMessage("is required").MaximumLength(1024);
    }
}

public sealed class ImportCommitRequestValidator : AbstractValidator<ImportCommitRequest>
{
    public ImportCommitRequestValidator() => RuleFor(r => r.JobGuid).RequiredGuid();
}

public sealed class ExportCreateRequestValidator : AbstractValidator<ExportCreateRequest>
{
    public ExportCreateRequestValidator()
    {
        RuleFor(r => r.Entity).NotEmpty().WithMessage("is required").Matches(BulkRequestRules.EntityPattern()).WithMessage("must be app.entity");
        RuleFor(r => r.SchemaVersion).GreaterThan(0).When(r => r.SchemaVersion is not null);
        RuleFor(r => r.Filters).Must(f => f is null || f.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Null).WithMessage("must be an object");
        RuleFor(r => r.PartSize).InclusiveBetween(1, BulkRules.MaxPartSize).When(r => r.PartSize is not null);
    }
}

public sealed class BulkJobGetRequestValidator : AbstractValidator<BulkJobGetRequest>
{
    public BulkJobGetRequestValidator()
    {
        RuleFor(r => r.JobGuid).RequiredGuid();
        this.AddPagingRules();
    }
}

public sealed class BulkJobListRequestValidator : AbstractValidator<BulkJobListRequest>
{
    public BulkJobListRequestValidator() => this.AddPagingRules();
}
