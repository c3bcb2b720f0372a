using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Retail.Shared.Hosting;

namespace Retail.Gateway;

/// <summary>
/// The front door in Dapr mode: the same <c>/{app-id}/…</c> paths and root documents as the single-process host,
/// each request forwarded to its app through the sidecar's service invocation (<c>dapr-app-id</c>), after the
/// per-caller and per-org rate limits and the body limits.
/// </summary>
public static class GatewayApp
{
    public const string AppId = "gateway";

    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = RetailApp.NewBuilder(args);
        configure?.Invoke(builder);
        var services = builder.Services;
        var configuration = builder.Configuration;
        services.AddOptions<GatewayOptions>().Bind(configuration.GetSection(GatewayOptions.Section))
            .Validate(o => o.Apps.Count > 0, "Gateway:Apps names no app")
            .Validate(o => o.RootRoutes.All(r => o.Apps.Contains(r.App) && r.Path.StartsWith('/')), "a Gateway:RootRoutes entry names an unknown app or a relative path")
            .ValidateOnStart();
        var options = configuration.GetSection(GatewayOptions.Section).Get<GatewayOptions>() ?? new GatewayOptions();
        var sidecar = SidecarUrl(options, configuration);

        services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
        {
            c.ProblemDetails.Extensions["request_id"] = c.HttpContext.TraceIdentifier;
            c.ProblemDetails.Instance ??= c.HttpContext.Request.Path;
        });
        services.AddSingleton(new SidecarAddress(sidecar));
        services.AddHttpClient(SidecarAddress.HealthClient, c => c.Timeout = TimeSpan.FromSeconds(5));
        services.AddGatewayRateLimits(options);
        services.AddReverseProxy()
            .LoadFromMemory(GatewayRoutes.Routes(options), [GatewayRoutes.Cluster(sidecar, options)])
            .AddTransforms(context => GatewayRoutes.AddTransforms(context, configuration["DAPR_API_TOKEN"]));

        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(AppId, serviceVersion: RetailVersion.Current))
            .WithTracing(t =>
            {
                t.AddAspNetCoreInstrumentation(o => o.Filter = http => !http.Request.Path.StartsWithSegments("/healthz"))
                    .AddHttpClientInstrumentation()
                    .AddSource("Yarp.ReverseProxy");
                if (!string.IsNullOrEmpty(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
                {
                    t.AddOtlpExporter();
                }
            })
            .WithMetrics(m =>
            {
                m.AddAspNetCoreInstrumentation().AddHttpClientInstrumentation().AddMeter("Yarp.ReverseProxy");
                if (!string.IsNullOrEmpty(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
                {
                    m.AddOtlpExporter();
                }
            });

        var app = builder.Build();
        app.UseStatusCodePages(StatusCodeProblems.WriteAsync);
        app.UseRouting();
        app.UseRateLimiter();
        app.MapGet("/alive", () => TypedResults.Ok(new { status = "ok" })).DisableRateLimiting();
        app.MapGet("/healthz", SidecarAddress.HealthAsync).DisableRateLimiting();
        app.MapReverseProxy(proxy =>
        {
            proxy.UseMiddleware<GatewayBodyLimitMiddleware>();
            proxy.UseMiddleware<ForwardErrorMiddleware>();
        });
        return app;
    }

    private static Uri SidecarUrl(GatewayOptions options, IConfiguration configuration)
    {
        var url = options.SidecarUrl ?? configuration["DAPR_HTTP_ENDPOINT"]
            ?? $"http://127.0.0.1:{configuration["DAPR_HTTP_PORT"] ?? "3500"}";
        return new Uri(url.EndsWith('/') ? url : url + "/");
    }
}

/// <summary>The sidecar the gateway forwards through, and the gateway's readiness: that sidecar answers its health check.</summary>
public sealed record SidecarAddress(Uri Url)
{
    public const string HealthClient = "sidecar-health";

    public static async Task<IResult> HealthAsync(SidecarAddress sidecar, IHttpClientFactory clients, CancellationToken ct)
    {
        try
        {
            using var response = await clients.CreateClient(HealthClient).GetAsync(new Uri(sidecar.Url, "v1.0/healthz"), ct);
            if (response.IsSuccessStatusCode)
            {
                return TypedResults.Ok(new { status = "ok" });
            }
        }
        catch (HttpRequestException)
        {
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
        }
        return TypedResults.Json(new { status = "unhealthy", detail = "the Dapr sidecar does not answer its health check" },
            statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}
