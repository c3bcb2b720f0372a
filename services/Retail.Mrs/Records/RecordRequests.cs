using System.IO.Compression;
using System.Text.Json;
using System.Text.RegularExpressions;
using FluentValidation;
using Microsoft.Extensions.Options;

namespace Retail.Mrs.Records;

public sealed record CreateRecordRequest(JsonElement? Json, string? ContentType, long? SizeBytes, string? Md5, string? Name,
    IReadOnlyList<string>? Tags, long? TtlSeconds);

public sealed record RecordKeyRequest(string? RecordGuid);

public sealed record RecordChangeRequest(string? RecordGuid, long? ExpectedRevision);

public sealed record TagsRequest(string? RecordGuid, IReadOnlyList<string>? Tags, long? ExpectedRevision);

public sealed record TtlRequest(string? RecordGuid, long? TtlSeconds, long? ExpectedRevision);

public sealed record ListRecordsRequest(IReadOnlyList<string>? Tags, RecordKind? Kind, RecordStatus? Status, bool? IncludeDoomed, int? Limit,
    string? NextToken) : IPagedRequest;

public static partial class RecordRules
{
    public const int MaxTags = 20;
    public const long MaxTtlSeconds = 10L * 366 * 24 * 3600;

    [GeneratedRegex("^[a-z0-9][a-z0-9_:.-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex TagPattern();

    // type/subtype with the usual token characters, no parameters.
    [GeneratedRegex(@"^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}/[a-z0-9][a-z0-9!#$&^_.+-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex ContentTypePattern();

    public static bool IsTag(string? tag) => tag is not null && TagPattern().IsMatch(tag.Trim().ToLowerInvariant());

    public static bool IsContentType(string? type) => type is not null && ContentTypePattern().IsMatch(type.Trim().ToLowerInvariant());

    public static bool IsMd5Hex(string? md5) => md5 is { Length: 32 } && md5.All(char.IsAsciiHexDigit);

    public static IReadOnlyList<string> NormalizeTags(IEnumerable<string>? tags) =>
        (tags ?? []).Select(t => t.Trim().ToLowerInvariant()).Distinct(StringComparer.Ordinal).ToList();

    public static void TagRules<T>(this AbstractValidator<T> validator, System.Linq.Expressions.Expression<Func<T, IReadOnlyList<string>?>> tags)
    {
        validator.RuleFor(tags).Must(t => t is null || t.Count <= MaxTags).WithMessage($"at most {MaxTags} tags");
        validator.RuleFor(tags).Must(t => t is null || t.All(IsTag)).WithMessage("each tag is 1–64 of a-z, 0-9, '_', ':', '.', '-'");
    }
}

public sealed class CreateRecordRequestValidator : AbstractValidator<CreateRecordRequest>
{
    public CreateRecordRequestValidator(IOptions<MrsOptions> options)
    {
        var max = options.Value.MaxUploadBytes;
        RuleFor(r => r.Json).Must(j => j!.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
            .When(r => r.Json is not null).WithMessage("must be a JSON object or array");
        RuleFor(r => r.ContentType).Must(t => t is null || string.Equals(t.Trim(), "application/json", StringComparison.OrdinalIgnoreCase))
            .When(r => r.Json is not null).WithMessage("an inline record is application/json");
        RuleFor(r => r.SizeBytes).Null().When(r => r.Json is not null).WithMessage("is computed for inline records");
        RuleFor(r => r.Md5).Null().When(r => r.Json is not null).WithMessage("is computed for inline records");
        RuleFor(r => r.ContentType).NotEmpty().WithMessage("is required for an upload").Must(RecordRules.IsContentType)
            .WithMessage("must be a media type such as application/json").When(r => r.Json is null);
        RuleFor(r => r.SizeBytes).NotNull().WithMessage("is required for an upload (the gzip body's size)").InclusiveBetween(1, max)
            .When(r => r.Json is null);
        RuleFor(r => r.Md5).Must(RecordRules.IsMd5Hex).WithMessage("must be the hex MD5 of the gzip body").When(r => r.Json is null);
        RuleFor(r => r.Name).Text(200);
        RuleFor(r => r.TtlSeconds).InclusiveBetween(1, RecordRules.MaxTtlSeconds).When(r => r.TtlSeconds is not null);
        this.TagRules(r => r.Tags);
    }
}

public sealed class RecordKeyRequestValidator : AbstractValidator<RecordKeyRequest>
{
    public RecordKeyRequestValidator() => RuleFor(r => r.RecordGuid).RequiredGuid();
}

public sealed class RecordChangeRequestValidator : AbstractValidator<RecordChangeRequest>
{
    public RecordChangeRequestValidator() => RuleFor(r => r.RecordGuid).RequiredGuid();
}

public sealed class TagsRequestValidator : AbstractValidator<TagsRequest>
{
    public TagsRequestValidator()
    {
        RuleFor(r => r.RecordGuid).RequiredGuid();
        RuleFor(r => r.Tags).NotEmpty().WithMessage("name at least one tag");
        this.TagRules(r => r.Tags);
    }
}

public sealed class TtlRequestValidator : AbstractValidator<TtlRequest>
{
    public TtlRequestValidator()
    {
        RuleFor(r => r.RecordGuid).RequiredGuid();
        RuleFor(r => r.TtlSeconds).InclusiveBetween(1, RecordRules.MaxTtlSeconds).When(r => r.TtlSeconds is not null);
    }
}

public sealed class ListRecordsRequestValidator : AbstractValidator<ListRecordsRequest>
{
    public ListRecordsRequestValidator()
    {
        this.AddPagingRules();
        this.TagRules(r => r.Tags);
    }
}
