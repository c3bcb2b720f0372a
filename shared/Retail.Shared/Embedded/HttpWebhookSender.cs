using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Logging;
using Polly.Timeout;
using Retail.Shared.Webhooks;

namespace Retail.Shared.Embedded;

/// <summary>
/// One signed webhook POST over the webhook client, whose connections go only to addresses the
/// <see cref="WebhookAddressPolicy"/> allows (a refusal is the error <c>address_refused</c>). One attempt: the delivery
/// engine schedules retries. The secret is never logged.
/// </summary>
public sealed class HttpWebhookSender(IHttpClientFactory clients, ILogger<HttpWebhookSender> logger) : IWebhookSender
{
    /// <summary>How much of a response body is read for the attempt log.</summary>
    public const int ExcerptLength = 1024;

    public async Task<WebhookResult> SendAsync(WebhookDelivery delivery, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        using var request = new HttpRequestMessage(HttpMethod.Post, delivery.Url);
        request.Content = new ByteArrayContent(delivery.Payload);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        foreach (var (name, value) in delivery.SignatureHeaders())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        try
        {
            using var response = await clients.CreateClient(EmbeddedTransportRegistration.WebhookClient)
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var status = (int)response.StatusCode;
            var delivered = response.IsSuccessStatusCode;
            var excerpt = await ExcerptAsync(response, cancellationToken);
            if (!delivered)
            {
                logger.LogWarning("Webhook {MessageId} to {Host} answered {Status}", delivery.MessageId, delivery.Url.Host, status);
            }
            return new WebhookResult(delivered, status, delivered ? null : $"HTTP {status}", 1, excerpt);
        }
        catch (Exception ex) when (WebhookAddressPolicy.IsRefusal(ex))
        {
            logger.LogWarning("Webhook {MessageId}: every address of {Host} is refused", delivery.MessageId, delivery.Url.Host);
            return new WebhookResult(false, null, WebhookAddressPolicy.RefusedError, 1);
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutRejectedException
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            logger.LogWarning("Webhook {MessageId} to {Host} failed: {Error}", delivery.MessageId, delivery.Url.Host, ex.GetType().Name);
            var error = ex is HttpRequestException { HttpRequestError: var kind } && kind != HttpRequestError.Unknown ? kind.ToString() : ex.GetType().Name;
            return new WebhookResult(false, null, error, 1);
        }
    }

    // At most the first bytes of the body: an endpoint answering a large page must not fill the attempt log.
    private static async Task<string?> ExcerptAsync(HttpResponseMessage response, CancellationToken ct)
    {
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        var buffer = new byte[ExcerptLength * 4];
        var read = 0;
        int n;
        while (read < buffer.Length && (n = await body.ReadAsync(buffer.AsMemory(read), ct)) > 0)
        {
            read += n;
        }
        if (read == 0)
        {
            return null;
        }
        var text = Encoding.UTF8.GetString(buffer, 0, read);
        return text.Length > ExcerptLength ? text[..ExcerptLength] : text;
    }
}
