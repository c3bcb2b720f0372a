namespace Retail.Shared.Webhooks;

/// <summary>Outbound webhooks: one signed HTTP delivery (Standard Webhooks headers), with retries by the adapter.</summary>
public interface IWebhookSender
{
    Task<WebhookResult> SendAsync(WebhookDelivery delivery, CancellationToken cancellationToken = default);
}

/// <param name="Secret">The endpoint's signing secret ("whsec_…" base64); never logged.</param>
public sealed record WebhookDelivery(Uri Url, string MessageId, string EventType, byte[] Payload, string Secret, DateTimeOffset Timestamp);

/// <param name="ResponseExcerpt">The first characters of the response body, when the sender read it.</param>
public sealed record WebhookResult(bool Delivered, int? StatusCode, string? Error, int Attempts, string? ResponseExcerpt = null);
