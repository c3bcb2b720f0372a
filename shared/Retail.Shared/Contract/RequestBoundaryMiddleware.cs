using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Retail.Shared.Hosting;
using Retail.Shared.Invocation;
using Retail.Shared.Problems;

namespace Retail.Shared.Contract;

/// <summary>
/// The outermost layer: the request id, and the rule that bad input is a 4xx problem,
/// never a 500. Anything unexpected becomes a 500 problem that says nothing about internals.
/// </summary>
public sealed class RequestBoundaryMiddleware(RequestDelegate next, ILogger<RequestBoundaryMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext http, RequestContext context)
    {
        var requestId = http.Request.Headers[CredentialHeaders.RequestId].ToString();
        if (!IsAcceptableRequestId(requestId))
        {
            requestId = Ids.New();
        }
        context.RequestId = requestId;
        http.TraceIdentifier = requestId;
        http.Response.Headers[CredentialHeaders.RequestId] = requestId;

        try
        {
            await next(http);
        }
        catch (BadHttpRequestException ex) when (!http.Response.HasStarted)
        {
            http.Response.Clear();
            await (ex.StatusCode == StatusCodes.Status413PayloadTooLarge ? TooLarge(null) : Malformed(ex)).ExecuteAsync(http);
        }
        catch (JsonException ex) when (!http.Response.HasStarted)
        {
            http.Response.Clear();
            await Malformed(ex).ExecuteAsync(http);
        }
        catch (Records.InvalidPageTokenException ex) when (!http.Response.HasStarted)
        {
            http.Response.Clear();
            await ApiProblem.Create(StatusCodes.Status400BadRequest, ProblemCodes.InvalidNextToken, "The page token is not valid.", ex.Message,
                [new KeyValuePair<string, object?>("errors", new Dictionary<string, string[]> { ["next_token"] = [ex.Message] })]).ExecuteAsync(http);
        }
        catch (DependencyUnavailableException ex) when (!http.Response.HasStarted)
        {
            logger.LogWarning("Dependency {Dependency} unavailable for {Path}", ex.Dependency, http.Request.Path);
            http.Response.Clear();
            await ApiProblem.DependencyUnavailable(ex.Dependency).ExecuteAsync(http);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            logger.LogDebug("Request {RequestId} aborted by the client", requestId);
        }
        catch (Exception ex) when (!http.Response.HasStarted)
        {
            logger.LogError(ex, "Unhandled error on {Path}", http.Request.Path);
            http.Response.Clear();
            await ApiProblem.Create(StatusCodes.Status500InternalServerError, ProblemCodes.InternalError,
                "Something went wrong on our side.", $"Quote request id {requestId} when reporting this.").ExecuteAsync(http);
        }
    }

    public const int MaxRequestIdLength = 64;

    /// <summary>
    /// A caller's request id is echoed in a header, in problems and in logs, so only a short id of plain characters
    /// (letters, digits and <c>-._:</c>, as UUIDs, ULIDs and trace ids use) is kept; anything else gets a fresh one.
    /// </summary>
    internal static bool IsAcceptableRequestId(string value) =>
        value.Length is > 0 and <= MaxRequestIdLength && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or ':');

    internal static IResult TooLarge(long? limit) =>
        ApiProblem.Create(StatusCodes.Status413PayloadTooLarge, ProblemCodes.PayloadTooLarge, "The request body is too large.",
            limit is null ? "The body is over this operation's size limit." : $"This operation takes bodies of at most {limit} bytes.");

    private static IResult Malformed(Exception ex)
    {
        // The JSON reader's message names the path and position, never the offending value.
        var json = ex as JsonException ?? ex.InnerException as JsonException;
        var field = json?.Path is { Length: > 2 } path ? path.TrimStart('$', '.') : "body";
        var message = json is not null ? DescribeJsonError(json) : "The body is missing or is not valid JSON.";
        return ApiProblem.Validation(new Dictionary<string, string[]> { [field] = [message] }, message);
    }

    private static string DescribeJsonError(JsonException json)
    {
        var text = json.Message;
        if (text.Contains("could not be mapped", StringComparison.Ordinal))
        {
            return "Unknown field.";
        }
        if (text.Contains("missing required properties", StringComparison.Ordinal))
        {
            return "Required fields are missing: " + text[(text.IndexOf(':', StringComparison.Ordinal) + 1)..].Split('.')[0].Trim();
        }
        if (text.Contains("is invalid within a JSON string", StringComparison.Ordinal))
        {
            // A raw control character (often a CR pasted from a CRLF file) must be escaped as \uXXXX in JSON.
            return "Control character in string: escape it or remove it.";
        }
        if (text.Contains("Duplicate", StringComparison.OrdinalIgnoreCase))
        {
            return "Duplicate field: each field may appear once.";
        }
        return json.Path is null ? "The body is not valid JSON." : "The value has the wrong type or format.";
    }
}

/// <summary>
/// The body size cap, after routing so an operation may declare its own (<see cref="BodyLimit"/>, ASP.NET's
/// <see cref="IRequestSizeLimitMetadata"/>); every other operation takes <c>Retail:MaxRequestBodyBytes</c> (1 MiB).
/// </summary>
public sealed class BodyLimitMiddleware(RequestDelegate next, IOptions<RetailOptions> options)
{
    public async Task InvokeAsync(HttpContext http)
    {
        var limit = http.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize
            ?? options.Value.MaxRequestBodyBytes;
        if (http.Request.ContentLength > limit)
        {
            await RequestBoundaryMiddleware.TooLarge(limit).ExecuteAsync(http);
            return;
        }
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = limit;
        }
        http.Request.Body = new BoundedReadStream(http.Request.Body, limit);
        await next(http);
    }
}

/// <summary>An operation's own body size limit, for the few that take more than the default (uploads).</summary>
public sealed record BodyLimit(long? MaxRequestBodySize) : IRequestSizeLimitMetadata;

/// <summary>Stops reading a body past the limit even when no Content-Length was sent (chunked).</summary>
public sealed class BoundedReadStream(Stream inner, long limit) : Stream
{
    private long _read;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _read; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await inner.ReadAsync(buffer, cancellationToken));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private int Count(int n)
    {
        _read += n;
        if (_read > limit)
        {
            throw new BadHttpRequestException("Request body too large.", StatusCodes.Status413PayloadTooLarge);
        }
        return n;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
