namespace Retail.Rbs.Subscriptions;

/// <summary>
/// The endpoint URL rule at register and update: https, or plain http to an address allow-listed for local development
/// (<c>Retail:Webhooks:AllowedAddresses</c>). Which addresses may be connected to (SSRF) is the engine's check, at send time.
/// </summary>
public sealed class SubscriptionUrls(IConfiguration configuration)
{
    private readonly HashSet<string> _allowed = (configuration["Retail:Webhooks:AllowedAddresses"] ?? "")
        .Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>Why the URL cannot be an endpoint, or null.</summary>
    public string? Problem(string url) => SubscriptionRules.UrlProblem(url, AllowListed);

    private bool AllowListed(string host)
    {
        var literal = host.Trim('[', ']');
        return _allowed.Contains(literal) || (string.Equals(literal, "localhost", StringComparison.OrdinalIgnoreCase) && _allowed.Contains("127.0.0.1"));
    }
}
