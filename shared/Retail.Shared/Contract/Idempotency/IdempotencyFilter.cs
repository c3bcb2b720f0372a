using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Retail.Shared.Json;
using Retail.Shared.Problems;
using Retail.Shared.State;

namespace Retail.Shared.Contract.Idempotency;

/// <summary>
/// <c>Idempotency-Key</c> on writes: the same key and request within 24 h replays the first answer
/// (<c>Idempotent-Replayed: true</c>); a different request is 422 <c>idempotency_key_reused</c>; a request
/// still running is 409 <c>idempotency_in_progress</c>. A 400, a 429 or a 5xx is not kept, so a corrected or
/// later retry may reuse the key. The claim is an insert-only write, so two concurrent requests never both run.
/// Runs after validation, so an invalid body is answered 400 before any key is claimed.
/// </summary>
public sealed class IdempotencyFilter : IEndpointFilter
{
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    /// <summary>A claim left "running" this long (a crashed process) may be taken over.</summary>
    public static readonly TimeSpan AbandonedAfter = TimeSpan.FromMinutes(2);

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var http = invocation.HttpContext;
        if (!http.Request.Headers.TryGetValue(CredentialHeaders.IdempotencyKey, out var keyValues))
        {
            return await next(invocation);
        }
        var key = keyValues.ToString();
        if (key.Length is 0 or > 255 || key.Any(c => c is < (char)0x20 or > (char)0x7e))
        {
            return ApiProblem.Validation(CredentialHeaders.IdempotencyKey, "must be 1–255 printable ASCII characters");
        }

        var services = http.RequestServices;
        var context = services.GetRequiredService<RequestContext>();
        var store = services.GetRequiredKeyedService<IStateStore>(context.AppId ?? throw new InvalidOperationException("endpoint has no module"));
        var clock = services.GetRequiredService<TimeProvider>();
        // An org's replays carry the org in the key, so offboarding finds and purges them (OrgKeyPrefix.Idempotency).
        var hash = Hash($"{context.Orgcode}\n{context.Principal?.Id}\n{key}");
        var storeKey = context.Orgcode is { } org ? $"idem|{org}|{hash}" : "idem|" + hash;
        var fingerprint = await FingerprintAsync(http);

        // The claim is tried first, insert-only: a key is almost always new, so it is read only when the claim finds it taken
        // (a replay, a request still running, a reused key, an abandoned claim).
        string etag;
        StateEntry? existing = null;
        for (var tried = false; ; tried = true)
        {
            if (tried && (existing = await store.GetAsync(storeKey, http.RequestAborted)) is not null)
            {
                var record = JsonSerializer.Deserialize<IdempotencyRecord>(existing.Value, RetailJson.Storage)!;
                if (record.Fingerprint != fingerprint)
                {
                    return ApiProblem.Business(ProblemCodes.IdempotencyKeyReused, "Idempotency-Key reused.",
                        "This key was used for a different request.");
                }
                if (record.Completed)
                {
                    return new ReplayResult(record);
                }
                if (clock.GetUtcNow() - record.StartedAt < AbandonedAfter)
                {
                    return ApiProblem.Create(StatusCodes.Status409Conflict, ProblemCodes.IdempotencyInProgress,
                        "The first request with this key is still running.", "Retry shortly to get its answer.");
                }
            }
            var claim = new IdempotencyRecord(fingerprint, clock.GetUtcNow(), false, 0, null, null);
            var commit = await store.TransactAsync(new StateTransaction().Upsert(storeKey, RetailJson.ToBytes(claim), existing?.ETag, Retention),
                http.RequestAborted);
            if (commit.Committed)
            {
                etag = commit.ETags[storeKey];
                break;
            }
        }

        object? result;
        try
        {
            result = await next(invocation);
        }
        catch
        {
            await Release(store, storeKey, etag);
            throw;
        }

