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
        RuleFor(r => r.Name).Must(n => n is null || (n.Length <= 200 && !n.Any(char.IsControl))).WithMessage("must be at most 200 characters");
        RuleFor(r => r.TtlSeconds).InclusiveBetween(1, RecordRules.MaxTtlSeconds).When(r => r.TtlSeconds is not null);
        this.TagRules(r => r.Tags);
    }
}

public sealed class RecordKeyRequestValidator : AbstractValidator<RecordKeyRequest>
{
    public RecordKeyRequestValidator() => RuleFor(r => r.RecordGuid).NotEmpty().Must(g => Guid.TryParse(g, out _)).WithMessage("is not a valid guid");
}

public sealed class RecordChangeRequestValidator : AbstractValidator<RecordChangeRequest>
{
    public RecordChangeRequestValidator() => RuleFor(r => r.RecordGuid).NotEmpty().Must(g => Guid.TryParse(g, out _)).WithMessage("is not a valid guid");
}

public sealed class TagsRequestValidator : AbstractValidator<TagsRequest>
{
    public TagsRequestValidator()
    {
        RuleFor(r => r.RecordGuid).NotEmpty().Must(g => Guid.TryParse(g, out _)).WithMessage("is not a valid guid");
        RuleFor(r => r.Tags).NotEmpty().WithMessage("name at least one tag");
        this.TagRules(r => r.Tags);
    }
}

