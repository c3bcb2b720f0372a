namespace Retail.Gateway;

/// <summary>Configuration section <c>Gateway</c>; the defaults the stack needs are in appsettings.json.</summary>
public sealed class GatewayOptions
{
    public const string Section = "Gateway";

    /// <summary>
    /// The Dapr HTTP endpoint requests are invoked through; unset: <c>DAPR_HTTP_ENDPOINT</c>, else
    /// <c>http://127.0.0.1:{DAPR_HTTP_PORT or 3500}</c>, the sidecar beside the gateway.
    /// </summary>
    public string? SidecarUrl { get; set; }

    /// <summary>The app ids served under <c>/{app-id}/…</c>: the host's module list (a test keeps them equal).</summary>
    public List<string> Apps { get; set; } = [];

    /// <summary>Paths a specification puts at the root (<c>/.well-known/ucp</c>), each served by one app.</summary>
    public List<RootRoute> RootRoutes { get; set; } = [];

    /// <summary>The body limit of every operation without one of its own, as the apps' <c>Retail:MaxRequestBodyBytes</c>.</summary>
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Larger limits by path prefix (<c>/mrs/blob/</c>: uploads), the longest matching prefix wins.</summary>
    public Dictionary<string, long> BodyLimits { get; set; } = [];

    /// <summary>Per caller: an API key, else a session, else the client address.</summary>
    public WindowLimit PerCaller { get; set; } = new() { PermitLimit = 1200, WindowSeconds = 60 };

    /// <summary>Per org (<c>x-orgcode</c>), over all of its callers.</summary>
    public WindowLimit PerOrg { get; set; } = new() { PermitLimit = 6000, WindowSeconds = 60 };

    /// <summary>How long a forwarded request may wait for its first response bytes.</summary>
    public int ForwardTimeoutSeconds { get; set; } = 100;
}

public sealed class RootRoute
{
    public string Path { get; set; } = "";

    public string App { get; set; } = "";
}

/// <summary>A sliding window: <see cref="PermitLimit"/> requests per <see cref="WindowSeconds"/>; 0 turns it off.</summary>
public sealed class WindowLimit
{
    public int PermitLimit { get; set; }

    public int WindowSeconds { get; set; } = 60;
}
