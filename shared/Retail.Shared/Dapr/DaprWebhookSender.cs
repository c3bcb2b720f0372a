using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Dapr;
using Dapr.Client;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Retail.Shared.Hosting;
using Retail.Shared.Webhooks;
using StandardWebhooks;

namespace Retail.Shared.Dapr;

/// <summary>
/// Signed webhook deliveries through a Dapr HTTP output binding (<c>bindings.http</c>, operation <c>post</c>).
/// The binding turns only metadata keys that start with a capital letter into request headers, so the Standard
/// Webhooks headers are sent as <c>Webhook-Id</c>, <c>Webhook-Timestamp</c> and <c>Webhook-Signature</c>, and the full
/// destination for the egress relay in front of the binding as <c>Webhook-Destination</c>. It appends <c>path</c> to
/// its configured URL.
/// The secret only signs; it is never logged nor sent.
/// </summary>
public sealed partial class DaprWebhookSender : IWebhookSender
{
    /// <summary>The header that tells the egress relay where to forward the request.</summary>
    public const string DestinationHeader = "Webhook-Destination";

    private readonly DaprClient dapr;
    private readonly string bindingName;
    private readonly ILogger logger;
    private readonly ResiliencePipeline<WebhookResult> retrying;
    private readonly WebhookAddressPolicy? addressPolicy;

    /// <param name="addressPolicy">
    /// Checks the destination's resolved addresses before handing it to the binding. The binding (or its egress relay)
    /// resolves the name again, so this narrows rather than closes the rebinding window; the relay's own egress rules close it.
    /// </param>
    public DaprWebhookSender(DaprClient dapr, RetailOptions options, DaprAdapterOptions adapterOptions, ILogger<DaprWebhookSender> logger,
        WebhookAddressPolicy? addressPolicy = null)
    {
        this.addressPolicy = addressPolicy;
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(adapterOptions);
        this.dapr = dapr;
        this.logger = logger;
        bindingName = options.WebhookBindingName;
        retrying = new ResiliencePipelineBuilder<WebhookResult>()
            .AddRetry(new RetryStrategyOptions<WebhookResult>
            {
                ShouldHandle = new PredicateBuilder<WebhookResult>().HandleResult(IsWorthRetrying),
                MaxRetryAttempts = Math.Max(1, adapterOptions.WebhookMaxAttempts - 1),
                Delay = adapterOptions.WebhookRetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
            })
            .Build();
    }

    public async Task<WebhookResult> SendAsync(WebhookDelivery delivery, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        if (addressPolicy is not null && !await IsAllowedAsync(delivery.Url, cancellationToken))
        {
            logger.LogWarning("Webhook {MessageId}: every address of {Host} is refused", delivery.MessageId, delivery.Url.Host);
            return new WebhookResult(false, null, WebhookAddressPolicy.RefusedError, 0);
        }
        var signature = new StandardWebhook(delivery.Secret)
            .Sign(delivery.MessageId, delivery.Timestamp, Encoding.UTF8.GetString(delivery.Payload));
        var metadata = new Dictionary<string, string>
        {
            ["path"] = delivery.Url.PathAndQuery,
            // A lower-case key such as "url" would stay binding metadata and never reach the relay.
            [DestinationHeader] = delivery.Url.AbsoluteUri,
            // The status is read from the answer's metadata instead of from an error text.
            ["errorIfNot2XX"] = "false",
            ["Content-Type"] = "application/json",
            ["Webhook-Id"] = delivery.MessageId,
            ["Webhook-Timestamp"] = delivery.Timestamp.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            ["Webhook-Signature"] = signature,
        };
        if (delivery.Signer is { } signer)
        {
            // The destination's own scheme replaces the Standard Webhooks signature; header names as the binding needs them.
            metadata.Remove("Webhook-Signature");
            foreach (var (name, value) in signer.Headers(delivery))
            {
                metadata[char.ToUpperInvariant(name[0]) + name[1..]] = value;
            }
        }

        var attempts = 0;
        var result = await retrying.ExecuteAsync(async token =>
        {
            attempts++;
            return await AttemptAsync(delivery, metadata, attempts, token);
        }, cancellationToken);
        if (!result.Delivered)
        {
            logger.LogWarning("Webhook {MessageId} ({EventType}) to {Host} not delivered after {Attempts} attempts: {Error}",
                delivery.MessageId, delivery.EventType, delivery.Url.Host, result.Attempts, result.Error);
        }
        return result;
    }

    private async Task<WebhookResult> AttemptAsync(WebhookDelivery delivery, Dictionary<string, string> metadata, int attempt,
        CancellationToken cancellationToken)
    {
        var request = new BindingRequest(bindingName, "post") { Data = delivery.Payload };
        foreach (var (key, value) in metadata)
        {
            request.Metadata[key] = value;
        }
        try
        {
            var response = await dapr.InvokeBindingAsync(request, cancellationToken);
            var status = response.Metadata.TryGetValue("statusCode", out var text)
                && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var code) ? code : (int?)null;
            // Without a status the binding did not say otherwise than success.
            var delivered = status is null or >= 200 and < 300;
            return new WebhookResult(delivered, status, delivered ? null : $"endpoint answered {status}", attempt);
        }
        catch (DaprException ex)
        {
            // A binding configured to fail on non-2xx says "received status code 503"; anything else is transport.
            var detail = DaprFailures.Rpc(ex)?.Status.Detail ?? ex.Message;
            var match = StatusInError().Match(detail);
            int? status = match.Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : null;
            return new WebhookResult(false, status, status is null ? "delivery failed: " + detail : $"endpoint answered {status}", attempt);
        }
    }

    private async Task<bool> IsAllowedAsync(Uri url, CancellationToken ct)
    {
        try
        {
            return (await addressPolicy!.ResolveAllowedAsync(url.Host, ct)).Count > 0;
        }
        catch (System.Net.Sockets.SocketException)
        {
            // Not resolvable here: the binding's own resolution fails the same way and the attempt is counted as failed.
            return true;
        }
    }

    // A 4xx other than timeout or rate limit will not change on a retry.
    private static bool IsWorthRetrying(WebhookResult result) =>
        !result.Delivered && result.StatusCode is null or 408 or 429 or >= 500;

    [GeneratedRegex(@"received status code (\d{3})")]
    private static partial Regex StatusInError();
}
