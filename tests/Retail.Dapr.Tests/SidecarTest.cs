using System.Net;
using System.Net.Sockets;
using Dapr.Client;
using Microsoft.Extensions.Logging.Abstractions;
using Retail.Dapr.Tests.Fakes;
using Retail.Shared.Dapr;
using Retail.Shared.Hosting;

namespace Retail.Dapr.Tests;

/// <summary>Each test gets its own fake sidecar and a real DaprClient pointed at it.</summary>
public abstract class SidecarTest : IAsyncLifetime
{
    protected FakeSidecarHost Host { get; private set; } = null!;

    protected DaprClient Dapr { get; private set; } = null!;

    protected FakeDaprSidecar Sidecar => Host.Sidecar;

    protected static RetailOptions Options { get; } = new() { Mode = RuntimeMode.Dapr };

    protected static DaprAdapterOptions NoDelays { get; } = new()
    {
        InvocationRetryDelay = TimeSpan.Zero,
        WebhookRetryDelay = TimeSpan.Zero,
        PublishRetryDelay = TimeSpan.Zero,
    };

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected HttpClient SidecarHttp { get; private set; } = null!;

    /// <summary>The store without outbox that every app uses (<c>statestore</c>).</summary>
    protected DaprStateStore StateStore(string appId = "scm") =>
        new(Dapr, SidecarHttp, appId, Options.StateStoreName, hasOutbox: false, Options, NoDelays, NullLogger<DaprStateStore>.Instance);

    /// <summary>The record store's component, with the outbox to <c>cdc</c> (<c>recordstore</c>).</summary>
    protected DaprStateStore RecordStateStore(string appId = "scm") =>
        new(Dapr, SidecarHttp, appId, NoDelays.RecordStateStoreName, hasOutbox: true, Options, NoDelays, NullLogger<DaprStateStore>.Instance);

    /// <summary>A client whose sidecar address refuses connections: a port that was free a moment ago.</summary>
    protected static DaprClient ClientOfMissingSidecar()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var closed = $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";
        listener.Stop();
        return new DaprClientBuilder().UseGrpcEndpoint(closed).UseHttpEndpoint(closed).Build();
    }

    public async ValueTask InitializeAsync()
    {
        Host = await FakeSidecarHost.StartAsync();
        Dapr = Host.CreateClient();
        SidecarHttp = Host.CreateHttpClient();
    }

    public async ValueTask DisposeAsync()
    {
        Dapr.Dispose();
        SidecarHttp.Dispose();
        await Host.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
