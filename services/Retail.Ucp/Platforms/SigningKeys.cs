using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Retail.Shared.Json;

namespace Retail.Ucp.Platforms;

/// <summary>
/// The public half of an org's signing key, as a record (so it has a revision, history and a CDC change, none of which
/// carries anything secret). Its key is the slot <c>current</c>: creating it is first-write-wins, so two requests that both
/// find no key make one, and the loser reads the winner's.
/// </summary>
public sealed record SigningKeyRecord : Record
{
    public const string CurrentSlot = "current";

    public string Slot { get; init; } = CurrentSlot;

    /// <summary>The RFC 7638 JWK thumbprint (SHA-256, base64url).</summary>
    public required string Kid { get; init; }

    public required string X { get; init; }

    public required string Y { get; init; }

    [JsonIgnore]
    public override string Key => Slot;

    public static readonly RecordType<SigningKeyRecord> Type = new("signing_key");

    public JsonObject Jwk() => new()
    {
        ["kty"] = "EC",
        ["crv"] = "P-256",
        ["x"] = X,
        ["y"] = Y,
        ["kid"] = Kid,
        ["use"] = "sig",
        ["alg"] = "ES256",
    };
}

/// <summary>
/// <see cref="IUcpSigningKeys"/>: one ES256 (P-256) key per org, made on first use. The private key (PKCS#8) is sealed
/// with AES-GCM under a key derived from <c>Ucp:SigningKeys:SealKey</c> (else <c>Retail:Webhooks:SecretKey</c>, the page
/// token key or the operator key), bound to its org and kid, and kept in a raw entry written in the same transaction as
/// the record: never in the record, its history or the CDC feed.
/// </summary>
public sealed class UcpSigningKeys(RecordStore<SigningKeyRecord> keys, IStateStore store, SigningKeySealer sealer) : IUcpSigningKeys
{
    public async Task<UcpSigningKey> CurrentAsync(string orgcode, CancellationToken ct)
    {
        for (var tries = 0; ; tries++)
        {
            if (await keys.GetAsync(orgcode, SigningKeyRecord.CurrentSlot, ct: ct) is { } loaded)
            {
                return new UcpSigningKey(loaded.Record.Kid, await OpenAsync(orgcode, loaded.Record.Kid, ct));
            }
            var made = await TryCreateAsync(orgcode, ct);
            if (made is not null || tries >= 3)
            {
                return made ?? throw new InvalidOperationException($"no signing key could be made for {orgcode}");
            }
        }
    }

    public async Task<IReadOnlyList<JsonObject>> PublicJwksAsync(string orgcode, CancellationToken ct)
    {
        var current = await CurrentAsync(orgcode, ct);
        var record = await keys.GetAsync(orgcode, SigningKeyRecord.CurrentSlot, ct: ct)
            ?? throw new InvalidOperationException($"the signing key of {orgcode} vanished");
        current.Key.Dispose();
        return [record.Record.Jwk()];
    }

    /// <summary>The public JWK of a key: kty, crv, x, y (base64url of the 32-byte coordinates).</summary>
    public static (string X, string Y) Coordinates(ECDsa key)
    {
        var p = key.ExportParameters(false);
        return (PlatformSecrets.Base64Url(p.Q.X!), PlatformSecrets.Base64Url(p.Q.Y!));
    }

    /// <summary>RFC 7638 thumbprint: SHA-256 over the required members in lexicographic order, base64url.</summary>
    public static string Thumbprint(string x, string y) =>
        PlatformSecrets.Base64Url(SHA256.HashData(Encoding.UTF8.GetBytes($$"""{"crv":"P-256","kty":"EC","x":"{{x}}","y":"{{y}}"}""")));

    private async Task<UcpSigningKey?> TryCreateAsync(string orgcode, CancellationToken ct)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var (x, y) = Coordinates(key);
        var kid = Thumbprint(x, y);
        var batch = new RecordBatch();
        keys.Create(batch, orgcode, new SigningKeyRecord { Kid = kid, X = x, Y = y });
        batch.Insert(store, EntryKey(orgcode, kid), RetailJson.ToBytes(new SealedKey(await sealer.SealAsync(key.ExportPkcs8PrivateKey(), Bound(orgcode, kid), ct))));
        var write = await batch.CommitAsync(ct);
        if (write.Outcome == RecordWriteOutcome.Written)
        {
            return new UcpSigningKey(kid, key);
        }
        key.Dispose();
        return null;
    }

    private async Task<ECDsa> OpenAsync(string orgcode, string kid, CancellationToken ct)
    {
        var entry = await store.GetAsync(EntryKey(orgcode, kid), ct);
        if (entry is null || System.Text.Json.JsonSerializer.Deserialize<SealedKey>(entry.Value, RetailJson.Storage) is not { Value: { } value })
        {
            throw new InvalidOperationException($"the private signing key {kid} of {orgcode} is missing");
        }
        var pkcs8 = await sealer.OpenAsync(value, Bound(orgcode, kid), ct)
            ?? throw new InvalidOperationException($"the private signing key {kid} of {orgcode} does not open under this deployment's key");
        var key = ECDsa.Create();
        key.ImportPkcs8PrivateKey(pkcs8, out _);
        return key;
    }

    private static string EntryKey(string orgcode, string kid) => $"ucp-signing-key|{orgcode}|{kid}";

    private static byte[] Bound(string orgcode, string kid) => Encoding.UTF8.GetBytes(orgcode + "\n" + kid);

    private sealed record SealedKey(string Value);
}

/// <summary>AES-GCM sealing of private keys under one deployment key (derived once with HKDF).</summary>
public sealed class SigningKeySealer(IConfiguration configuration, IOperatorKeyProvider operatorKey)
{
    private const int NonceBytes = 12;
    private const int TagBytes = 16;
    private static readonly byte[] Info = "retail/ucp/signing-key/v1"u8.ToArray();
    private readonly SemaphoreSlim _gate = new(1, 1);
    private byte[]? _key;

    public async Task<string> SealAsync(byte[] plain, byte[] bound, CancellationToken ct)
    {
        var sealedBytes = new byte[NonceBytes + plain.Length + TagBytes];
        RandomNumberGenerator.Fill(sealedBytes.AsSpan(0, NonceBytes));
        using var aes = new AesGcm(await KeyAsync(ct), TagBytes);
        aes.Encrypt(sealedBytes.AsSpan(0, NonceBytes), plain, sealedBytes.AsSpan(NonceBytes, plain.Length), sealedBytes.AsSpan(NonceBytes + plain.Length), bound);
        return Convert.ToBase64String(sealedBytes);
    }

    public async Task<byte[]?> OpenAsync(string value, byte[] bound, CancellationToken ct)
    {
        var sealedBytes = Convert.FromBase64String(value);
        var length = sealedBytes.Length - NonceBytes - TagBytes;
        if (length <= 0)
        {
            return null;
        }
        var plain = new byte[length];
        try
        {
            using var aes = new AesGcm(await KeyAsync(ct), TagBytes);
            aes.Decrypt(sealedBytes.AsSpan(0, NonceBytes), sealedBytes.AsSpan(NonceBytes, length), sealedBytes.AsSpan(NonceBytes + length), plain, bound);
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
        return plain;
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
                var secret = configuration["Ucp:SigningKeys:SealKey"] ?? configuration["Retail:Webhooks:SecretKey"] ?? configuration["Retail:PageTokenKey"]
                    ?? await operatorKey.GetOperatorKeyAsync(ct)
                    ?? throw new InvalidOperationException("No key to seal UCP signing keys: set Ucp:SigningKeys:SealKey or the operator key.");
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
