using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Retail.Functional.Tests.Infrastructure;

/// <summary>One request a <see cref="WebhookReceiver"/> received: method, path with query, headers (lower-case names) and body.</summary>
public sealed record ReceivedRequest(string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers, byte[] Body, DateTimeOffset At)
{
    public string Text => System.Text.Encoding.UTF8.GetString(Body);
}

/// <summary>
/// A real HTTP server on the loopback address (Kestrel, a free port) that records every request, for tests of outbound
/// webhooks. It answers 200 unless <see cref="Respond"/> says otherwise (a status, a body, a delay). The services refuse
/// loopback addresses unless the host allows them, so hosts that deliver to it allow-list 127.0.0.1 in their settings.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedRequest> _received = new();
    private volatile Func<ReceivedRequest, (HttpStatusCode Status, string? Body, TimeSpan Delay)> _respond = _ => (HttpStatusCode.OK, null, TimeSpan.Zero);

    private WebhookReceiver(WebApplication app) => _app = app;

    /// <summary>The server's base URL, such as <c>http://127.0.0.1:41234</c> (no trailing slash).</summary>
    public Uri BaseUrl { get; private set; } = null!;

    public IReadOnlyList<ReceivedRequest> Received => [.. _received];

    /// <summary>A URL on this server: <c>Url("/hooks/a")</c>.</summary>
    public Uri Url(string path) => new(BaseUrl, path);

    /// <summary>How to answer from now on, from the request received.</summary>
    public void Respond(Func<ReceivedRequest, (HttpStatusCode Status, string? Body, TimeSpan Delay)> respond) => _respond = respond;

    /// <summary>Answer every request with this status (and body).</summary>
    public void Respond(HttpStatusCode status, string? body = null) => _respond = _ => (status, body, TimeSpan.Zero);

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.Run(receiver.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.BaseUrl = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
        return receiver;
    }

    /// <summary>Waits until <paramref name="count"/> requests matching <paramref name="match"/> arrived (or fails after <paramref name="timeout"/>).</summary>
    public async Task<IReadOnlyList<ReceivedRequest>> WaitForAsync(Func<ReceivedRequest, bool> match, int count = 1, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var found = _received.Where(match).ToList();
            if (found.Count >= count)
            {
                return found;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"expected {count} matching requests, received {found.Count} (of {_received.Count} in all)");
            }
            await Task.Delay(50);
        }
    }

    private async Task HandleAsync(HttpContext http)
    {
        using var body = new MemoryStream();
        await http.Request.Body.CopyToAsync(body);
        var request = new ReceivedRequest(http.Request.Method, http.Request.Path + http.Request.QueryString,
            http.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()), body.ToArray(), DateTimeOffset.UtcNow);
        _received.Enqueue(request);
        var (status, text, delay) = _respond(request);
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay);
        }
        http.Response.StatusCode = (int)status;
        if (text is not null)
        {
            await http.Response.WriteAsync(text);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
