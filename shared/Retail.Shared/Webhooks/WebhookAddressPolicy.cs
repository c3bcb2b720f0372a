using System.Net;
using System.Net.Sockets;

namespace Retail.Shared.Webhooks;

/// <summary>
/// Which addresses an outbound webhook may connect to: none of loopback, private (RFC 1918, fc00::/7), link-local (with the
/// cloud metadata address), CGNAT, unspecified or multicast, unless the address is allow-listed (<c>Retail:Webhooks:AllowedAddresses</c>,
/// comma-separated IPs or CIDRs, for local development and tests only). Checked on the resolved address, which is the one
/// connected to, so a DNS answer that changes between check and connect (rebinding) cannot slip through.
/// </summary>
public sealed class WebhookAddressPolicy
{
    /// <summary>The error of an attempt whose every resolved address was refused.</summary>
    public const string RefusedError = "address_refused";

    private static readonly IPNetwork[] Refused =
    [
        IPNetwork.Parse("0.0.0.0/8"),
        IPNetwork.Parse("10.0.0.0/8"),
        IPNetwork.Parse("100.64.0.0/10"),
        IPNetwork.Parse("127.0.0.0/8"),
        IPNetwork.Parse("169.254.0.0/16"),
        IPNetwork.Parse("172.16.0.0/12"),
        IPNetwork.Parse("192.168.0.0/16"),
        IPNetwork.Parse("224.0.0.0/4"),
        IPNetwork.Parse("240.0.0.0/4"),
        IPNetwork.Parse("::/128"),
        IPNetwork.Parse("::1/128"),
        IPNetwork.Parse("fc00::/7"),
        IPNetwork.Parse("fe80::/10"),
        IPNetwork.Parse("ff00::/8"),
    ];

    private readonly IReadOnlyList<IPNetwork> _allowed;

    public WebhookAddressPolicy(IReadOnlyList<IPNetwork> allowed) => _allowed = allowed;

    /// <summary>Nothing allow-listed: every non-public address is refused.</summary>
    public static WebhookAddressPolicy Strict { get; } = new([]);

    /// <summary>
    /// The policy of an allow-list setting ("127.0.0.1, 10.1.0.0/16"); a blank one allows nothing extra. An entry that is
    /// neither an address nor a CIDR throws: a typo must not silently open or close the list.
    /// </summary>
    public static WebhookAddressPolicy Parse(string? allowList)
    {
        var allowed = new List<IPNetwork>();
        foreach (var entry in (allowList ?? "").Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (IPNetwork.TryParse(entry, out var network))
            {
                allowed.Add(network);
            }
            else if (IPAddress.TryParse(entry, out var address))
            {
                allowed.Add(new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128));
            }
            else
            {
                throw new FormatException($"Retail:Webhooks:AllowedAddresses: '{entry}' is neither an IP address nor a CIDR");
            }
        }
        return new WebhookAddressPolicy(allowed);
    }

    /// <summary>Whether a connection to <paramref name="address"/> is allowed.</summary>
    public bool Allows(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (_allowed.Any(n => n.Contains(address)))
        {
            return true;
        }
        return !Refused.Any(n => n.Contains(address));
    }

    /// <summary>Whether a host name is an IP literal this policy allows-lists (URLs to it may be plain http).</summary>
    public bool AllowListed(string host)
    {
        var literal = host.Trim('[', ']');
        return IPAddress.TryParse(literal, out var address) && _allowed.Any(n => n.Contains(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address))
            || (string.Equals(literal, "localhost", StringComparison.OrdinalIgnoreCase) && _allowed.Any(n => n.Contains(IPAddress.Loopback)));
    }

    /// <summary>
    /// The addresses of <paramref name="host"/> this policy allows, in resolution order; a literal is not resolved. Empty
    /// when every address is refused (or the host resolves to none).
    /// </summary>
    public async Task<IReadOnlyList<IPAddress>> ResolveAllowedAsync(string host, CancellationToken ct)
    {
        var literal = host.Trim('[', ']');
        var addresses = IPAddress.TryParse(literal, out var address) ? [address] : await Dns.GetHostAddressesAsync(literal, ct);
        return addresses.Where(Allows).ToList();
    }

    /// <summary>
    /// The connect step of the webhook client's <see cref="SocketsHttpHandler"/>: resolves the host once, checks every
    /// address, and connects to an allowed one, so the address checked is the address used.
    /// </summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        var endpoint = context.DnsEndPoint;
        var allowed = await ResolveAllowedAsync(endpoint.Host, ct);
        if (allowed.Count == 0)
        {
            throw new WebhookAddressRefusedException(endpoint.Host);
        }
        Exception? last = null;
        foreach (var address in allowed)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(address, endpoint.Port, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (Exception ex)
            {
                socket.Dispose();
                if (ex is not SocketException)
                {
                    throw;
                }
                last = ex;
            }
        }
        throw last!;
    }

    /// <summary>A handler for webhook clients that connects only to allowed addresses.</summary>
    public SocketsHttpHandler CreateHandler() => new()
    {
        ConnectCallback = ConnectAsync,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        AllowAutoRedirect = false,
        UseProxy = false,
        UseCookies = false,
    };

    /// <summary>Whether a send failed because the policy refused the destination's addresses.</summary>
    public static bool IsRefusal(Exception? ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (e is WebhookAddressRefusedException)
            {
                return true;
            }
        }
        return false;
    }
}

/// <summary>Every address of a webhook's host is one the policy refuses.</summary>
public sealed class WebhookAddressRefusedException(string host) : IOException($"no allowed address for {host}")
{
    public string Host { get; } = host;
}
