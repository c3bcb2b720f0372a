using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Retail.Shared.Embedded;

namespace Retail.Shared.Tests.Embedded;

/// <summary>The single-process host's server: Kestrel for clients, the same application in memory for its calls to itself.</summary>
public sealed class InProcessServerTests
{
    [Fact]
    public async Task A_call_through_the_in_memory_handler_runs_the_same_application_as_a_network_request_without_a_connection()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        InProcessServer.Wrap(builder.Services);
        await using var app = builder.Build();
        var seen = new List<string>();
        app.Use(async (context, next) =>
        {
            lock (seen)
            {
                seen.Add($"{context.Request.Path}|{context.Connection.RemoteIpAddress}");
            }
            context.Response.OnStarting(() =>
            {
                context.Response.Headers["x-started"] = "yes";
                return Task.CompletedTask;
            });
            await next(context);
        });
        app.MapPost("/echo", async (HttpRequest request) => Results.Text("echo:" + await new StreamReader(request.Body).ReadToEndAsync()));

        var server = Assert.IsType<InProcessServer>(app.Services.GetRequiredService<IServer>());
        using var early = new HttpClient(server.CreateHandler());
        await Assert.ThrowsAsync<HttpRequestException>(() => early.PostAsync("http://localhost/echo", new StringContent("x")));

        await app.StartAsync(TestContext.Current.CancellationToken);
        try
        {
            var address = server.Features.Get<IServerAddressesFeature>()!.Addresses.Single();
            using var network = new HttpClient { BaseAddress = new Uri(address) };
            using var memory = new HttpClient(server.CreateHandler()) { BaseAddress = new Uri(address) };

            using var overNetwork = await network.PostAsync("/echo", new StringContent("a"), TestContext.Current.CancellationToken);
            using var inMemory = await memory.PostAsync("/echo", new StringContent("b"), TestContext.Current.CancellationToken);

            Assert.Equal((HttpStatusCode.OK, "echo:a", "yes"),
                (overNetwork.StatusCode, await overNetwork.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), overNetwork.Headers.GetValues("x-started").Single()));
            Assert.Equal((HttpStatusCode.OK, "echo:b", "yes"),
                (inMemory.StatusCode, await inMemory.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), inMemory.Headers.GetValues("x-started").Single()));
            // The network request came over a connection (a remote address); the in-memory one had none.
            Assert.Equal(2, seen.Count);
            Assert.EndsWith("|127.0.0.1", seen[0], StringComparison.Ordinal);
            Assert.DoesNotContain("127.0.0.1", seen[1], StringComparison.Ordinal);
        }
        finally
        {
            await app.StopAsync(TestContext.Current.CancellationToken);
        }
    }
}
