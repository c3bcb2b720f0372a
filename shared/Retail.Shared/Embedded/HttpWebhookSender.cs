using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Polly.Timeout;
using Retail.Shared.Webhooks;

namespace Retail.Shared.Embedded;

/// <summary>Signed webhook deliveries over HttpClient with retries and a timeout; the secret is never logged.</summary>
public sealed class HttpWebhookSender(IHttpClientFactory clients, ILogger<HttpWebhookSender> logger) : IWebhookSender
{
    public async Task<WebhookResult> SendAsync(WebhookDelivery delivery, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, delivery.Url);
        request.Content = new ByteArrayContent(delivery.Payload);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        foreach (var (name, value) in WebhookSigner.Headers(delivery))
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        try
        {
            using var response = await clients.CreateClient(EmbeddedTransportRegistration.WebhookClient).SendAsync(request, cancellationToken);
            var delivered = response.IsSuccessStatusCode;
            if (!delivered)
            {
                logger.LogWarning("Webhook {MessageId} to {Host} answered {Status}", delivery.MessageId, delivery.Url.Host, (int)response.StatusCode);
            }
            return new WebhookResult(delivered, (int)response.StatusCode, delivered ? null : $"HTTP {(int)response.StatusCode}", 1);
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutRejectedException
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            logger.LogWarning("Webhook {MessageId} to {Host} failed: {Error}", delivery.MessageId, delivery.Url.Host, ex.GetType().Name);
            return new WebhookResult(false, null, ex.GetType().Name, 1);
        }
    }
}
