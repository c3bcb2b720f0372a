using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Retail.Uas.Tokens;

/// <summary>
/// One-time tokens for mail links and the first passcode: 256 random bits, url-safe, and kept only as a
/// SHA-256 hash so a leaked store reveals no usable token.
/// </summary>
public static class SecretToken
{
    private const int Bytes = 32;

    public static string Generate() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(Bytes));

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>Compares the presented token's hash with the stored one in constant time.</summary>
    public static bool Matches(string presented, string storedHash)
    {
        var presentedHash = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        byte[] stored;
        try
        {
            stored = Convert.FromHexString(storedHash);
        }
        catch (FormatException)
        {
            return false;
        }
        return CryptographicOperations.FixedTimeEquals(presentedHash, stored);
    }
}
