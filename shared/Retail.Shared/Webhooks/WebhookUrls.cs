using Microsoft.AspNetCore.Http.HttpResults;
using Retail.Shared.Problems;

namespace Retail.Shared.Webhooks;

/// <summary>
/// The create-time check of a webhook URL, shared by every surface that registers one (IPM webhooks, RBS subscriptions,
/// UCP order webhooks) so that each answers the same 422 codes. The address itself is checked again at every send.
/// </summary>
public static class WebhookUrls
{
    /// <summary>Not an absolute http(s) URL.</summary>
    public const string Invalid = "webhook_url_invalid";

    /// <summary>Plain http to a host that is not allow-listed.</summary>
    public const string HttpsRequired = "webhook_url_https_required";

    /// <summary>User name or password in the URL (they would be sent to, and logged by, every hop).</summary>
    public const string CredentialsNotAllowed = "webhook_url_credentials";

    /// <summary>An address literal (or <c>localhost</c>) the address policy refuses.</summary>
    public const string AddressRefused = "webhook_url_address_refused";

    public const int MaxLength = 2048;

    /// <summary>Null when <paramref name="url"/> may be registered; otherwise the stable code and why.</summary>
    public static WebhookUrlProblem? Check(string? url, WebhookDeliveryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Check(url, options.AddressPolicy);
    }

    public static WebhookUrlProblem? Check(string? url, WebhookAddressPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (string.IsNullOrWhiteSpace(url) || url.Length > MaxLength || !Uri.TryCreate(url, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp) || string.IsNullOrEmpty(uri.Host))
        {
            return new(Invalid, $"The URL must be an absolute https URL of at most {MaxLength} characters.");
        }
        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            return new(CredentialsNotAllowed, "The URL must not carry a user name or password; authenticate with the signature.");
        }
        if (!string.IsNullOrEmpty(uri.Fragment))
        {
            return new(Invalid, "The URL must not have a fragment.");
        }
        var allowListed = policy.AllowListed(uri.Host);
        if (uri.Scheme != Uri.UriSchemeHttps && !allowListed)
        {
            return new(HttpsRequired, "The URL must use https.");
        }
        if (!allowListed && (uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6
                ? !policy.Allows(System.Net.IPAddress.Parse(uri.Host.Trim('[', ']')))
                : string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase) || uri.Host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)))
        {
            return new(AddressRefused, "The URL's host is a loopback, private, link-local or metadata address.");
        }
        return null;
    }
}

/// <summary>Why a webhook URL was refused: a stable code and a sentence.</summary>
public sealed record WebhookUrlProblem(string Code, string Detail)
{
    /// <summary>The 422 answer, naming the field the URL came in.</summary>
    public ProblemHttpResult ToProblem(string field = "url") =>
        ApiProblem.Business(Code, "The webhook URL is not allowed.", Detail, [new("field", field)]);
}
