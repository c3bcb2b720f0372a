using Yarp.ReverseProxy.Forwarder;
using Retail.Shared.Problems;

namespace Retail.Gateway;

/// <summary>
/// What the forwarder could not do, as the contract's problems: an unreachable or silent sidecar or app is 503
/// <c>dependency_unavailable</c> (not a bare 502), and a body that outgrew the limit while streaming is 413.
/// </summary>
public sealed class ForwardErrorMiddleware(RequestDelegate next, ILogger<ForwardErrorMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext http)
    {
        await next(http);
        if (http.Features.Get<IForwarderErrorFeature>() is not { } failure || http.Response.HasStarted)
        {
            return;
        }
        if (IsTooLarge(failure.Exception))
        {
            http.Response.Clear();
            await GatewayBodyLimitMiddleware.TooLarge(http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize ?? 0)
                .ExecuteAsync(http);
            return;
        }
        if (failure.Error is ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled)
        {
            return;
        }
        var app = http.GetReverseProxyFeature().Route.Config.Metadata?.GetValueOrDefault("AppId") ?? "the app";
        logger.LogWarning("Forwarding {Path} to {App} failed: {Error}", http.Request.Path, app, failure.Error);
        http.Response.Clear();
        await ApiProblem.DependencyUnavailable(app).ExecuteAsync(http);
    }

    private static bool IsTooLarge(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge })
            {
                return true;
            }
        }
        return false;
    }
}
