using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Retail.Ucp.Platforms;

/// <summary>An org's ES256 (P-256) signing key and its JWK key id.</summary>
public sealed record UcpSigningKey(string Kid, ECDsa Key);

/// <summary>
/// The keys UCP signs with (webhook deliveries: a detached JWS over the body) and publishes in the business profile's
/// <c>signing_keys</c> (public JWKs), so a platform verifies what it receives. One current key per org, made on first use
/// and kept sealed; retired keys stay published for a while so deliveries in flight still verify.
/// </summary>
public interface IUcpSigningKeys
{
    Task<UcpSigningKey> CurrentAsync(string orgcode, CancellationToken ct);

    /// <summary>The public JWKs to publish (kty EC, crv P-256, x, y, kid, use sig, alg ES256), current first.</summary>
    Task<IReadOnlyList<JsonObject>> PublicJwksAsync(string orgcode, CancellationToken ct);
}
