using System.Globalization;
using System.Text;
using StandardWebhooks;

namespace Retail.Shared.Webhooks;

/// <summary>The Standard Webhooks headers (webhook-id, webhook-timestamp, webhook-signature) for one delivery.</summary>
public static class WebhookSigner
{
    public const string IdHeader = "webhook-id";
    public const string TimestampHeader = "webhook-timestamp";
    public const string SignatureHeader = "webhook-signature";

    public static IReadOnlyDictionary<string, string> Headers(WebhookDelivery delivery)
    {
        var payload = Encoding.UTF8.GetString(delivery.Payload);
        var signature = new StandardWebhook(delivery.Secret).Sign(delivery.MessageId, delivery.Timestamp, payload);
        return new Dictionary<string, string>
        {
            [IdHeader] = delivery.MessageId,
            [TimestampHeader] = delivery.Timestamp.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            [SignatureHeader] = signature,
        };
    }
}
