using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Retail.Functional.Tests.Infrastructure;
using Retail.Ucp.Platforms;

namespace Retail.Functional.Tests.Ucp;

/// <summary>UCP platforms over HTTP (UC-UCP-001): register, get, list, rotate, revoke; and the org's signing key.</summary>
public sealed class PlatformTests(UcpHost host) : IClassFixture<UcpHost>
{
    [Fact]
    public async Task UC_UCP_001_an_admin_registers_a_platform_whose_secret_is_answered_once_and_authenticates()
    {
        var org = await host.NewOrgAsync();
        var platform = await org.RegisterPlatformAsync("Shopping agent", ["ucp:checkout_session", "dev.ucp.shopping.order:read"]);
        Assert.StartsWith($"ucp.{org.Orgcode}.", platform.ClientId, StringComparison.Ordinal);
        Assert.StartsWith("ucps_", platform.ClientSecret, StringComparison.Ordinal);
        Assert.Equal(1, platform.Revision);

        var read = await org.Post("/ucp/platform/get", new { platform_guid = platform.PlatformGuid });
        var text = await read.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.DoesNotContain(platform.ClientSecret, text, StringComparison.Ordinal);
        Assert.DoesNotContain("hash", text, StringComparison.OrdinalIgnoreCase);
        var got = JsonDocument.Parse(text).RootElement;
        Assert.Equal(("Shopping agent", "active", platform.ClientId), (got.GetProperty("caption").GetString(), got.GetProperty("status").GetString(),
            got.GetProperty("client_id").GetString()));
        Assert.Equal(new[] { "ucp:checkout_session", "ucp:order_read" }, got.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()!).ToArray());

        var listed = await org.Post("/ucp/platform/list", new { status = "active" }).Ok();
        Assert.Contains(listed.GetProperty("items").EnumerateArray(), p => p.GetProperty("platform_guid").GetString() == platform.PlatformGuid);
        Assert.Single(host.Factory.OutboxEvents("ucp", org.Orgcode, "platform.registered"));

        // Credentials find their platform; a wrong secret or an unknown client id does not.
        await using var scope = host.Factory.Services.CreateAsyncScope();
        Assert.NotNull(await PlatformAccess.FindAsync(scope.ServiceProvider, platform.ClientId, platform.ClientSecret, default));
        Assert.Null(await PlatformAccess.FindAsync(scope.ServiceProvider, platform.ClientId, platform.ClientSecret + "x", default));

        // Only an admin registers or reads; bad input is a 400.
        await org.Post(org.Viewer, "/ucp/platform/get", new { platform_guid = platform.PlatformGuid }).Problem(HttpStatusCode.Forbidden, "forbidden");
        await org.Post("/ucp/platform/register", new { caption = "x", scopes = new[] { "ucp:everything" } })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/ucp/platform/get", new { platform_guid = Guid.NewGuid() }).Problem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task The_org_signing_key_is_made_once_and_published_as_an_es256_jwk()
    {
        var org = await host.NewOrgAsync("ucpk");
        await using var scope = host.Factory.Services.CreateAsyncScope();
        var keys = scope.ServiceProvider.GetRequiredService<IUcpSigningKeys>();
        var all = await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            await using var s = host.Factory.Services.CreateAsyncScope();
            return await s.ServiceProvider.GetRequiredService<IUcpSigningKeys>().CurrentAsync(org.Orgcode, default);
        }));
        Assert.Single(all.Select(k => k.Kid).Distinct());
        var jwk = Assert.Single(await keys.PublicJwksAsync(org.Orgcode, default));
        Assert.Equal(("EC", "P-256", "ES256", all[0].Kid), ((string?)jwk["kty"], (string?)jwk["crv"], (string?)jwk["alg"], (string?)jwk["kid"]));
        Assert.Null(jwk["d"]);

        // What the current key signs verifies under the published public key.
        var data = "payload"u8.ToArray();
        var signature = all[1].Key.SignData(data, HashAlgorithmName.SHA256);
        using var published = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = Base64UrlDecode((string)jwk["x"]!), Y = Base64UrlDecode((string)jwk["y"]!) },
        });
        Assert.True(published.VerifyData(data, signature, HashAlgorithmName.SHA256));
        var other = await host.NewOrgAsync("ucpk");
        Assert.NotEqual(all[0].Kid, (await keys.CurrentAsync(other.Orgcode, default)).Kid);
    }

    internal static byte[] Base64UrlDecode(string text) =>
        Convert.FromBase64String(text.Replace('-', '+').Replace('_', '/') + new string('=', (4 - text.Length % 4) % 4));
}
