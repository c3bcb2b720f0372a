using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Retail.Shared.Contract.Identity;

/// <summary>
/// The shapes of USM's secrets. A session secret is <c>rs_</c> + 256 random bits; an API key is <c>rk_</c> + a
/// 12-character public id (its visible prefix) + <c>_</c> + 256 random bits. Only their SHA-256 is ever stored:
/// the secrets are random enough that a fast hash is safe, and the hash doubles as the public handle.
/// </summary>
public static class CredentialFormats
{
    public const string SessionPrefix = "rs_";
    public const string ApiKeyPrefix = "rk_";
    public const int PublicIdLength = 12;
    private const int SecretBytes = 32;
    private static readonly int SecretChars = Base64Url.GetEncodedLength(SecretBytes);
    private const string PublicIdAlphabet = "abcdefghijkmnpqrstuvwxyz23456789";

    public static int SessionLength => SessionPrefix.Length + SecretChars;

    public static int ApiKeyLength => ApiKeyPrefix.Length + PublicIdLength + 1 + SecretChars;

    public static string NewSessionSecret() => SessionPrefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(SecretBytes));

    /// <summary>A new key and its visible prefix (<c>rk_</c> + public id), which identifies it in lists.</summary>
    public static (string Key, string Prefix) NewApiKey()
    {
        var prefix = ApiKeyPrefix + RandomNumberGenerator.GetString(PublicIdAlphabet, PublicIdLength);
        return (prefix + "_" + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(SecretBytes)), prefix);
    }

    public static bool LooksLikeSession(string? value) =>
        value is not null && value.Length == SessionLength && value.StartsWith(SessionPrefix, StringComparison.Ordinal)
        && IsBase64Url(value.AsSpan(SessionPrefix.Length));

    public static bool LooksLikeApiKey(string? value) =>
        value is not null && value.Length == ApiKeyLength && value.StartsWith(ApiKeyPrefix, StringComparison.Ordinal)
        && value[ApiKeyPrefix.Length + PublicIdLength] == '_'
        && value.AsSpan(ApiKeyPrefix.Length, PublicIdLength).IndexOfAnyExcept(PublicIdAlphabet) < 0
        && IsBase64Url(value.AsSpan(ApiKeyPrefix.Length + PublicIdLength + 1));

    /// <summary>The lowercase hex SHA-256 of a secret: what is stored, and what caches and logs may name.</summary>
    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static bool IsBase64Url(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                return false;
            }
        }
        return true;
    }
}
