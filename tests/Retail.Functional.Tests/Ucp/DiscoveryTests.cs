using System.Net;
using System.Text.Json;
using Json.Schema;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;

namespace Retail.Functional.Tests.Ucp;

/// <summary>
/// UC-UCP-002 and discovery over HTTP: the config an admin sets is what the business profile shows (and disabling removes
/// it); the profile validates against the UCP 2026-04-08 discovery schema; the OAuth metadata has RFC 8414's fields; both are
/// anonymous, at the host's root and under /ucp, found by x-orgcode or by the business domain the Host names.
/// </summary>
public sealed class DiscoveryTests(UcpHost host) : IClassFixture<UcpHost>
{
    private static readonly string SpecDir = Path.Combine(FindRoot(), "shared", "spec", "ucp-2026-04-08");

    [Fact]
    public async Task UC_UCP_002_the_profile_reflects_exactly_the_enabled_capabilities_and_validates_against_the_discovery_schema()
    {
        var org = await host.NewOrgAsync("ucpd");
        var empty = await org.Post("/ucp/config/get", new { }).Ok();
        Assert.Equal(0, empty.GetProperty("revision").GetInt64());

        var set = await org.Post("/ucp/config/set", new
        {
            capabilities = new { checkout = true, order = true, identity = true },
            channel_code = "agents",
            payment_handlers = new[] { new { id = "card", name = "com.example.tokenizer", version = "2026-01-01", config = new { merchant_id = "m-1" } } },
        }).Ok();
        Assert.Equal(1, set.GetProperty("revision").GetInt64());

        using var anonymous = host.Factory.CreateClient();
        var profile = await Profile(anonymous, "/.well-known/ucp", org.Orgcode);
        AssertValidProfile(profile);
        var ucp = profile.GetProperty("ucp");
        Assert.Equal("2026-04-08", ucp.GetProperty("version").GetString());
        Assert.Equal(new[] { "dev.ucp.common.identity_linking", "dev.ucp.shopping.checkout", "dev.ucp.shopping.order" },
            ucp.GetProperty("capabilities").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToArray());
        var rest = Assert.Single(ucp.GetProperty("services").GetProperty("dev.ucp.shopping").EnumerateArray());
        Assert.Equal(("rest", "http://localhost/ucp"), (rest.GetProperty("transport").GetString(), rest.GetProperty("endpoint").GetString()));
        var handler = Assert.Single(ucp.GetProperty("payment_handlers").GetProperty("com.example.tokenizer").EnumerateArray());
        Assert.Equal(("card", "m-1"), (handler.GetProperty("id").GetString(), handler.GetProperty("config").GetProperty("merchant_id").GetString()));
        var key = Assert.Single(profile.GetProperty("signing_keys").EnumerateArray());
        Assert.Equal(("EC", "P-256", "ES256"), (key.GetProperty("kty").GetString(), key.GetProperty("crv").GetString(), key.GetProperty("alg").GetString()));
        Assert.False(key.TryGetProperty("d", out _));

        // The same document under /ucp.
        Assert.Equal(profile.GetRawText(), (await Profile(anonymous, "/ucp/.well-known/ucp", org.Orgcode)).GetRawText());

        // Disabling removes: only order stays, and the stale revision is refused.
        await org.Post("/ucp/config/set", new { expected_revision = 0, capabilities = new { order = true } }).Problem(HttpStatusCode.Conflict, "revision_mismatch");
        await org.Post("/ucp/config/set", new { expected_revision = 1, capabilities = new { order = true } }).Ok();
        var reduced = await Profile(anonymous, "/.well-known/ucp", org.Orgcode);
        AssertValidProfile(reduced);
        Assert.Equal(new[] { "dev.ucp.shopping.order" }, reduced.GetProperty("ucp").GetProperty("capabilities").EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Empty(reduced.GetProperty("ucp").GetProperty("payment_handlers").EnumerateObject());

        // Checkout needs a channel; only an admin sets config.
        await org.Post("/ucp/config/set", new { expected_revision = 2, capabilities = new { checkout = true } })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post(org.Clerk, "/ucp/config/set", new { expected_revision = 2 }).Problem(HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task a_business_domain_names_its_org_by_host_and_belongs_to_one_org_only()
    {
        var org = await host.NewOrgAsync("ucpd");
        var other = await host.NewOrgAsync("ucpd");
        var domain = $"{org.Orgcode}.shop.example";
        await org.Post("/ucp/config/set", new { capabilities = new { checkout = true }, channel_code = "web", domains = new[] { domain.ToUpperInvariant() } }).Ok();
        await other.Post("/ucp/config/set", new { domains = new[] { domain } }).Problem(HttpStatusCode.Conflict, "duplicate");

        using var anonymous = host.Factory.CreateClient();
        var byHost = await Get(anonymous, "/.well-known/ucp", ("Host", domain)).Ok();
        Assert.Equal($"http://{domain}/ucp", byHost.GetProperty("ucp").GetProperty("services").GetProperty("dev.ucp.shopping")[0].GetProperty("endpoint").GetString());
        await Get(anonymous, "/.well-known/ucp", ("Host", "nobody.shop.example")).Problem(HttpStatusCode.NotFound, "not_found");

        // Given up, the domain is free for another org.
        await org.Post("/ucp/config/set", new { expected_revision = 1, capabilities = new { checkout = true }, channel_code = "web" }).Ok();
        await other.Post("/ucp/config/set", new { domains = new[] { domain } }).Ok();
        var moved = await Get(anonymous, "/identity/.well-known/oauth-authorization-server", ("Host", domain)).Ok();
        Assert.Equal(other.Orgcode, moved.GetProperty("ucp_orgcode").GetString());
    }

    [Fact]
    public async Task the_oauth_metadata_has_the_rfc_8414_fields_at_the_root_and_under_ucp()
    {
        var org = await host.NewOrgAsync("ucpd");
        using var anonymous = host.Factory.CreateClient();
        foreach (var path in new[] { "/identity/.well-known/oauth-authorization-server", "/ucp/identity/.well-known/oauth-authorization-server" })
        {
            var metadata = await Get(anonymous, path, ("x-orgcode", org.Orgcode)).Ok();
            var issuer = metadata.GetProperty("issuer").GetString()!;
            Assert.True(Uri.TryCreate(issuer, UriKind.Absolute, out var uri) && uri.Query.Length == 0 && uri.Fragment.Length == 0, issuer);
            Assert.Equal("http://localhost/ucp", issuer);
            Assert.Equal(issuer + "/identity/authorize", metadata.GetProperty("authorization_endpoint").GetString());
            Assert.Equal(issuer + "/identity/token", metadata.GetProperty("token_endpoint").GetString());
            Assert.Equal(issuer + "/identity/revoke", metadata.GetProperty("revocation_endpoint").GetString());
            Assert.Equal(issuer + "/identity/userinfo", metadata.GetProperty("userinfo_endpoint").GetString());
            Assert.Contains("code", metadata.GetProperty("response_types_supported").EnumerateArray().Select(e => e.GetString()));
            Assert.Equal(new[] { "S256" }, metadata.GetProperty("code_challenge_methods_supported").EnumerateArray().Select(e => e.GetString()!).ToArray());
            Assert.Equal(new[] { "client_secret_basic" }, metadata.GetProperty("token_endpoint_auth_methods_supported").EnumerateArray().Select(e => e.GetString()!).ToArray());
            Assert.Superset(new HashSet<string> { "authorization_code", "refresh_token", "client_credentials" },
                metadata.GetProperty("grant_types_supported").EnumerateArray().Select(e => e.GetString()!).ToHashSet());
            Assert.Contains("ucp:customer_read", metadata.GetProperty("scopes_supported").EnumerateArray().Select(e => e.GetString()));
        }
        await Get(anonymous, "/.well-known/ucp", ("x-orgcode", "no-such-org")).Problem(HttpStatusCode.NotFound, "not_found");
    }

    private static async Task<JsonElement> Profile(HttpClient client, string path, string orgcode) => await Get(client, path, ("x-orgcode", orgcode)).Ok();

    private static Task<HttpResponseMessage> Get(HttpClient client, string path, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        foreach (var (name, value) in headers)
        {
            if (name == "Host")
            {
                request.Headers.Host = value;
            }
            else
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }
        return client.SendAsync(request);
    }

    private static void AssertValidProfile(JsonElement profile)
    {
        var registry = new SchemaRegistry
        {
            // The schemas' references resolve to ucp.dev URIs; they are served from the copy in shared/spec.
            Fetch = (uri, reg) =>
            {
                var path = uri.GetLeftPart(UriPartial.Path);
                var at = path.LastIndexOf("/schemas/", StringComparison.Ordinal);
                var file = Path.Combine(SpecDir, "schemas", path[(at + "/schemas/".Length)..]);
                return File.Exists(file) ? JsonSchema.FromFile(file, new BuildOptions { SchemaRegistry = reg }, uri) : null;
            },
        };
        var schema = JsonSchema.FromFile(Path.Combine(SpecDir, "discovery", "profile_schema.json"), new BuildOptions { SchemaRegistry = registry });
        var result = schema.Evaluate(profile, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(result.IsValid, $"the profile does not fit the discovery schema: {profile.GetRawText()} {JsonSerializer.Serialize(result)}");
        // The business branch: services and payment handlers are required there.
        Assert.True(profile.GetProperty("ucp").TryGetProperty("services", out _) && profile.GetProperty("ucp").TryGetProperty("payment_handlers", out _));
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !Directory.Exists(Path.Combine(dir.FullName, "shared", "spec", "ucp-2026-04-08")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? "/work/shared/..";
    }
}
