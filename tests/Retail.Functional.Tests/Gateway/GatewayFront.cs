using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Retail.Gateway;

namespace Retail.Functional.Tests.Gateway;

/// <summary>
/// The gateway in front of a stand-in for the Dapr sidecar: a real HTTP server on loopback that, as daprd does, takes
/// each request's <c>dapr-app-id</c> and delivers it to that app. The apps are the single-process host's modules: the
/// sidecar delivers <c>/{path}</c> for app <c>X</c> to the host's <c>/X/{path}</c>, which is what the app alone serves at
/// <c>/{path}</c> under the <c>X-Forwarded-Prefix</c> the gateway sends; and it applies <c>X-Forwarded-Host</c> as the
/// app's forwarded-headers step does for a relayed call. It records what it received.
/// </summary>
public sealed class InvocationSidecar : IAsyncDisposable
{
    private static readonly HashSet<string> NotCopied = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Content-Length", "Transfer-Encoding", "Connection", "dapr-app-id", "dapr-api-token", "X-Forwarded-Prefix",
    };

    private readonly WebApplication _app;

    private InvocationSidecar(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    public string Url { get; }

    public ConcurrentQueue<ReceivedRequest> Received { get; } = new();

    public static async Task<InvocationSidecar> StartAsync(Func<HttpClient> apps)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        InvocationSidecar? sidecar = null;
        app.MapGet("/v1.0/healthz", () => Results.NoContent());
        app.Map("/{**path}", (HttpContext http) => sidecar!.DeliverAsync(http, apps()));
        await app.StartAsync();
        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        sidecar = new InvocationSidecar(app, url);
        return sidecar;
    }

    private async Task DeliverAsync(HttpContext http, HttpClient apps)
    {
        var request = http.Request;
        var appId = request.Headers["dapr-app-id"].ToString();
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body);
        Received.Enqueue(new ReceivedRequest(appId, request.Method, request.Path + request.QueryString,
            request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), body.Length));

        using var message = new HttpRequestMessage(new HttpMethod(request.Method), $"/{appId}{request.Path}{request.QueryString}");
        if (body.Length > 0 || request.ContentType is not null)
        {
            message.Content = new ByteArrayContent(body.ToArray());
        }
        foreach (var (name, values) in request.Headers)
        {
            if (NotCopied.Contains(name))
            {
                continue;
            }
            if (!message.Headers.TryAddWithoutValidation(name, values.ToArray()))
            {
                message.Content?.Headers.TryAddWithoutValidation(name, values.ToArray());
            }
        }
        message.Headers.Host = request.Headers["X-Forwarded-Host"].ToString() is { Length: > 0 } forwardedHost ? forwardedHost : request.Host.Value;

        using var response = await apps.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, http.RequestAborted);
        http.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (!name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                http.Response.Headers[name] = values.ToArray();
            }
        }
        await response.Content.CopyToAsync(http.Response.Body);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

public sealed record ReceivedRequest(string AppId, string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers, long BodyBytes);

/// <summary>Starts gateway apps (in a test server) with the repository's gateway settings and a test's overrides.</summary>
public static class GatewayApps
{
    public const string DaprApiToken = "gateway-dapr-api-token";

    /// <summary>The address clients use: the documents the apps build must name it, not the sidecar or an app.</summary>
    public static readonly Uri PublicAddress = new("http://gw.example/");

    public static string ProjectDir { get; } = Path.Combine(RepositoryRoot(), "gateway", "Retail.Gateway");

    public static async Task<WebApplication> StartAsync(string sidecarUrl, params string[] settings)
    {
        string[] args =
        [
            "--contentRoot", ProjectDir, "--environment", "Testing",
            "--Gateway:SidecarUrl", sidecarUrl, "--DAPR_API_TOKEN", DaprApiToken, .. settings,
        ];
        var app = GatewayApp.Create(args, builder =>
        {
            builder.WebHost.UseTestServer();
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
        });
        await app.StartAsync();
        return app;
    }

    public static HttpClient Client(this WebApplication gateway)
    {
        var client = gateway.GetTestClient();
        client.BaseAddress = PublicAddress;
        return client;
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Retail.Dapr.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("Retail.Dapr.sln not found above " + AppContext.BaseDirectory);
    }
}
