using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Retail.Shared.Contract;
using Retail.Shared.Problems;

namespace Retail.Gateway;

/// <summary>
/// The apps' body limits, enforced before anything is forwarded: 1 MiB unless a path prefix has its own (uploads).
/// A declared length over it is refused at once; a chunked body stops being read at the limit.
/// </summary>
public sealed class GatewayBodyLimitMiddleware(RequestDelegate next, IOptions<GatewayOptions> options)
{
    public async Task InvokeAsync(HttpContext http)
    {
        var limit = LimitFor(options.Value, http.Request.Path);
        if (http.Request.ContentLength > limit)
        {
            await TooLarge(limit).ExecuteAsync(http);
            return;
        }
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limit;
        }
        http.Request.Body = new BoundedReadStream(http.Request.Body, limit);
        await next(http);
    }

    public static long LimitFor(GatewayOptions options, PathString path)
    {
        var value = path.Value ?? "";
        var match = options.BodyLimits
            .Where(pair => value.StartsWith(pair.Key, StringComparison.Ordinal))
            .OrderByDescending(pair => pair.Key.Length)
            .Select(pair => (long?)pair.Value)
            .FirstOrDefault();
        return match ?? options.MaxRequestBodyBytes;
    }

    public static IResult TooLarge(long limit) =>
        ApiProblem.Create(StatusCodes.Status413PayloadTooLarge, ProblemCodes.PayloadTooLarge, "The request body is too large.",
            $"The body is over this operation's limit of {limit} bytes.", [new("max_bytes", limit)]);
}
