using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Retail.Shared.Contract;
using Retail.Shared.Problems;

namespace Retail.Gateway;

/// <summary>
/// ASP.NET Core rate limiting, two sliding windows chained: one per caller (its API key, else its session, else its
/// address) and one per org (<c>x-orgcode</c>), so one busy key cannot starve its org and one org cannot starve the
/// stack. A refusal is the contract's 429 <c>rate_limited</c> with <c>Retry-After</c>.
/// </summary>
public static class GatewayRateLimits
{
    public static IServiceCollection AddGatewayRateLimits(this IServiceCollection services, GatewayOptions options)
    {
        services.AddRateLimiter(limiter =>
        {
            limiter.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(http => Partition(CallerKey(http), options.PerCaller)),
                PartitionedRateLimiter.Create<HttpContext, string>(http => Partition(OrgKey(http), options.PerOrg)));
            limiter.OnRejected = async (context, ct) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) && after > TimeSpan.Zero
                    ? after : TimeSpan.FromSeconds(1);
                context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                await ApiProblem.RateLimited(retryAfter).ExecuteAsync(context.HttpContext);
            };
        });
        return services;
    }

    private static RateLimitPartition<string> Partition(string? key, WindowLimit limit)
    {
        if (key is null || limit.PermitLimit <= 0)
        {
            return RateLimitPartition.GetNoLimiter("");
        }
        var window = TimeSpan.FromSeconds(Math.Max(1, limit.WindowSeconds));
        return RateLimitPartition.GetSlidingWindowLimiter(key, _ => new SlidingWindowRateLimiterOptions
        {
            PermitLimit = limit.PermitLimit,
            Window = window,
            SegmentsPerWindow = Math.Min(6, Math.Max(1, limit.WindowSeconds)),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }

    /// <summary>The caller's partition; a credential by its hash, so the limiter never keeps a secret.</summary>
    internal static string CallerKey(HttpContext http)
    {
        var headers = http.Request.Headers;
        if (headers.TryGetValue(CredentialHeaders.ApiKey, out var key) && key.ToString().Length > 0)
        {
            return "key:" + Hash(key.ToString());
        }
        if (headers.TryGetValue(CredentialHeaders.Session, out var session) && session.ToString().Length > 0)
        {
            return "session:" + Hash(session.ToString());
        }
        return "ip:" + (http.Connection.RemoteIpAddress?.ToString() ?? "unknown");
    }

    internal static string? OrgKey(HttpContext http)
    {
        var org = http.Request.Headers[CredentialHeaders.Orgcode].ToString().Trim();
        return org.Length is > 0 and <= 64 ? "org:" + org.ToLowerInvariant() : null;
    }

    private static string Hash(string secret) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(secret)), 0, 16);
}
