using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Retail.Shared.Embedded;
using Retail.Shared.Invocation;
using Retail.Shared.OrgData;

namespace Retail.Utl.Sources;

/// <summary>A call that did not answer as it should: the workflow activity fails and is retried.</summary>
public sealed class UtlCallException(string message, int? status = null, string? code = null) : Exception(message)
{
    public int? Status { get; } = status;

    public string? Code { get; } = code;
}

public sealed record MrsMeta(string RecordGuid, string Status, long SizeBytes, long Revision, string? DownloadUrl, DateTimeOffset? DownloadExpiresAt);

public sealed record MrsUpload(string Url, string Method);

public sealed record MrsCreated(MrsMeta Record, MrsUpload? Upload);

public sealed record OfmOrg(string Orgcode, string Status, long Revision);

/// <summary>
/// What UTL asks of the other services, through service invocation as the UTL service: the org-data port of each app,
/// OFM's org status, and MRS for the export files. Writes carry deterministic Idempotency-Keys.
/// </summary>
public sealed class UtlCalls(IServiceInvoker invoker, IHttpClientFactory clients, IOptions<RetailOptions> retail)
{
    public Task<OrgExportResponse> ExportPageAsync(string orgcode, string app, string? part, string? token, int limit, CancellationToken ct) =>
        SendAsync<OrgExportResponse>(orgcode, app, OrgDataPaths.Export, new OrgExportRequest(part, token, limit), null, ct);

    public Task<OrgPurgeResponse> PurgeAsync(string orgcode, string app, int limit, CancellationToken ct) =>
        SendAsync<OrgPurgeResponse>(orgcode, app, OrgDataPaths.Purge, new OrgPurgeRequest(limit), null, ct);

    public Task<OrgVerifyResponse> VerifyAsync(string orgcode, string app, CancellationToken ct) =>
        SendAsync<OrgVerifyResponse>(orgcode, app, OrgDataPaths.Verify, new { }, null, ct);

    public Task<OfmOrg> OrgAsync(string orgcode, CancellationToken ct) =>
        SendAsync<OfmOrg>(orgcode, "ofm", "/org/get", new { orgcode }, null, ct);

    /// <summary>Moves the org to <paramref name="status"/> unless it is there already; answers the org as it stands.</summary>
    public async Task<OfmOrg> SetOrgStatusAsync(string orgcode, string status, string reason, string idempotencyKey, CancellationToken ct)
    {
        var org = await OrgAsync(orgcode, ct);
        if (org.Status == status)
        {
            return org;
        }
        return await SendAsync<OfmOrg>(orgcode, "ofm", "/org/status/set", new { orgcode, status, reason, expected_revision = org.Revision },
            $"{idempotencyKey}:{org.Revision}", ct);
    }

    /// <summary>Stores gzip bytes as an MRS record of the org; answers its guid.</summary>
    public async Task<string> UploadAsync(string orgcode, byte[] gzip, string contentType, string name, string idempotencyKey, CancellationToken ct)
    {
        var created = await SendAsync<MrsCreated>(orgcode, "mrs", "/record", new
        {
            content_type = contentType,
            size_bytes = gzip.LongLength,
            md5 = Convert.ToHexStringLower(MD5.HashData(gzip)),
            name,
            tags = new[] { "utl-export" },
        }, $"{idempotencyKey}:record", ct);
        if (created.Record.Status != "ready")
        {
            var upload = created.Upload ?? throw new UtlCallException("MRS gave no upload URL");
            using var put = new HttpRequestMessage(HttpMethod.Put, upload.Url) { Content = new ByteArrayContent(gzip) };
            put.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
            using var answer = await Client().SendAsync(put, ct);
            if (!answer.IsSuccessStatusCode && answer.StatusCode != HttpStatusCode.Conflict)
            {
                throw new UtlCallException($"the upload to MRS answered {(int)answer.StatusCode}");
            }
            await SendAsync<MrsMeta>(orgcode, "mrs", "/record/complete", new { record_guid = created.Record.RecordGuid, expected_revision = created.Record.Revision },
                $"{idempotencyKey}:complete", ct);
        }
        return created.Record.RecordGuid;
    }

    /// <summary>The MRS record with its signed download URL, or null when MRS has none.</summary>
    public async Task<MrsMeta?> MetaAsync(string orgcode, string recordGuid, CancellationToken ct)
    {
        var answer = await CallAsync(orgcode, "mrs", "/record/meta", new { record_guid = recordGuid }, null, ct);
        if (answer.StatusCode == (int)HttpStatusCode.NotFound)
        {
            return null;
        }
        return answer.IsSuccess ? answer.ReadAs<MrsMeta>() : throw Failed("mrs", "/record/meta", answer);
    }

    /// <summary>A stored file's bytes exactly as stored (gzip), or null when MRS has no such record.</summary>
    public async Task<byte[]?> DownloadAsync(string orgcode, string recordGuid, CancellationToken ct)
    {
        var meta = await MetaAsync(orgcode, recordGuid, ct);
        if (meta?.DownloadUrl is not { } url)
        {
            return null;
        }
        using var answer = await Client().GetAsync(url, ct);
        if (!answer.IsSuccessStatusCode)
        {
            throw new UtlCallException($"the download from MRS answered {(int)answer.StatusCode}");
        }
        return await answer.Content.ReadAsByteArrayAsync(ct);
    }

    public static byte[] Gzip(byte[] content)
    {
        if (content.Length == 0)
        {
            // GZipStream writes nothing at all for no input; a service with no data still gets a valid (empty) gzip file.
            return [0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 0xff, 0x03, 0x00, 0, 0, 0, 0, 0, 0, 0, 0];
        }
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(content);
        }
        return buffer.ToArray();
    }

    public static byte[] Gunzip(byte[] gzip)
    {
        using var input = new GZipStream(new MemoryStream(gzip), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private HttpClient Client() =>
        retail.Value.Mode == RuntimeMode.Dapr ? clients.CreateClient() : clients.CreateClient(EmbeddedTransportRegistration.SelfClient);

    private async Task<T> SendAsync<T>(string orgcode, string app, string path, object body, string? idempotencyKey, CancellationToken ct)
    {
        var answer = await CallAsync(orgcode, app, path, body, idempotencyKey, ct);
        return answer.IsSuccess ? answer.ReadAs<T>() : throw Failed(app, path, answer);
    }

    private async Task<InvocationResponse> CallAsync(string orgcode, string app, string path, object body, string? idempotencyKey, CancellationToken ct)
    {
        try
        {
            return await invoker.InvokeAsync(app, path, body, new InvocationOptions(orgcode, idempotencyKey), ct);
        }
        catch (DependencyUnavailableException e)
        {
            throw new UtlCallException($"{app} is unavailable: {e.Message}");
        }
    }

    private static UtlCallException Failed(string app, string path, InvocationResponse answer)
    {
        string? code = null;
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(answer.Body);
            code = doc.RootElement.TryGetProperty("code", out var c) ? c.GetString() : null;
        }
        catch (System.Text.Json.JsonException)
        {
        }
        return new UtlCallException(
            $"{app}{path} answered {answer.StatusCode}: {Encoding.UTF8.GetString(answer.Body.AsSpan(0, Math.Min(answer.Body.Length, 300)))}",
            answer.StatusCode, code);
    }
}
