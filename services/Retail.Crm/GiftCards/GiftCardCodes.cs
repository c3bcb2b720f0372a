using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Retail.Crm.GiftCards;

/// <summary>
/// Gift-card codes: 16 characters from a 32-letter alphabet without look-alikes (no 0/O, 1/I), 80 random bits from the
/// cryptographic RNG, shown in groups of four (<c>K7QM-3XHD-9PZA-W4NE</c>). Clients may send them in any case, with or
/// without the dashes and spaces.
/// </summary>
public static class GiftCardCodes
{
    public const string Alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    public const int Length = 16;

    public static string New() => new(RandomNumberGenerator.GetItems<char>(Alphabet, Length));

    /// <summary>The code as hashed: upper-case, without separators; null when it cannot be a code.</summary>
    public static string? Normalize(string? presented)
    {
        if (presented is null || presented.Length > 64)
        {
            return null;
        }
        var code = new string(presented.Where(c => c is not ('-' or ' ')).Select(char.ToUpperInvariant).ToArray());
        return code.Length == Length && code.All(c => Alphabet.Contains(c, StringComparison.Ordinal)) ? code : null;
    }

    public static string Grouped(string code) => string.Join('-', code.Chunk(4).Select(g => new string(g)));

    public static string Last4(string code) => code[^4..];
}

/// <summary>Configuration section <c>Crm:GiftCards</c>.</summary>
public sealed class GiftCardOptions
{
    public const string Section = "Crm:GiftCards";

    /// <summary>
    /// The HMAC key of card codes. Set it (from the secret store) in production and never change it: a new key makes every
    /// issued card unfindable. When unset it is derived from the operator key, which every instance shares.
    /// </summary>
    public string? CodeKey { get; set; }

    /// <summary>Unknown codes one caller may present in an org within <see cref="UnknownCodeWindow"/> before lookups answer 429.</summary>
    public int MaxUnknownCodesPerCaller { get; set; } = 10;

    /// <summary>Unknown codes all callers of one org together may present within the window (guessing spread over many keys).</summary>
    public int MaxUnknownCodesPerOrg { get; set; } = 200;

    public TimeSpan UnknownCodeWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Tries of one ledger change that lost its ETag check to a concurrent change before it answers 409.</summary>
    public int LedgerAttempts { get; set; } = 12;
}

/// <summary>
/// The code's lookup value: HMAC-SHA256 over the org and the normalised code, with a key from configuration (or derived
/// from the operator key). Without the key a stored hash cannot be tested against guesses, and the same code in two orgs
/// hashes differently.
/// </summary>
public sealed class GiftCardCodeHasher(IOptions<GiftCardOptions> options, IOperatorKeyProvider operatorKey)
{
    private static readonly byte[] Info = "retail/crm/giftcard-code/v1"u8.ToArray();
    private readonly SemaphoreSlim _gate = new(1, 1);
    private byte[]? _key;

    public async ValueTask<string> HashAsync(string orgcode, string normalizedCode, CancellationToken ct)
    {
        var key = await KeyAsync(ct);
        return Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{orgcode}\n{normalizedCode}")));
    }

    private async ValueTask<byte[]> KeyAsync(CancellationToken ct)
    {
        if (_key is { } known)
        {
            return known;
        }
        await _gate.WaitAsync(ct);
        try
        {
            if (_key is null)
            {
                var secret = options.Value.CodeKey is { Length: > 0 } configured ? configured : await operatorKey.GetOperatorKeyAsync(ct)
                    ?? throw new InvalidOperationException($"No gift-card code key: set {GiftCardOptions.Section}:CodeKey or the operator key.");
                _key = HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret), 32, salt: [], info: Info);
            }
            return _key;
        }
        finally
        {
            _gate.Release();
        }
    }
}