public sealed class TtlRequestValidator : AbstractValidator<TtlRequest>
{
    public TtlRequestValidator()
    {
        RuleFor(r => r.RecordGuid).NotEmpty().Must(g => Guid.TryParse(g, out _)).WithMessage("is not a valid guid");
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

/// <summary>
/// MRS: inline JSON records, presigned gzip uploads checked at complete, signed downloads, tags, doom and TTL.
/// The raw upload (PUT) and download (GET) URLs are authorised by their signature alone.
/// </summary>
public static class RecordsApi
{
    public static RouteGroupBuilder MapRecords(this IEndpointRouteBuilder routes)
    {
        var records = routes.MapGroup("").WithTags("Records");
        records.MapPost("/record", CreateRecord).RequireRole(Role.Member).AsWrite()
            .WithSummary("Store a record: inline JSON, or a presigned URL for a gzip upload checked at complete.");
        records.MapPost("/record/complete", CompleteRecord).RequireRole(Role.Member).AsWrite()
            .WithSummary("Complete an upload: checks size, MD5 and gzip, then makes the record ready.");
        records.MapPost("/record/meta", GetMeta).RequireRole(Role.Viewer)
            .WithSummary("A record's metadata (name, tags, size, state, TTL).");
        records.MapPost("/record/get", GetContent).RequireRole(Role.Viewer)
            .WithSummary("A record's content: the inline JSON, or a signed download URL.");
        records.MapPost("/head", Head).RequireRole(Role.Viewer)
            .WithSummary("Whether a record exists and is ready, without its content.");
        records.MapPost("/list", ListRecords).RequireRole(Role.Viewer)
            .WithSummary("List the org's records, optionally by tag.");
        records.MapPost("/tag/add", AddTags).RequireRole(Role.Member).AsWrite()
            .WithSummary("Add tags to a record.");
        records.MapPost("/tag/remove", RemoveTags).RequireRole(Role.Member).AsWrite()
            .WithSummary("Remove tags from a record.");
        records.MapPost("/ttl/set", SetTtl).RequireRole(Role.Member).AsWrite()
            .WithSummary("Set or clear a record's time to live.");
        records.MapPost("/doom", DoomRecord).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Doom (soft-delete) a record; its history stays.");
        var maxUpload = routes.ServiceProvider.GetRequiredService<IOptions<MrsOptions>>().Value.MaxUploadBytes;
        records.MapPut("/blob/{orgcode}/{recordGuid}", Upload).WithTags("Signed URLs").WithBodyLimit(maxUpload)
            .WithSummary("Upload a record's gzip bytes to its presigned URL (the signature is the credential).");
        records.MapGet("/blob/{orgcode}/{recordGuid}", Download).WithTags("Signed URLs")
            .WithSummary("Download a record's bytes from a signed URL (the signature is the credential).");
        return records;
    }

    public static async Task<Results<Created<CreateRecordResponse>, ProblemHttpResult>> CreateRecord(CreateRecordRequest request,
        RecordStore<MrsRecord> store, RequestContext context, UrlSigner signer, IOptions<MrsOptions> options, TimeProvider clock, HttpContext http,
        CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var now = clock.GetUtcNow();
        var settings = options.Value;
        var guid = Guid.CreateVersion7().ToString();
        MrsRecord record;
        UploadInstructions? upload = null;
        if (request.Json is { } json)
        {
            var text = json.GetRawText();
            var size = System.Text.Encoding.UTF8.GetByteCount(text);
            if (size > settings.MaxInlineBytes)
            {
                return ApiProblem.Create(StatusCodes.Status413PayloadTooLarge, ProblemCodes.PayloadTooLarge, "The inline record is too large.",
                    $"Inline records are limited to {settings.MaxInlineBytes} bytes; use a presigned upload.");
            }
            record = new MrsRecord
            {
                RecordGuid = guid,
                Kind = RecordKind.Inline,
                Status = RecordStatus.Ready,
                ContentType = "application/json",
                SizeBytes = size,
                Md5 = MrsRecord.Md5Hex(text),
                Json = json.Clone(),
                CompletedAt = now,
            };
        }
        else
        {
            var (expires, signature) = signer.Sign(UrlSigner.Upload, orgcode, guid, settings.UploadUrlLifetime);
            var expiresAt = DateTimeOffset.FromUnixTimeSeconds(expires);
            record = new MrsRecord
            {
                RecordGuid = guid,
                Kind = RecordKind.Upload,
                Status = RecordStatus.PendingUpload,
                ContentType = request.ContentType!.Trim().ToLowerInvariant(),
                SizeBytes = request.SizeBytes!.Value,
                Md5 = request.Md5!.ToLowerInvariant(),
                UploadExpiresAt = expiresAt,
            };
            upload = new UploadInstructions(BlobUrl(http, settings, orgcode, guid, expires, signature), "PUT", expiresAt,
                new Dictionary<string, string> { ["content-type"] = "application/gzip" });
        }
        record = record with
        {
            Name = request.Name?.Trim(),
            Tags = RecordRules.NormalizeTags(request.Tags),
            ExpiresAt = request.TtlSeconds is { } ttl ? now.AddSeconds(ttl) : null,
            CreatedBy = context.Principal?.Id,
        };
        var write = await store.CreateAsync(orgcode, record,
            [new DomainEvent(MrsEvents.RecordCreated, new RecordCreated(orgcode, guid, Name(record.Kind), record.ContentType, record.SizeBytes, record.Tags))], ct);
        return TypedResults.Created((string?)null, new CreateRecordResponse(RecordMeta.From(write.Record!), upload));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> Upload(string orgcode, string recordGuid, HttpContext http,
        RecordStore<MrsRecord> store, UrlSigner signer, IBlobStore blobs, IOptions<MrsOptions> options, TimeProvider clock, CancellationToken ct)
    {
        if (!signer.Verify(UrlSigner.Upload, orgcode, recordGuid, http.Request.Query["exp"], http.Request.Query["sig"]))
        {
            return ApiProblem.Create(StatusCodes.Status403Forbidden, ProblemCodes.Forbidden, "The upload URL is not valid.",
                "It is wrong or has expired; ask for a new one.");
        }
        var loaded = await store.GetAsync(orgcode, recordGuid, ct: ct);
        if (loaded is null || !loaded.Record.IsServedAt(clock.GetUtcNow()) || loaded.Record.Kind != RecordKind.Upload)
        {
            return ApiProblem.NotFound("No such record.");
        }
        if (loaded.Record.Status != RecordStatus.PendingUpload)
        {
            return MrsRecord.Lifecycle.Check(loaded.Record.Status, RecordStatus.Ready)!;
        }
        var cap = Math.Min(options.Value.MaxUploadBytes, loaded.Record.SizeBytes);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await http.Request.Body.ReadAsync(chunk, ct)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > cap)
            {
                return ApiProblem.Create(StatusCodes.Status413PayloadTooLarge, ProblemCodes.PayloadTooLarge, "The upload is too large.",
                    $"The record was declared as {loaded.Record.SizeBytes} bytes.");
            }
        }
        await blobs.PutAsync(loaded.Record.BlobKey(orgcode), buffer.GetBuffer().AsMemory(0, (int)buffer.Length), ct);
        return TypedResults.NoContent();
    }

    public static async Task<Results<Ok<RecordMeta>, ProblemHttpResult>> CompleteRecord(RecordChangeRequest request, RecordStore<MrsRecord> store,
        RequestContext context, IBlobStore blobs, IOptions<MrsOptions> options, TimeProvider clock, HttpContext http, UrlSigner signer,
        CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await LoadForChangeAsync(store, orgcode, request.RecordGuid!, request.ExpectedRevision, clock, ct);
        if (problem is not null)
        {
            return problem;
        }
        var record = loaded!.Record;
        if (record.Kind != RecordKind.Upload || !MrsRecord.Lifecycle.CanMove(record.Status, RecordStatus.Ready))
        {
            return ApiProblem.InvalidTransition(Name(record.Status), Name(RecordStatus.Ready),
                MrsRecord.Lifecycle.AllowedFrom(record.Status).Select(Name).ToList());
        }
        var bytes = await blobs.GetAsync(record.BlobKey(orgcode), ct);
        if (bytes is null)
        {
            return UploadRefused("upload_missing", "Nothing was uploaded for this record yet.");
        }
        if (bytes.LongLength != record.SizeBytes || bytes.LongLength > options.Value.MaxUploadBytes)
        {
            return UploadRefused("size_mismatch", $"The upload has {bytes.LongLength} bytes; {record.SizeBytes} were declared.");
        }
        if (MrsRecord.Md5Hex(bytes) != record.Md5)
        {
            return UploadRefused("md5_mismatch", "The upload's MD5 differs from the one declared.");
        }
        if (GzipProblem(bytes, options.Value.MaxDecompressedBytes) is { } gzip)
        {
            return UploadRefused("invalid_gzip", gzip);
        }
        var write = await store.UpdateAsync(orgcode, loaded, record with { Status = RecordStatus.Ready, CompletedAt = clock.GetUtcNow() },
            "status_changed", [new DomainEvent(MrsEvents.RecordCompleted, new RecordCompleted(orgcode, record.RecordGuid, record.ContentType, record.SizeBytes, record.Md5))],
            ct);
        return write.Succeeded
            ? TypedResults.Ok(RecordMeta.From(write.Record!, DownloadUrl(http, options.Value, signer, orgcode, write.Record!)))
            : ApiProblem.RevisionMismatch(write.CurrentRevision ?? 0);
    }

    public static async Task<Results<Ok<RecordMeta>, ProblemHttpResult>> GetMeta(RecordKeyRequest request, RecordStore<MrsRecord> store,
        RequestContext context, UrlSigner signer, IOptions<MrsOptions> options, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var record = await LoadServedAsync(store, orgcode, request.RecordGuid!, clock, ct);
        return record is null
            ? ApiProblem.NotFound("No such record.")
            : TypedResults.Ok(RecordMeta.From(record, DownloadUrl(http, options.Value, signer, orgcode, record)));
    }

    public static async Task<Results<Ok<RecordContent>, ProblemHttpResult>> GetContent(RecordKeyRequest request, RecordStore<MrsRecord> store,
        RequestContext context, UrlSigner signer, IOptions<MrsOptions> options, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var record = await LoadServedAsync(store, orgcode, request.RecordGuid!, clock, ct);
        if (record is null)
        {
            return ApiProblem.NotFound("No such record.");
        }
        if (record.Status != RecordStatus.Ready)
        {
            return ApiProblem.Business("record_not_ready", "The record's upload has not been completed.");
        }
        var download = DownloadUrl(http, options.Value, signer, orgcode, record);
        return TypedResults.Ok(new RecordContent(record.RecordGuid, record.ContentType, record.Json, download?.Url, download?.ExpiresAt));
    }

    public static async Task<Results<Ok<RecordHead>, ProblemHttpResult>> Head(RecordKeyRequest request, RecordStore<MrsRecord> store,
        RequestContext context, TimeProvider clock, CancellationToken ct)
    {
        var record = await LoadServedAsync(store, context.RequireOrgcode(), request.RecordGuid!, clock, ct);
        return record is null
            ? ApiProblem.NotFound("No such record.")
            : TypedResults.Ok(new RecordHead(record.RecordGuid, true, record.Kind, record.Status, record.ContentType, record.SizeBytes, record.Md5,
                record.Revision, record.ExpiresAt, record.UpdatedAt));
    }

    public static async Task<Ok<Page<RecordMeta>>> ListRecords(ListRecordsRequest request, RecordStore<MrsRecord> store, RequestContext context,
        TimeProvider clock, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var includeDoomed = request.IncludeDoomed ?? false;
        var filters = new List<StateFilter>();
        if (request.Kind is { } kind)
        {
            filters.Add(StateFilter.Eq("kind", Name(kind)));
        }
        if (request.Status is { } status)
        {
            filters.Add(StateFilter.Eq("status", Name(status)));
        }
        var wanted = RecordRules.NormalizeTags(request.Tags);
        var now = clock.GetUtcNow();
        var limit = Paging.LimitOf(request);
        // Tags and expiry are filtered here; the token is the last record guid served (keys are UUIDv7, so by creation).
        var items = new List<MrsRecord>();
        var more = false;
        string? token = null;
        do
        {
            var page = await store.ListAsync(orgcode, filters, Paging.MaxLimit, token, includeDoomed, ct: ct);
            foreach (var record in page.Items)
            {
                if ((request.NextToken is not null && string.CompareOrdinal(record.RecordGuid, request.NextToken) <= 0)
                    || (!includeDoomed && !record.IsServedAt(now)) || !wanted.All(record.Tags.Contains))
                {
                    continue;
                }
                if (items.Count == limit)
                {
                    more = true;
                    break;
                }
                items.Add(record);
            }
            token = more ? null : page.NextToken;
        }
        while (token is not null);
        return TypedResults.Ok(new Page<RecordMeta>(items.Select(r => RecordMeta.From(r)).ToList(), more ? items[^1].RecordGuid : null));
    }

    public static Task<Results<Ok<RecordMeta>, ProblemHttpResult>> AddTags(TagsRequest request, RecordStore<MrsRecord> store, RequestContext context,
        TimeProvider clock, CancellationToken ct) =>
        ChangeAsync(store, context, request.RecordGuid!, request.ExpectedRevision, clock, r =>
        {
            var tags = r.Tags.Union(RecordRules.NormalizeTags(request.Tags), StringComparer.Ordinal).ToList();
            return tags.Count > RecordRules.MaxTags ? null : r with { Tags = tags };
        }, ct);

    public static Task<Results<Ok<RecordMeta>, ProblemHttpResult>> RemoveTags(TagsRequest request, RecordStore<MrsRecord> store, RequestContext context,
        TimeProvider clock, CancellationToken ct) =>
        ChangeAsync(store, context, request.RecordGuid!, request.ExpectedRevision, clock,
            r => r with { Tags = r.Tags.Except(RecordRules.NormalizeTags(request.Tags), StringComparer.Ordinal).ToList() }, ct);

    public static Task<Results<Ok<RecordMeta>, ProblemHttpResult>> SetTtl(TtlRequest request, RecordStore<MrsRecord> store, RequestContext context,
        TimeProvider clock, CancellationToken ct) =>
        ChangeAsync(store, context, request.RecordGuid!, request.ExpectedRevision, clock,
            r => r with { ExpiresAt = request.TtlSeconds is { } ttl ? clock.GetUtcNow().AddSeconds(ttl) : null }, ct);

    public static async Task<Results<Ok<RecordMeta>, ProblemHttpResult>> DoomRecord(RecordChangeRequest request, RecordStore<MrsRecord> store,
        RequestContext context, TimeProvider clock, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await LoadForChangeAsync(store, orgcode, request.RecordGuid!, request.ExpectedRevision, clock, ct);
        if (problem is not null)
        {
            return problem;
        }
        var write = await store.DoomAsync(orgcode, loaded!, [new DomainEvent(MrsEvents.RecordDoomed, new RecordDoomed(orgcode, loaded!.Record.RecordGuid))], ct);
        return write.Succeeded ? TypedResults.Ok(RecordMeta.From(write.Record!)) : ApiProblem.RevisionMismatch(write.CurrentRevision ?? 0);
    }

    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> Download(string orgcode, string recordGuid, HttpContext http,
        RecordStore<MrsRecord> store, UrlSigner signer, IBlobStore blobs, TimeProvider clock, CancellationToken ct)
    {
        if (!signer.Verify(UrlSigner.Download, orgcode, recordGuid, http.Request.Query["exp"], http.Request.Query["sig"]))
        {
            return ApiProblem.Create(StatusCodes.Status403Forbidden, ProblemCodes.Forbidden, "The download URL is not valid.",
                "It is wrong or has expired; ask for a new one.");
        }
        var record = await LoadServedAsync(store, orgcode, recordGuid, clock, ct);
        var bytes = record is { Status: RecordStatus.Ready, Kind: RecordKind.Upload } ? await blobs.GetAsync(record.BlobKey(orgcode), ct) : null;
        if (bytes is null)
        {
            return ApiProblem.NotFound("No such record.");
        }
        http.Response.Headers.ContentEncoding = "gzip";
        return TypedResults.File(bytes, record!.ContentType);
    }

    private static async Task<Results<Ok<RecordMeta>, ProblemHttpResult>> ChangeAsync(RecordStore<MrsRecord> store, RequestContext context,
        string recordGuid, long? expectedRevision, TimeProvider clock, Func<MrsRecord, MrsRecord?> change, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await LoadForChangeAsync(store, orgcode, recordGuid, expectedRevision, clock, ct);
        if (problem is not null)
        {
            return problem;
        }
        if (change(loaded!.Record) is not { } next)
        {
            return ApiProblem.Validation("tags", $"a record has at most {RecordRules.MaxTags} tags");
        }
        var write = await store.UpdateAsync(orgcode, loaded, next, ct: ct);
        return write.Succeeded ? TypedResults.Ok(RecordMeta.From(write.Record!)) : ApiProblem.RevisionMismatch(write.CurrentRevision ?? 0);
    }

    private static async Task<(Loaded<MrsRecord>? Loaded, ProblemHttpResult? Problem)> LoadForChangeAsync(RecordStore<MrsRecord> store, string orgcode,
        string recordGuid, long? expectedRevision, TimeProvider clock, CancellationToken ct)
    {
        if (expectedRevision is null)
        {
            return (null, ApiProblem.ExpectedRevisionRequired());
        }
        var loaded = await store.GetAsync(orgcode, recordGuid, ct: ct);
        if (loaded is null || !loaded.Record.IsServedAt(clock.GetUtcNow()))
        {
            return (null, ApiProblem.NotFound("No such record."));
        }
        return loaded.Record.Revision != expectedRevision ? (null, ApiProblem.RevisionMismatch(loaded.Record.Revision)) : (loaded, null);
    }

    private static async Task<MrsRecord?> LoadServedAsync(RecordStore<MrsRecord> store, string orgcode, string recordGuid, TimeProvider clock,
        CancellationToken ct) =>
        await store.GetAsync(orgcode, recordGuid, ct: ct) is { } loaded && loaded.Record.IsServedAt(clock.GetUtcNow()) ? loaded.Record : null;

    /// <summary>Null when the body is a complete gzip stream that expands within the cap; otherwise why not.</summary>
    internal static string? GzipProblem(byte[] bytes, long maxDecompressed)
    {
        if (bytes.Length < 18 || bytes[0] != 0x1f || bytes[1] != 0x8b)
        {
            return "The upload is not gzip-compressed.";
        }
        try
        {
            using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
            var buffer = new byte[81920];
            long total = 0;
            int read;
            while ((read = gzip.Read(buffer, 0, buffer.Length)) > 0)
            {
                total += read;
                if (total > maxDecompressed)
                {
                    return $"The upload expands beyond {maxDecompressed} bytes.";
                }
            }
            return null;
        }
        catch (InvalidDataException)
        {
            return "The upload is not a valid gzip stream.";
        }
    }

    private static ProblemHttpResult UploadRefused(string code, string detail) => ApiProblem.Business(code, "The upload was refused.", detail);

    private static SignedUrl? DownloadUrl(HttpContext http, MrsOptions options, UrlSigner signer, string orgcode, MrsRecord record)
    {
        if (record.Kind != RecordKind.Upload || record.Status != RecordStatus.Ready)
        {
            return null;
        }
        var (expires, signature) = signer.Sign(UrlSigner.Download, orgcode, record.RecordGuid, options.DownloadUrlLifetime);
        return new SignedUrl(BlobUrl(http, options, orgcode, record.RecordGuid, expires, signature), DateTimeOffset.FromUnixTimeSeconds(expires));
    }

    /// <summary>The absolute URL of a record's bytes on this service: the configured public base, or this request's own base.</summary>
    private static string BlobUrl(HttpContext http, MrsOptions options, string orgcode, string recordGuid, long expires, string signature)
    {
        var path = http.Request.Path.Value ?? "";
        var operation = path.LastIndexOf("/record", StringComparison.Ordinal);
        var prefix = operation >= 0 ? path[..operation] : "";
        var root = options.PublicBaseUrl?.TrimEnd('/') ?? $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}{prefix}";
        return $"{root}/blob/{orgcode}/{recordGuid}?exp={expires}&sig={signature}";
    }

    private static string Name<T>(T value) where T : struct, Enum => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());
}
