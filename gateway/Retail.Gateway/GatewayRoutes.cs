using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Retail.Gateway;

/// <summary>
/// One route per app (<c>/{app-id}/{**rest}</c> → that app's <c>/{rest}</c>) and one per root document, all to the one
/// cluster: the sidecar, which delivers each request to the app its <c>dapr-app-id</c> header names.
/// </summary>
public static class GatewayRoutes
{
    public const string ClusterId = "dapr";
    public const string AppIdHeader = "dapr-app-id";
    public const string ApiTokenHeader = "dapr-api-token";
    private const string AppKey = "AppId";
    private const string PrefixKey = "Prefix";
    private const string StripKey = "Strip";

    /// <summary>
    /// Headers only a sidecar or the apps themselves may set: a client sending them through the front door must not be
    /// taken for the sidecar (<c>dapr-*</c>) or for another app (<c>x-internal-token</c>), nor name the URLs the apps build.
    /// </summary>
    public static readonly string[] ClientHeadersRemoved =
    [
        ApiTokenHeader, AppIdHeader, "dapr-caller-app-id", "dapr-callee-app-id", "dapr-caller-namespace",
        "x-internal-token", "x-caller-app-id", "Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "X-Forwarded-Prefix",
    ];

    public static IReadOnlyList<RouteConfig> Routes(GatewayOptions options)
    {
        var routes = new List<RouteConfig>();
        foreach (var app in options.Apps)
        {
            routes.Add(Route("app-" + app, $"/{app}/{{**rest}}", app, strip: true));
        }
        foreach (var root in options.RootRoutes)
        {
            // The app serves the document at the same path when it runs alone; X-Forwarded-Prefix tells it that its
            // base is /{app-id} here, as the single-process host's root copies know.
            routes.Add(Route("root-" + root.Path.Trim('/').Replace('/', '-'), root.Path, root.App, strip: false));
        }
        return routes;
    }

    public static ClusterConfig Cluster(Uri sidecar, GatewayOptions options) => new()
    {
        ClusterId = ClusterId,
        Destinations = new Dictionary<string, DestinationConfig> { ["sidecar"] = new() { Address = sidecar.ToString() } },
        HttpRequest = new ForwarderRequestConfig { ActivityTimeout = TimeSpan.FromSeconds(options.ForwardTimeoutSeconds) },
    };

    private static RouteConfig Route(string id, string path, string app, bool strip) => new()
    {
        RouteId = id,
        ClusterId = ClusterId,
        Match = new RouteMatch { Path = path },
        Metadata = new Dictionary<string, string> { [AppKey] = app, [PrefixKey] = "/" + app, [StripKey] = strip ? "true" : "false" },
    };

    public static void AddTransforms(TransformBuilderContext context, string? daprApiToken)
    {
        if (context.Route.Metadata is not { } metadata || !metadata.TryGetValue(AppKey, out var app))
        {
            return;
        }
        var prefix = metadata[PrefixKey];
        foreach (var header in ClientHeadersRemoved)
        {
            context.AddRequestHeaderRemove(header);
        }
        if (metadata[StripKey] == "true")
        {
            context.AddPathRemovePrefix(prefix);
        }
        context.AddRequestHeader(AppIdHeader, app, append: false);
        if (!string.IsNullOrEmpty(daprApiToken))
        {
            context.AddRequestHeader(ApiTokenHeader, daprApiToken, append: false);
        }
        context.UseDefaultForwarders = false;
        context.AddXForwardedFor(action: ForwardedTransformActions.Set);
        context.AddXForwardedHost(action: ForwardedTransformActions.Set);
        context.AddXForwardedProto(action: ForwardedTransformActions.Set);
        context.AddRequestHeader("X-Forwarded-Prefix", prefix, append: false);
        // The Host header is the sidecar's, as Dapr expects; the client's travels as X-Forwarded-Host.
        context.AddOriginalHost(false);
    }
}
