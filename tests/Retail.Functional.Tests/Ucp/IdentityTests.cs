using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;

namespace Retail.Functional.Tests.Ucp;

/// <summary>
/// OAuth identity linking over HTTP (UC-UCP-007..010): an admin's authorization code for a CRM customer, exchanged with the
/// PKCE verifier for tokens (form-encoded, client_secret_basic), userinfo answering the customer's allowed fields, refresh
/// rotation with reuse detection, RFC 7009 revocation, link list and revoke, and a revoked platform's tokens refused.
/// </summary>
public sealed class IdentityTests(UcpHost host) : IClassFixture<UcpHost>
{
    [Fact]
    public async Task UC_UCP_007_009_authorize_token_userinfo_refresh_rotation_and_revoke()
    {
        var org = await host.NewOrgAsync("ucpi");
        var platform = await org.RegisterPlatformAsync();
        var customer = await NewCustomerAsync(org);
        var (verifier, challenge) = Pkce();
        var code = await org.Post("/ucp/identity/authorize", new
        {
            platform_guid = platform.PlatformGuid, customer_guid = customer, scopes = new[] { "ucp:customer_read", "ucp:order_read" },
            code_challenge = challenge, code_challenge_method = "S256",
        }).Ok(HttpStatusCode.Created);
        Assert.StartsWith($"ucpac_{org.Orgcode}.", code.UcpText("code"), StringComparison.Ordinal);
        Assert.Equal(600, code.GetProperty("expires_in").GetInt32());

        using var client = host.Factory.CreateClient();
        var tokens = await Token(client, platform, ("grant_type", "authorization_code"), ("code", code.UcpText("code")), ("code_verifier", verifier)).Ok();
        Assert.Equal("Bearer", tokens.UcpText("token_type"));
        Assert.StartsWith($"ucpat_{org.Orgcode}.", tokens.UcpText("access_token"), StringComparison.Ordinal);

        var info = await UserInfo(client, tokens.UcpText("access_token")).Ok();
        Assert.Equal((customer, "ada.lovelace@example.com", "Ada", "Lovelace"), (info.UcpText("sub"), info.UcpText("email"), info.UcpText("given_name"), info.UcpText("family_name")));

        // Refresh: new tokens, the old access and refresh tokens stop.
        var refreshed = await Token(client, platform, ("grant_type", "refresh_token"), ("refresh_token", tokens.UcpText("refresh_token"))).Ok();
        Assert.NotEqual(tokens.UcpText("refresh_token"), refreshed.UcpText("refresh_token"));
        await UserInfo(client, tokens.UcpText("access_token")).OAuthError(HttpStatusCode.Unauthorized, "invalid_token");
        await UserInfo(client, refreshed.UcpText("access_token")).Ok();

        // The rotated refresh token presented again: the whole family is revoked, the newest tokens too.
        await Token(client, platform, ("grant_type", "refresh_token"), ("refresh_token", tokens.UcpText("refresh_token"))).OAuthError(HttpStatusCode.BadRequest, "invalid_grant");
        await UserInfo(client, refreshed.UcpText("access_token")).OAuthError(HttpStatusCode.Unauthorized, "invalid_token");
        await Token(client, platform, ("grant_type", "refresh_token"), ("refresh_token", refreshed.UcpText("refresh_token"))).OAuthError(HttpStatusCode.BadRequest, "invalid_grant");

        // RFC 7009: always 200 (an unknown token too); a revoked access token stops.
        var second = await Exchange(org, client, platform, customer);
        await Revoke(client, platform, "not-a-token").Ok();
        await Revoke(client, platform, second.UcpText("access_token")).Ok();
        await UserInfo(client, second.UcpText("access_token")).OAuthError(HttpStatusCode.Unauthorized, "invalid_token");
        await Token(client, platform, ("grant_type", "refresh_token"), ("refresh_token", second.UcpText("refresh_token"))).OAuthError(HttpStatusCode.BadRequest, "invalid_grant");

        // Bad client credentials: 401 invalid_client.
        var stranger = platform with { ClientSecret = platform.ClientSecret + "x" };
        await Token(client, stranger, ("grant_type", "client_credentials")).OAuthError(HttpStatusCode.Unauthorized, "invalid_client");
    }

