using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Retail.Shared.Webhooks;

namespace Retail.Ucp.Webhooks;

/// <summary>
/// How UCP signs an order webhook delivery, instead of the engine's Standard Webhooks headers:
/// <list type="bullet">
/// <item><c>Webhook-Id</c>, <c>Webhook-Timestamp</c> (the binding's required headers);</item>
/// <item><c>X-UCP-Signature: sha256=&lt;hex&gt;</c>: HMAC-SHA256 of the body under the config's secret (its UTF-8 bytes), the seed's scheme;</item>
/// <item><c>Content-Digest: sha-256=:&lt;base64&gt;:</c> (RFC 9530);</item>
/// <item><c>X-UCP-JWS</c>: a detached ES256 JWS over the body (RFC 7515 appendix F, <c>&lt;header&gt;..&lt;signature&gt;</c>, header
/// <c>{"alg":"ES256","kid":…}</c>) with the org's key, whose public JWK the profile publishes in <c>signing_keys</c>;</item>
/// <item><c>Signature-Input</c>/<c>Signature</c> (RFC 9421, label <c>sig1</c>): the same key over content-digest, webhook-id and webhook-timestamp.</item>
/// </list>
/// </summary>
public sealed class UcpDeliverySigner(UcpSigningKey key) : IWebhookPayloadSigner
{
    public const string HmacHeader = "X-UCP-Signature";
    public const string JwsHeader = "X-UCP-JWS";
    public const string DigestHeader = "Content-Digest";
    public const string IdHeader = "Webhook-Id";
    public const string TimestampHeader = "Webhook-Timestamp";

    public IReadOnlyDictionary<string, string> Headers(WebhookDelivery delivery)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var timestamp = delivery.Timestamp.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var digest = ContentDigest(delivery.Payload);
        var signatureParams = $"(\"content-digest\" \"webhook-id\" \"webhook-timestamp\");created={timestamp};keyid=\"{key.Kid}\";alg=\"ecdsa-p256-sha256\"";
        var signatureBase = $"\"content-digest\": {digest}\n\"webhook-id\": {delivery.MessageId}\n\"webhook-timestamp\": {timestamp}\n\"@signature-params\": {signatureParams}";
        var httpSignature = key.Key.SignData(Encoding.ASCII.GetBytes(signatureBase), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return new Dictionary<string, string>
        {
            [IdHeader] = delivery.MessageId,
            [TimestampHeader] = timestamp,
            [HmacHeader] = Hmac(delivery.Secret, delivery.Payload),
            [DigestHeader] = digest,
            [JwsHeader] = DetachedJws(key, delivery.Payload),
            ["Signature-Input"] = "sig1=" + signatureParams,
            ["Signature"] = $"sig1=:{Convert.ToBase64String(httpSignature)}:",
        };
    }

    public static string Hmac(string secret, byte[] body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    public static string ContentDigest(byte[] body) => $"sha-256=:{Convert.ToBase64String(SHA256.HashData(body))}:";

    /// <summary>RFC 7515 appendix F: the compact JWS of the body with its payload part left out.</summary>
    public static string DetachedJws(UcpSigningKey key, byte[] body)
    {
        var header = PlatformSecrets.Base64Url(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["alg"] = "ES256", ["kid"] = key.Kid }));
        var signingInput = Encoding.ASCII.GetBytes(header + "." + PlatformSecrets.Base64Url(body));
        var signature = key.Key.SignData(signingInput, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return header + ".." + PlatformSecrets.Base64Url(signature);
    }
}
