using System.Security.Cryptography;
using System.Text;

namespace Retail.Ucp.Identity;

/// <summary>
/// Identity linking's opaque credentials: <c>{kind}_{orgcode}.{random}</c> (256 random bits, base64url), so a token names
/// its org without a lookup outside it, as a platform's client id does. Kept only as SHA-256 hashes.
/// </summary>
public static class IdentityTokens
{
    public const string AccessPrefix = "ucpat";
    public const string RefreshPrefix = "ucprt";
    public const string CodePrefix = "ucpac";

    public static string New(string prefix, string orgcode) => $"{prefix}_{orgcode}.{PlatformSecrets.Base64Url(RandomNumberGenerator.GetBytes(32))}";

    /// <summary>The org a token of <paramref name="prefix"/> names, or null when it is not one.</summary>
    public static string? OrgOf(string? token, string prefix)
    {
        if (token is null || token.Length > 512 || !token.StartsWith(prefix + "_", StringComparison.Ordinal))
        {
            return null;
        }
        var rest = token[(prefix.Length + 1)..];
        var dot = rest.IndexOf('.');
        return dot <= 0 || dot == rest.Length - 1 ? null : Codes.IsValid(rest[..dot]) ? rest[..dot] : null;
    }

    public static string Hash(string token) => PlatformSecrets.Hash(token);

    /// <summary>RFC 7636 §4.1: 43–128 characters of ALPHA / DIGIT / "-" / "." / "_" / "~".</summary>
    public static bool IsVerifier(string? verifier) =>
        verifier is { Length: >= 43 and <= 128 } && verifier.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~');

    /// <summary>RFC 7636 §4.2 S256: BASE64URL(SHA256(ASCII(code_verifier))).</summary>
    public static string S256(string verifier) => PlatformSecrets.Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));

    /// <summary>Whether the verifier matches the challenge, in constant time.</summary>
    public static bool Verifies(string verifier, string challenge) =>
        IsVerifier(verifier) && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(S256(verifier)), Encoding.ASCII.GetBytes(challenge));
}
