using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
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
    public async Task UC_UCP_001_rotate_keeps_the_old_secret_for_the_grace_period_only_and_revoke_stops_both_at_once()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var factory = UcpHost.Start(s => s.AddSingleton<TimeProvider>(clock));
        using var @operator = factory.CreateOperatorClient();
        var org = await UcpSteps.NewOrgAsync(factory, @operator, "ucpr");
        var platform = await org.RegisterPlatformAsync();
        using var client = factory.CreateClient();

        var rotated = await org.Post("/ucp/platform/rotate", new { platform_guid = platform.PlatformGuid, expected_revision = platform.Revision }).Ok();
        var fresh = platform with { ClientSecret = rotated.GetProperty("client_secret").GetString()!, Revision = rotated.GetProperty("platform").GetProperty("revision").GetInt64() };
        Assert.NotEqual(platform.ClientSecret, fresh.ClientSecret);
        Assert.Equal(platform.ClientId, rotated.GetProperty("client_id").GetString());
        Assert.Single(factory.OutboxEvents("ucp", org.Orgcode, "platform.rotated"));
        // A rotate at the old revision is a conflict; nothing changes.
        await org.Post("/ucp/platform/rotate", new { platform_guid = platform.PlatformGuid, expected_revision = platform.Revision })
            .Problem(HttpStatusCode.Conflict, "revision_mismatch");

        // Both secrets work inside the grace period (24 hours by default)...
        await IdentityTests.Token(client, platform, ("grant_type", "client_credentials")).Ok();
        await IdentityTests.Token(client, fresh, ("grant_type", "client_credentials")).Ok();
        clock.Advance(TimeSpan.FromHours(23));
        await IdentityTests.Token(client, platform, ("grant_type", "client_credentials")).Ok();
        // ...and only the new one after it.
        clock.Advance(TimeSpan.FromHours(2));
        await IdentityTests.Token(client, platform, ("grant_type", "client_credentials")).OAuthError(HttpStatusCode.Unauthorized, "invalid_client");
        await IdentityTests.Token(client, fresh, ("grant_type", "client_credentials")).Ok();

        // Rotated again and revoked at once: neither the new nor the previous secret works, and a revoked platform stays revoked.
        var again = await org.Post("/ucp/platform/rotate", new { platform_guid = platform.PlatformGuid, expected_revision = fresh.Revision }).Ok();
        var newest = fresh with { ClientSecret = again.GetProperty("client_secret").GetString()!, Revision = again.GetProperty("platform").GetProperty("revision").GetInt64() };
        var revoked = await org.Post("/ucp/platform/revoke", new { platform_guid = platform.PlatformGuid, expected_revision = newest.Revision, reason = "Contract ended." }).Ok();
        Assert.Equal(("revoked", "Contract ended."), (revoked.GetProperty("status").GetString(), revoked.GetProperty("revoked_reason").GetString()));
        await IdentityTests.Token(client, newest, ("grant_type", "client_credentials")).OAuthError(HttpStatusCode.Unauthorized, "invalid_client");
        await IdentityTests.Token(client, fresh, ("grant_type", "client_credentials")).OAuthError(HttpStatusCode.Unauthorized, "invalid_client");
        var revision = revoked.GetProperty("revision").GetInt64();
        await org.Post("/ucp/platform/rotate", new { platform_guid = platform.PlatformGuid, expected_revision = revision })
            .Problem(HttpStatusCode.UnprocessableEntity, "platform_revoked");
        await org.Post("/ucp/platform/revoke", new { platform_guid = platform.PlatformGuid, expected_revision = revision })
            .Problem(HttpStatusCode.UnprocessableEntity, "platform_revoked");
        Assert.Empty((await org.Post("/ucp/platform/list", new { status = "active" }).Ok()).GetProperty("items").EnumerateArray());
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
