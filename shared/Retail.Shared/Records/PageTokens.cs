using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using Retail.Shared.Contract;

namespace Retail.Shared.Records;

/// <summary>A <c>next_token</c> that is not one this deployment issued for this very list: 400 <c>invalid_next_token</c>.</summary>
public sealed class InvalidPageTokenException(string message) : Exception(message);

/// <summary>
/// Page tokens are opaque and authenticated: the store's own token (which names internal keys) is encrypted with
/// AES-GCM, and the list it belongs to (app, entity, org, filters, sort) is bound in as associated data, so a token
/// cannot be read, altered, forged, or replayed against another list or org. The key is <c>Retail:PageTokenKey</c>,
/// or derived from the operator key, which every instance of a deployment shares.
/// </summary>
public sealed class PageTokens(IConfiguration configuration, IOperatorKeyProvider operatorKey)
{
    private const int NonceBytes = 12;
    private const int TagBytes = 16;
    private static readonly byte[] Info = "retail/page-token/v1"u8.ToArray();
    private readonly SemaphoreSlim _gate = new(1, 1);
    private byte[]? _key;

    public async ValueTask<string?> SealAsync(string? inner, string list, CancellationToken ct)
    {
        if (inner is null)
        {
            return null;
        }
        var key = await KeyAsync(ct);
        var plain = Encoding.UTF8.GetBytes(inner);
        var sealedBytes = new byte[NonceBytes + plain.Length + TagBytes];
        var nonce = sealedBytes.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagBytes);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(NonceBytes, plain.Length), sealedBytes.AsSpan(NonceBytes + plain.Length), Bound(list));
        return Base64Url.EncodeToString(sealedBytes);
    }

    public async ValueTask<string?> OpenAsync(string? token, string list, CancellationToken ct)
    {
        if (token is null)
        {
            return null;
        }
        byte[] sealedBytes;
        try
        {
            sealedBytes = Base64Url.DecodeFromChars(token);
        }
        catch (FormatException)
        {
            throw new InvalidPageTokenException("next_token is not a token this list issued.");
        }
        if (sealedBytes.Length < NonceBytes + TagBytes)
        {
            throw new InvalidPageTokenException("next_token is not a token this list issued.");
        }
        var key = await KeyAsync(ct);
        var length = sealedBytes.Length - NonceBytes - TagBytes;
        var plain = new byte[length];
        try
        {
            using var aes = new AesGcm(key, TagBytes);
            aes.Decrypt(sealedBytes.AsSpan(0, NonceBytes), sealedBytes.AsSpan(NonceBytes, length), sealedBytes.AsSpan(NonceBytes + length), plain, Bound(list));
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new InvalidPageTokenException("next_token belongs to another list, another org, or another deployment, or was altered.");
        }
        return Encoding.UTF8.GetString(plain);
    }

    private static byte[] Bound(string list) => SHA256.HashData(Encoding.UTF8.GetBytes(list));

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
                var secret = configuration["Retail:PageTokenKey"] ?? await operatorKey.GetOperatorKeyAsync(ct)
                    ?? throw new InvalidOperationException("No page token key: set Retail:PageTokenKey or the operator key.");
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