    [Fact]
    public async Task UC_UCP_008_a_wrong_verifier_a_reused_code_and_an_expired_code_are_invalid_grants()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var factory = UcpHost.Start(s => s.AddSingleton<TimeProvider>(clock));
        using var @operator = factory.CreateOperatorClient();
        var org = await UcpSteps.NewOrgAsync(factory, @operator, "ucpp");
        var platform = await org.RegisterPlatformAsync();
        var customer = await NewCustomerAsync(org);
        using var client = factory.CreateClient();

        var (verifier, challenge) = Pkce();
        var code = await Authorize(org, platform, customer, challenge);
        await Token(client, platform, ("grant_type", "authorization_code"), ("code", code), ("code_verifier", Pkce().Verifier))
            .OAuthError(HttpStatusCode.BadRequest, "invalid_grant");
        var tokens = await Token(client, platform, ("grant_type", "authorization_code"), ("code", code), ("code_verifier", verifier)).Ok();
        // Reused: refused, and what it issued is revoked.
        await Token(client, platform, ("grant_type", "authorization_code"), ("code", code), ("code_verifier", verifier))
            .OAuthError(HttpStatusCode.BadRequest, "invalid_grant");
        await UserInfo(client, tokens.UcpText("access_token")).OAuthError(HttpStatusCode.Unauthorized, "invalid_token");

        // Another platform cannot redeem this platform's code.
        var (verifier2, challenge2) = Pkce();
        var code2 = await Authorize(org, platform, customer, challenge2);
        var other = await org.RegisterPlatformAsync("Other agent");
        await Token(client, other, ("grant_type", "authorization_code"), ("code", code2), ("code_verifier", verifier2))
            .OAuthError(HttpStatusCode.BadRequest, "invalid_grant");

