using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Retail.Mrs.Records;

public enum RecordKind
{
    Inline,
    Upload,
}

public enum RecordStatus
{
    PendingUpload,
    Ready,
}

/// <summary>
/// An opaque payload with metadata: inline JSON kept in the record, or uploaded bytes (gzip) kept in the blob store
/// under "{orgcode}/{record_guid}". A doomed or expired record is no longer served; the sweeper removes its bytes.
/// </summary>
public sealed record MrsRecord : Record
{
    public required string RecordGuid { get; init; }

    public RecordKind Kind { get; init; }

    public RecordStatus Status { get; init; }

    public required string ContentType { get; init; }

    public long SizeBytes { get; init; }

    /// <summary>Hex MD5: of the JSON text (inline), or of the gzip body as uploaded.</summary>
    public required string Md5 { get; init; }

    public string? Name { get; init; }

    public IReadOnlyList<string> Tags { get; init; } = [];

    public DateTimeOffset? ExpiresAt { get; init; }

    public JsonElement? Json { get; init; }

    public DateTimeOffset? UploadExpiresAt { get; init; }

    public DateTimeOffset? CompletedAt { get; init; }

    public string? CreatedBy { get; init; }

    /// <summary>When the sweeper removed an upload's payload (after doom or expiry); the record itself stays.</summary>
    public DateTimeOffset? PayloadRemovedAt { get; init; }

    [JsonIgnore]
    public override string Key => RecordGuid;

    /// <summary>
    /// Records by tag are a multi-valued index; an upload whose payload is due for removal carries <c>sweep_at</c> (when it
    /// was doomed or expired, in epoch milliseconds), indexed across orgs so the sweeper reads only what is due; and
    /// <c>served_until</c> lets lists leave expired records out in the query.
    /// </summary>
    public static readonly RecordType<MrsRecord> Type = new RecordType<MrsRecord>("record")
        .IndexValues("tag", r => r.Tags)
        .Computed("sweep_at", r => r.Kind == RecordKind.Upload && r.PayloadRemovedAt is null ? (r.DoomedAt ?? r.ExpiresAt)?.ToUnixTimeMilliseconds() : null)
        .Computed("served_until", r => r.ExpiresAt?.ToUnixTimeMilliseconds() ?? long.MaxValue)
        .IndexAcrossOrgs("sweep_at")
        .IndexBy("kind", "status");

    public static readonly StateMachine<RecordStatus> Lifecycle = new(new Dictionary<RecordStatus, RecordStatus[]>
    {
        [RecordStatus.PendingUpload] = [RecordStatus.Ready],
        [RecordStatus.Ready] = [],
    });

    public string BlobKey(string orgcode) => $"{orgcode}/{RecordGuid}";

    public bool IsServedAt(DateTimeOffset now) => !IsDoomed && (ExpiresAt is null || ExpiresAt > now);

    public static string Md5Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexString(MD5.HashData(bytes)).ToLowerInvariant();

    public static string Md5Hex(string text) => Md5Hex(Encoding.UTF8.GetBytes(text));
}

/// <summary>What meta and head answer: the record without its inline body, plus a signed download URL when there are bytes to fetch.</summary>
public sealed record RecordMeta(
    string RecordGuid,
    RecordKind Kind,
    RecordStatus Status,
    string ContentType,
    long SizeBytes,
    string Md5,
    string? Name,
    IReadOnlyList<string> Tags,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? CompletedAt,
    string? DownloadUrl,
    DateTimeOffset? DownloadExpiresAt,
    long Revision,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? DoomedAt)
{
    public static RecordMeta From(MrsRecord r, SignedUrl? download = null) => new(r.RecordGuid, r.Kind, r.Status, r.ContentType, r.SizeBytes,
        r.Md5, r.Name, r.Tags, r.ExpiresAt, r.CompletedAt, download?.Url, download?.ExpiresAt, r.Revision, r.CreatedAt, r.UpdatedAt, r.DoomedAt);
}

public sealed record SignedUrl(string Url, DateTimeOffset ExpiresAt);

public sealed record UploadInstructions(string Url, string Method, DateTimeOffset ExpiresAt, IReadOnlyDictionary<string, string> Headers);

public sealed record CreateRecordResponse(RecordMeta Record, UploadInstructions? Upload);

public sealed record RecordContent(string RecordGuid, string ContentType, JsonElement? Json, string? DownloadUrl, DateTimeOffset? DownloadExpiresAt);

public sealed record RecordHead(string RecordGuid, bool Exists, RecordKind Kind, RecordStatus Status, string ContentType, long SizeBytes, string Md5,
    long Revision, DateTimeOffset? ExpiresAt, DateTimeOffset UpdatedAt);
