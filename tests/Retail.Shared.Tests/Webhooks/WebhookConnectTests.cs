using System.Net;
using System.Net.Sockets;
using Retail.Shared.Webhooks;

namespace Retail.Shared.Tests.Webhooks;

/// <summary>The webhook client's connect step: it checks the resolved address and connects only to an allowed one.</summary>
public sealed class WebhookConnectTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task a_name_resolving_to_loopback_is_refused_before_any_connection()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var client = new HttpClient(WebhookAddressPolicy.Strict.CreateHandler());

        var failure = await Assert.ThrowsAsync<HttpRequestException>(() => client.PostAsync(new Uri($"http://localhost:{port}/in"), new StringContent("{}"), Ct));

        Assert.True(WebhookAddressPolicy.IsRefusal(failure));
        Assert.False(listener.Pending());
    }

    [Fact]
    public async Task an_allow_listed_loopback_address_is_connected_to()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var accepted = listener.AcceptTcpClientAsync(Ct).AsTask();
        using var client = new HttpClient(WebhookAddressPolicy.Parse("127.0.0.1").CreateHandler()) { Timeout = TimeSpan.FromSeconds(30) };

        var send = client.PostAsync(new Uri($"http://127.0.0.1:{port}/in"), new StringContent("{}"), Ct);
        using var connection = await accepted;

        Assert.Equal(IPAddress.Loopback, ((IPEndPoint)connection.Client.LocalEndPoint!).Address);
        connection.Close();
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => send);
    }
}
