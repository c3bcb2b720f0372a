using Microsoft.Extensions.Options;
using Retail.Shared.Webhooks;

namespace Retail.Rbs.Subscriptions;

/// <summary>
/// The endpoint URL rule at register and update, the same as every webhook surface's (<see cref="WebhookUrls"/>): https,
/// plain http only to an address allow-listed for local development (<c>Retail:Webhooks:AllowedAddresses</c>), no
/// credentials, no refused address literal. The engine checks the resolved address again at every send.
/// </summary>
public sealed class SubscriptionUrls(IOptionsMonitor<WebhookDeliveryOptions> options)
{
    /// <summary>Why the URL cannot be an endpoint (a 422 with a <c>webhook_url_*</c> code), or null.</summary>
    public ProblemHttpResult? Problem(string url) => WebhookUrls.Check(url, options.Get(RbsModule.Id))?.ToProblem();
}
