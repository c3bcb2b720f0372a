namespace Retail.Shared.Webhooks;

/// <summary>Outbound webhooks: one signed HTTP delivery (Standard Webhooks headers), with retries by the adapter.</summary>
public interface IWebhookSender
{
    Task<WebhookResult> SendAsync(WebhookDelivery delivery, CancellationToken cancellationToken = default);
}

/// <param name="Secret">The endpoint's signing secret ("whsec_…" base64); never logged.</param>
/// <param name="Signer">Signs this delivery instead of the Standard Webhooks headers, when its destination has its own scheme.</param>
public sealed record WebhookDelivery(Uri Url, string MessageId, string EventType, byte[] Payload, string Secret, DateTimeOffset Timestamp,
    IWebhookPayloadSigner? Signer = null)
{
    /// <summary>The signature headers to send: the destination's own signer's, else the Standard Webhooks headers.</summary>
    public IReadOnlyDictionary<string, string> SignatureHeaders() => Signer?.Headers(this) ?? WebhookSigner.Headers(this);
}

/// <summary>
/// A destination's own signature scheme (UCP: an HMAC header, a detached JWS and a Content-Digest): the headers for one
/// delivery, computed from its payload at send time. Without one, deliveries carry the Standard Webhooks headers.
/// </summary>
public interface IWebhookPayloadSigner
{
    IReadOnlyDictionary<string, string> Headers(WebhookDelivery delivery);
}

/// <param name="ResponseExcerpt">The first characters of the response body, when the sender read it.</param>
public sealed record WebhookResult(bool Delivered, int? StatusCode, string? Error, int Attempts, string? ResponseExcerpt = null);
