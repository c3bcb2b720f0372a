using System.Net.Sockets;
using System.Text;

namespace Retail.Dapr.Tests;

/// <summary>Whether a Docker engine answers here, and if not, why: Testcontainers tests skip with that reason.</summary>
public sealed record DockerEngine(bool Available, string Reason)
{
    private const string DefaultSocket = "/var/run/docker.sock";

    private static readonly Lazy<Task<DockerEngine>> Probed = new(ProbeAsync);

    public static Task<DockerEngine> DetectAsync() => Probed.Value;

    private static async Task<DockerEngine> ProbeAsync()
    {
        var host = Environment.GetEnvironmentVariable("DOCKER_HOST");
        if (string.IsNullOrEmpty(host))
        {
            if (!File.Exists(DefaultSocket))
            {
                return new DockerEngine(false, $"DOCKER_HOST is not set and {DefaultSocket} does not exist");
            }
            host = "unix://" + DefaultSocket;
        }
        // A cheap ping bounds the wait; the probe's timeout decides availability, it asserts nothing.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        try
        {
            var uri = new Uri(host);
            var answer = uri.Scheme == "unix"
                ? await PingUnixSocketAsync(uri.AbsolutePath, timeout.Token)
                : await PingTcpAsync(uri, timeout.Token);
            return answer.Contains(" 200 ", StringComparison.Ordinal) || answer.EndsWith("OK", StringComparison.Ordinal)
                ? new DockerEngine(true, $"{host} answered the ping")
                : new DockerEngine(false, $"{host} did not answer the ping with OK");
        }
        catch (Exception ex) when (ex is SocketException or IOException or HttpRequestException or OperationCanceledException or UriFormatException)
        {
            return new DockerEngine(false, $"{host} is not reachable ({ex.GetType().Name}: {ex.Message})");
        }
    }

    private static async Task<string> PingUnixSocketAsync(string path, CancellationToken cancellationToken)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken);
        await socket.SendAsync("GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n"u8.ToArray(), SocketFlags.None, cancellationToken);
        var buffer = new byte[1024];
        var read = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
        return Encoding.ASCII.GetString(buffer, 0, read);
    }

    private static async Task<string> PingTcpAsync(Uri host, CancellationToken cancellationToken)
    {
        var scheme = host.Scheme == "tcp" ? "http" : host.Scheme;
        using var client = new HttpClient();
        using var response = await client.GetAsync(new Uri($"{scheme}://{host.Authority}/_ping"), cancellationToken);
        return $"HTTP/1.1 {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}";
    }
}
