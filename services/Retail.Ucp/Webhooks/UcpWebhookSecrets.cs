using System.Security.Cryptography;
using System.Text;
using Retail.Shared.Json;

namespace Retail.Ucp.Webhooks;

/// <summary>
/// The HMAC secrets of platforms' order webhooks: made once when a platform's webhook config is first set, answered once,
/// and kept sealed (AES-GCM under a key derived from <c>Retail:Webhooks:SecretKey</c>, else the page token key or the
/// operator key) in a raw entry beside the config, written in the config's own transaction: not in the record, so neither
/// its history nor the CDC feed carries it. A hash would not do: UCP signs with it. (The pattern of IPM's webhook secrets.)
/// </summary>
public sealed class UcpWebhookSecrets(IConfiguration configuration, IOperatorKeyProvider operatorKey, IStateStore store)
{
    private const int NonceBytes = 12;
    private const int TagBytes = 16;
    private static readonly byte[] Info = "retail/ucp/webhook-secret/v1"u8.ToArray();
    private readonly SemaphoreSlim _gate = new(1, 1);
    private byte[]? _key;

    public static string New() => "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));

    public static string Hint(string secret) => secret[..Math.Min(secret.Length, 10)] + "…";

    /// <summary>Stages the sealed secret of a webhook in the batch that creates it.</summary>
    public async Task StageAsync(RecordBatch batch, string orgcode, string platformGuid, string secret, CancellationToken ct)
    {
        var key = await KeyAsync(ct);
        var plain = Encoding.UTF8.GetBytes(secret);
        var sealedBytes = new byte[NonceBytes + plain.Length + TagBytes];
        RandomNumberGenerator.Fill(sealedBytes.AsSpan(0, NonceBytes));
        using var aes = new AesGcm(key, TagBytes);
        aes.Encrypt(sealedBytes.AsSpan(0, NonceBytes), plain, sealedBytes.AsSpan(NonceBytes, plain.Length), sealedBytes.AsSpan(NonceBytes + plain.Length),
            Bound(orgcode, platformGuid));
        batch.Insert(store, EntryKey(orgcode, platformGuid), RetailJson.ToBytes(new SealedSecret(Convert.ToBase64String(sealedBytes))));
    }

    /// <summary>The webhook's secret, or null when none is kept (or it does not open under this deployment's key).</summary>
    public async Task<string?> OpenAsync(string orgcode, string platformGuid, CancellationToken ct)
    {
        var entry = await store.GetAsync(EntryKey(orgcode, platformGuid), ct);
        if (entry is null || System.Text.Json.JsonSerializer.Deserialize<SealedSecret>(entry.Value, RetailJson.Storage) is not { Value: { } value })
        {
            return null;
        }
        var sealedBytes = Convert.FromBase64String(value);
        var length = sealedBytes.Length - NonceBytes - TagBytes;
        var plain = new byte[length];
        try
        {
            using var aes = new AesGcm(await KeyAsync(ct), TagBytes);
            aes.Decrypt(sealedBytes.AsSpan(0, NonceBytes), sealedBytes.AsSpan(NonceBytes, length), sealedBytes.AsSpan(NonceBytes + length), plain,
                Bound(orgcode, platformGuid));
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
        return Encoding.UTF8.GetString(plain);
    }

    private static string EntryKey(string orgcode, string platformGuid) => $"ucp-webhook-secret|{orgcode}|{platformGuid}";

    // Bound to its webhook: a sealed secret copied to another webhook's entry does not open.
    private static byte[] Bound(string orgcode, string platformGuid) => Encoding.UTF8.GetBytes(orgcode + "\n" + platformGuid);

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
                var secret = configuration["Retail:Webhooks:SecretKey"] ?? configuration["Retail:PageTokenKey"] ?? await operatorKey.GetOperatorKeyAsync(ct)
                    ?? throw new InvalidOperationException("No webhook secret key: set Retail:Webhooks:SecretKey or the operator key.");
                _key = HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret), 32, salt: [], info: Info);
            }
            return _key;
        }
        finally
        {
            _gate.Release();
        }
    }

    private sealed record SealedSecret(string Value);
}
