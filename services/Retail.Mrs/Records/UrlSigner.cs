using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Retail.Mrs.Records;

/// <summary>
/// Signs and checks the upload and download URLs MRS serves itself: HMAC-SHA256 over the operation, org, record and
/// expiry, so the URL alone authorises exactly one thing until it expires.
/// </summary>
public sealed class UrlSigner(UrlSigningKey key, TimeProvider clock)
{
    public const string Upload = "put";
    public const string Download = "get";

    public (long Expires, string Signature) Sign(string op, string orgcode, string recordGuid, TimeSpan lifetime)
    {
        var expires = clock.GetUtcNow().Add(lifetime).ToUnixTimeSeconds();
        return (expires, Compute(op, orgcode, recordGuid, expires));
    }

    public bool Verify(string op, string orgcode, string recordGuid, string? expires, string? signature)
    {
        if (!long.TryParse(expires, NumberStyles.None, CultureInfo.InvariantCulture, out var exp) || signature is null or { Length: > 128 })
        {
            return false;
        }
        if (exp <= clock.GetUtcNow().ToUnixTimeSeconds())
        {
            return false;
        }
        var expected = Encoding.ASCII.GetBytes(Compute(op, orgcode, recordGuid, exp));
        var presented = Encoding.ASCII.GetBytes(signature);
        return CryptographicOperations.FixedTimeEquals(expected, presented);
    }

    private string Compute(string op, string orgcode, string recordGuid, long expires)
    {
        var message = Encoding.UTF8.GetBytes($"{op}\n{orgcode}\n{recordGuid}\n{expires.ToString(CultureInfo.InvariantCulture)}");
        return Base64Url(HMACSHA256.HashData(key.Bytes, message));
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