        // Ten minutes on, the code has expired.
        clock.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));
        await Token(client, platform, ("grant_type", "authorization_code"), ("code", code2), ("code_verifier", verifier2))
            .OAuthError(HttpStatusCode.BadRequest, "invalid_grant");

        // Bad input to authorize is a 400; an unknown customer is refused.
        await org.Post("/ucp/identity/authorize", new { platform_guid = platform.PlatformGuid, customer_guid = customer, code_challenge = "short", code_challenge_method = "plain" })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/ucp/identity/authorize", new { platform_guid = platform.PlatformGuid, customer_guid = Guid.NewGuid(), code_challenge = challenge })
            .Problem(HttpStatusCode.UnprocessableEntity, "customer_not_found");
    }

    [Fact]
    public async Task UC_UCP_010_link_list_and_revoke_and_a_revoked_platform_loses_basic_and_bearer_access()
    {
        var org = await host.NewOrgAsync("ucpl");
        var platform = await org.RegisterPlatformAsync();
        var customer = await NewCustomerAsync(org);
        using var client = host.Factory.CreateClient();
        var tokens = await Exchange(org, client, platform, customer);

        var links = await org.Post("/ucp/identity/link/list", new { status = "active" }).Ok();
        var link = Assert.Single(links.GetProperty("items").EnumerateArray());
        Assert.Equal((platform.PlatformGuid, customer), (link.UcpText("platform_guid"), link.UcpText("customer_guid")));
        var revoked = await org.Post("/ucp/identity/link/revoke", new { link_guid = link.UcpText("link_guid"), expected_revision = link.GetProperty("revision").GetInt64() }).Ok();
        Assert.Equal("revoked", revoked.UcpText("status"));
        await UserInfo(client, tokens.UcpText("access_token")).OAuthError(HttpStatusCode.Unauthorized, "invalid_token");
        await Token(client, platform, ("grant_type", "refresh_token"), ("refresh_token", tokens.UcpText("refresh_token"))).OAuthError(HttpStatusCode.BadRequest, "invalid_grant");
        Assert.Empty((await org.Post("/ucp/identity/link/list", new { status = "active" }).Ok()).GetProperty("items").EnumerateArray());

        // A new link, and a client_credentials token; then the platform is revoked: Basic and both bearers stop.
        var linked = await Exchange(org, client, platform, customer);
        var own = await Token(client, platform, ("grant_type", "client_credentials")).Ok();
        Assert.False(own.TryGetProperty("refresh_token", out _));
        await UserInfo(client, own.UcpText("access_token")).OAuthError(HttpStatusCode.Forbidden, "insufficient_scope");
        var current = await org.Post("/ucp/platform/get", new { platform_guid = platform.PlatformGuid }).Ok();
        await org.Post("/ucp/platform/revoke", new { platform_guid = platform.PlatformGuid, expected_revision = current.GetProperty("revision").GetInt64() }).Ok();
        Assert.Single(host.Factory.OutboxEvents("ucp", org.Orgcode, "platform.revoked"));
        await Token(client, platform, ("grant_type", "client_credentials")).OAuthError(HttpStatusCode.Unauthorized, "invalid_client");
        await UserInfo(client, linked.UcpText("access_token")).OAuthError(HttpStatusCode.Unauthorized, "invalid_token");
        await using var scope = host.Factory.Services.CreateAsyncScope();
        var authenticator = scope.ServiceProvider.GetRequiredService<Retail.Ucp.Platforms.IPlatformTokenAuthenticator>();
        Assert.Null(await authenticator.AuthenticateAsync(own.UcpText("access_token"), default));
        Assert.Null(await Retail.Ucp.Platforms.PlatformAccess.FindAsync(scope.ServiceProvider, platform.ClientId, platform.ClientSecret, default));
    }

    internal static async Task<string> NewCustomerAsync(UcpOrg org) =>
        (await org.Post(org.Clerk, "/crm/customer/create", new { email = $"ada.lovelace@example.com", given_name = "Ada", family_name = "Lovelace" })
            .Ok(HttpStatusCode.Created)).UcpText("customer_guid");

    internal static (string Verifier, string Challenge) Pkce()
    {
        var verifier = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var challenge = Convert.ToBase64String(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return (verifier, challenge);
    }

    private static async Task<string> Authorize(UcpOrg org, UcpPlatform platform, string customer, string challenge) =>
        (await org.Post("/ucp/identity/authorize", new { platform_guid = platform.PlatformGuid, customer_guid = customer, code_challenge = challenge })
            .Ok(HttpStatusCode.Created)).UcpText("code");

    private static async Task<JsonElement> Exchange(UcpOrg org, HttpClient client, UcpPlatform platform, string customer)
    {
        var (verifier, challenge) = Pkce();
        var code = await Authorize(org, platform, customer, challenge);
        return await Token(client, platform, ("grant_type", "authorization_code"), ("code", code), ("code_verifier", verifier)).Ok();
    }

    internal static Task<HttpResponseMessage> Token(HttpClient client, UcpPlatform platform, params (string Name, string Value)[] form) =>
        Form(client, "/ucp/identity/token", platform, form);

    private static Task<HttpResponseMessage> Revoke(HttpClient client, UcpPlatform platform, string token) =>
        Form(client, "/ucp/identity/revoke", platform, [("token", token)]);

    private static Task<HttpResponseMessage> Form(HttpClient client, string path, UcpPlatform platform, (string Name, string Value)[] form)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new FormUrlEncodedContent(form.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))),
        };
        request.Headers.Authorization = platform.Basic;
        return client.SendAsync(request);
    }

    internal static Task<HttpResponseMessage> UserInfo(HttpClient client, string accessToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/ucp/identity/userinfo");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return client.SendAsync(request);
    }
}

internal static class OAuthJson
{
    public static string UcpText(this JsonElement json, string name) => json.GetProperty(name).GetString()!;

    /// <summary>An RFC 6749 §5.2 error: the status and the <c>error</c> code.</summary>
    public static async Task<JsonElement> OAuthError(this Task<HttpResponseMessage> call, HttpStatusCode status, string error)
    {
        using var response = await call;
        var body = await response.JsonAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal(error, body.GetProperty("error").GetString());
        return body;
    }
}
