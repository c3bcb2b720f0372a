using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Retail.Shared.Embedded;

/// <summary>
/// The single-process host's server: the network server (Kestrel) for clients, and the same application once more in
/// memory (ASP.NET Core's TestHost server, which builds each request's HttpContext without a socket) for the host's
/// calls to itself. A call through <see cref="CreateHandler"/> runs the very endpoint pipeline a network request runs —
/// authentication with the internal credential, org context, roles, idempotency, validation — but skips the loopback
/// connection, HTTP/1.1 framing and Kestrel's parsing on both sides.
/// </summary>
public sealed class InProcessServer(IServer network, IServiceProvider services) : IServer
{
    private readonly TestServer _memory = new(services, new OptionsWrapper<TestServerOptions>(new TestServerOptions()));
    private volatile bool _started;

    public IFeatureCollection Features => network.Features;

    public async Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken) where TContext : notnull
    {
        await ((IServer)_memory).StartAsync(application, cancellationToken);
        _started = true;
        await network.StartAsync(application, cancellationToken);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await network.StopAsync(cancellationToken);
        await ((IServer)_memory).StopAsync(cancellationToken);
    }

    public void Dispose()
    {
        network.Dispose();
        _memory.Dispose();
    }

    /// <summary>A handler that runs requests in memory; before the application has started, a call fails like a refused connection.</summary>
    public HttpMessageHandler CreateHandler() => new StartedOnly(this);

    /// <summary>
    /// Makes <paramref name="services"/>' server an <see cref="InProcessServer"/> around the one registered (Kestrel). Only the
    /// single-process host's entry point calls it; test hosts replace the server with their own.
    /// </summary>
    public static void Wrap(IServiceCollection services)
    {
        var original = services.LastOrDefault(d => d.ServiceType == typeof(IServer));
        if (original is null || original.ImplementationType == typeof(InProcessServer))
        {
            return;
        }
        services.Replace(ServiceDescriptor.Singleton<IServer>(sp => new InProcessServer(Create(sp, original), sp)));
    }

    private static IServer Create(IServiceProvider sp, ServiceDescriptor original) =>
        (IServer)(original.ImplementationInstance ?? original.ImplementationFactory?.Invoke(sp)
            ?? ActivatorUtilities.CreateInstance(sp, original.ImplementationType!));

    /// <summary>Creates the in-memory handler at the first call after the start (a workflow recovering at start-up may call before it).</summary>
    private sealed class StartedOnly(InProcessServer server) : HttpMessageHandler
    {
        private HttpMessageInvoker? _inner;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (_inner is null)
            {
                if (!server._started)
                {
                    throw new HttpRequestException("the host has not started yet");
                }
                _inner = new HttpMessageInvoker(server._memory.CreateHandler());
            }
            return _inner.SendAsync(request, cancellationToken);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner?.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