        var captured = await CaptureAsync(http, result);
        if (!IsKept(captured.Status))
        {
            await Release(store, storeKey, etag);
        }
        else
        {
            var done = new IdempotencyRecord(fingerprint, clock.GetUtcNow(), true, captured.Status, captured.ContentType, captured.Body);
            await store.TransactAsync(new StateTransaction().Upsert(storeKey, RetailJson.ToBytes(done), etag, Retention), CancellationToken.None);
        }
        return new ReplayResult(done: captured, replayed: false);
    }

    /// <summary>
    /// Answers that say "not now" or "not like this" are not kept, so a retry with the same key runs again:
    /// 400 (corrected input), 429 (after the wait), and failures on our side or a dependency's (5xx).
    /// </summary>
    private static bool IsKept(int status) => status is not (StatusCodes.Status400BadRequest or StatusCodes.Status429TooManyRequests) and < 500;

    private static async Task Release(IStateStore store, string key, string etag) =>
        await store.TransactAsync(new StateTransaction().Delete(key, etag), CancellationToken.None);

    /// <summary>
    /// The request as the contract compares it: method, path and the body's JSON in a canonical form (fields sorted,
    /// no insignificant whitespace, strings unescaped), so the same fields in another order are the same request.
    /// </summary>
    private static async Task<string> FingerprintAsync(HttpContext http)
    {
        var body = http.Request.Body;
        if (body.CanSeek)
        {
            body.Position = 0;
        }
        using var raw = new MemoryStream();
        await body.CopyToAsync(raw, http.RequestAborted);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes($"{http.Request.Method} {http.Request.Path}\n"));
        sha.AppendData(Canonical(raw.GetBuffer().AsMemory(0, (int)raw.Length)));
        return Convert.ToHexString(sha.GetHashAndReset());
    }

    internal static byte[] Canonical(ReadOnlyMemory<byte> json)
    {
        if (json.IsEmpty)
        {
            return [];
        }
        using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = RetailJson.Api.MaxDepth });
        using var output = new MemoryStream();
        using (var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = RetailJson.Api.Encoder, SkipValidation = true }))
        {
            WriteCanonical(writer, document.RootElement);
        }
        return output.ToArray();
    }

    private static void WriteCanonical(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(property.Name);
                    WriteCanonical(writer, property.Value);
                }
                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    WriteCanonical(writer, item);
                }
                writer.WriteEndArray();
                break;
            case JsonValueKind.String:
                WriteCanonicalString(writer, element);
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }

    private static void WriteCanonicalString(Utf8JsonWriter writer, JsonElement element)
    {
        string value;
        try
        {
            value = element.GetString()!;
        }
        catch (InvalidOperationException)
        {
            // An escaped lone surrogate cannot be unescaped; its text as sent is canonical enough.
            element.WriteTo(writer);
            return;
        }
        writer.WriteStringValue(value);
    }

    private static async Task<CapturedResponse> CaptureAsync(HttpContext http, object? result)
    {
        var original = http.Response.Body;
        using var buffer = new MemoryStream();
        http.Response.Body = buffer;
        try
        {
            var asResult = result as IResult ?? TypedResults.Ok(result);
            await asResult.ExecuteAsync(http);
        }
        finally
        {
            http.Response.Body = original;
        }
        return new CapturedResponse(http.Response.StatusCode, http.Response.ContentType, buffer.ToArray());
    }

    private static string Hash(string value) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(value)));

    private sealed record IdempotencyRecord(string Fingerprint, DateTimeOffset StartedAt, bool Completed, int Status,
        string? ContentType, byte[]? Body);

    private sealed record CapturedResponse(int Status, string? ContentType, byte[] Body);

    /// <summary>Writes a kept answer: the first response's status, content type and body.</summary>
    private sealed class ReplayResult : IResult
    {
        private readonly CapturedResponse _response;
        private readonly bool _replayed;

        public ReplayResult(IdempotencyRecord record)
        {
            _response = new CapturedResponse(record.Status, record.ContentType, record.Body ?? []);
            _replayed = true;
        }

        public ReplayResult(CapturedResponse done, bool replayed)
        {
            _response = done;
            _replayed = replayed;
        }

        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = _response.Status;
            if (_response.ContentType is not null)
            {
                httpContext.Response.ContentType = _response.ContentType;
            }
            if (_replayed)
            {
                httpContext.Response.Headers["Idempotent-Replayed"] = "true";
            }
            httpContext.Response.ContentLength = _response.Body.Length;
            await httpContext.Response.Body.WriteAsync(_response.Body);
        }
    }
}
