using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Dapr.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Retail.Shared.Json;

namespace Retail.Dapr.Tests.Fakes;

/// <summary>A service-invocation request as the sidecar's HTTP API received it.</summary>
public sealed record RecordedInvocation(string AppId, string Method, string HttpMethod, IReadOnlyDictionary<string, string> Headers, string Body);

/// <summary>
/// Hosts <see cref="FakeDaprSidecar"/> on Kestrel at 127.0.0.1: one HTTP/2 port for the gRPC API and one HTTP/1.1
/// port for service invocation, each on a free port, and builds a real <see cref="DaprClient"/> pointed at them.
/// </summary>
public sealed class FakeSidecarHost : IAsyncDisposable
{
    private readonly WebApplication app;

    private FakeSidecarHost(WebApplication app, FakeDaprSidecar sidecar, Uri grpcEndpoint, Uri httpEndpoint)
    {
        this.app = app;
        Sidecar = sidecar;
        GrpcEndpoint = grpcEndpoint;
        HttpEndpoint = httpEndpoint;
    }

    public FakeDaprSidecar Sidecar { get; }

    public Uri GrpcEndpoint { get; }

    public Uri HttpEndpoint { get; }

    public ConcurrentQueue<RecordedInvocation> Invocations { get; } = new();

    /// <summary>Answers to service invocations, used in order; when empty, 200 with <c>{"ok":true}</c>.</summary>
    public ConcurrentQueue<(int Status, string Body)> InvocationAnswers { get; } = new();

    public static async Task<FakeSidecarHost> StartAsync()
    {
        var sidecar = new FakeDaprSidecar();
        ListenOptions? grpc = null;
        ListenOptions? http = null;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                grpc = listen;
            });
            kestrel.Listen(IPAddress.Loopback, 0, listen =>
            {
                listen.Protocols = HttpProtocols.Http1;
                http = listen;
            });
        });
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(sidecar);
        var app = builder.Build();
        FakeSidecarHost? host = null;
        app.MapGrpcService<FakeDaprSidecar>();
        app.MapPost("/v1.0/state/{store}/transaction", async (HttpContext context, string store) =>
        {
            var body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            var error = sidecar.TransactOverHttp(store, body!.AsObject());
            if (error is null)
            {
                context.Response.StatusCode = StatusCodes.Status204NoContent;
                return;
            }
            // daprd's answer to a failed transaction: 500 with ERR_STATE_TRANSACTION and the store's message.
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            await context.Response.WriteAsJsonAsync(new JsonObject { ["errorCode"] = "ERR_STATE_TRANSACTION", ["message"] = error },
                context.RequestAborted);
        });
        app.MapMethods("/v1.0/invoke/{appId}/method/{**method}", ["GET", "POST", "PUT", "DELETE"],
            async (HttpContext context, string appId, string method) =>
            {
                using var reader = new StreamReader(context.Request.Body);
                var body = await reader.ReadToEndAsync(context.RequestAborted);
                var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
                host!.Invocations.Enqueue(new RecordedInvocation(appId, method, context.Request.Method, headers, body));
                var (status, answer) = host.InvocationAnswers.TryDequeue(out var next) ? next : (200, """{"ok":true}""");
                context.Response.StatusCode = status;
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(answer, context.RequestAborted);
            });
        await app.StartAsync();
        host = new FakeSidecarHost(app, sidecar,
            new Uri($"http://127.0.0.1:{grpc!.IPEndPoint!.Port}"), new Uri($"http://127.0.0.1:{http!.IPEndPoint!.Port}"));
        return host;
    }

    /// <summary>An HTTP client for the sidecar's HTTP API, as <c>DaprRegistration</c> configures one.</summary>
    public HttpClient CreateHttpClient() => new() { BaseAddress = new Uri(HttpEndpoint, "/") };

    public DaprClient CreateClient() => new DaprClientBuilder()
        .UseGrpcEndpoint(GrpcEndpoint.ToString())
        .UseHttpEndpoint(HttpEndpoint.ToString())
        .UseJsonSerializationOptions(RetailJson.Storage)
        .Build();

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
