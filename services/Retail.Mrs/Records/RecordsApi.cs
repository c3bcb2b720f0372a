using System.IO.Compression;
using System.Text.Json;
using System.Text.RegularExpressions;
using FluentValidation;
using Microsoft.Extensions.Options;
using Retail.Shared;

namespace Retail.Mrs.Records;

/// <summary>
/// MRS: inline JSON records, presigned gzip uploads checked at complete, signed downloads, tags, doom and TTL.
/// The raw upload (PUT) and download (GET) URLs are authorised by their signature alone.
/// </summary>
public static partial class RecordsApi
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
        var guid = Ids.New();
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
            return ApiProblem.Create(StatusCodes.Status409Conflict, "already_complete", "The record is already complete.",
                "Its upload was checked and completed; its bytes cannot be replaced. Make a new record for new content.");
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
        return write.ToOk(r => RecordMeta.From(r, DownloadUrl(http, options.Value, signer, orgcode, r)));
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

    private static string Name<T>(T value) where T : struct, Enum => Retail.Shared.Json.SnakeCase.Name(value);
}
