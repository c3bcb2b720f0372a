using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Retail.Shared.Hosting;
using Retail.Shared.Problems;

namespace Retail.Shared.Contract;

/// <summary>
/// Dapr mode: requests the gateway relays. Its sidecar presents this app's API token with <c>dapr-caller-app-id:
/// gateway</c>, which proves the hop, not the caller: the token and caller headers are taken off, so the contract
/// pipeline sees only the client's own credentials (a relayed call never becomes an internal one). Only such a
/// request keeps the gateway's <c>X-Forwarded-*</c> headers, applied next, so the app builds the URLs the client used
/// (<c>X-Forwarded-Prefix</c> is the <c>/{app-id}</c> the gateway removed); from anyone else they are dropped.
/// </summary>
public sealed class GatewayRelayMiddleware(RequestDelegate next, IOptions<RetailOptions> options, IConfiguration configuration)
{
    private static readonly string[] ForwardedHeaderNames =
        [ForwardedHeadersDefaults.XForwardedForHeaderName, ForwardedHeadersDefaults.XForwardedHostHeaderName,
         ForwardedHeadersDefaults.XForwardedProtoHeaderName, ForwardedHeadersDefaults.XForwardedPrefixHeaderName, "Forwarded"];

    private readonly string? _appApiToken = configuration["APP_API_TOKEN"];

    public async Task InvokeAsync(HttpContext http)
    {
        var headers = http.Request.Headers;
        var relayed = string.Equals(headers[DaprAppTokenResolver.CallerHeader].ToString(), options.Value.GatewayAppId, StringComparison.Ordinal);
        if (!relayed)
        {
            foreach (var name in ForwardedHeaderNames)
            {
                headers.Remove(name);
            }
            await next(http);
            return;
        }
        if (!string.IsNullOrEmpty(_appApiToken)
            && (!headers.TryGetValue(DaprAppTokenResolver.TokenHeader, out var token) || !SecretComparer.Matches(token.ToString(), _appApiToken)))
        {
            await ApiProblem.Unauthenticated("The relay did not present this app's API token.").ExecuteAsync(http);
            return;
        }
        headers.Remove(DaprAppTokenResolver.TokenHeader);
        headers.Remove(DaprAppTokenResolver.CallerHeader);
        await next(http);
    }

    /// <summary>The forwarded headers that survive <see cref="GatewayRelayMiddleware"/> come from the gateway, whatever the peer's address.</summary>
    public static ForwardedHeadersOptions ForwardedOptions()
    {
        var forwarded = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.All, ForwardLimit = 1 };
        forwarded.KnownProxies.Clear();
        forwarded.KnownIPNetworks.Clear();
        return forwarded;
    }
}
