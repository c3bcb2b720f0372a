using System.Text.Json.Nodes;
using Retail.Ucp.Config;
using Retail.Ucp.Identity;

namespace Retail.Ucp.Discovery;

/// <summary>
/// The discovery documents, anonymous: <c>GET /.well-known/ucp</c> (the business profile: UCP version, the REST service
/// at this host's UCP base URL, the capabilities the org's config enables, its payment handlers, and its public signing
/// keys) and <c>GET /identity/.well-known/oauth-authorization-server</c> (RFC 8414 metadata). The org is the
/// <c>x-orgcode</c> header's, else the one whose business domain is the request's Host (config <c>domains</c>).
/// </summary>
public static class DiscoveryApi
{
    public const string Version = "2026-04-08";
    public const string ShoppingService = "dev.ucp.shopping";
    public const string CheckoutCapability = "dev.ucp.shopping.checkout";
    public const string OrderCapability = "dev.ucp.shopping.order";
    public const string IdentityCapability = "dev.ucp.common.identity_linking";
    public const string ProfilePath = "/.well-known/ucp";
    public const string OAuthMetadataPath = "/identity/.well-known/oauth-authorization-server";

    private const string Spec = "https://ucp.dev/" + Version + "/specification/";
    private const string Schemas = "https://ucp.dev/" + Version + "/schemas/";

    /// <summary>Maps both documents. <paramref name="basePath"/> is the UCP base path when known (the root copies: <c>/ucp</c>).</summary>
    public static IEndpointRouteBuilder MapDiscoveryApi(this IEndpointRouteBuilder routes, string? basePath = null)
    {
        var profile = routes.MapGet(ProfilePath, (HttpContext http, CancellationToken ct) => ProfileAsync(http, basePath, ct))
            .AllowAnonymousCaller().WithTags("UCP discovery")
            .WithSummary("The business profile: UCP version, REST service, enabled capabilities, payment handlers, signing keys (JWK).");
        var oauth = routes.MapGet(OAuthMetadataPath, (HttpContext http, CancellationToken ct) => OAuthMetadataAsync(http, basePath, ct))
            .AllowAnonymousCaller().WithTags("UCP discovery")
            .WithSummary("OAuth 2.0 authorization server metadata (RFC 8414) of identity linking.");
        if (basePath is not null)
        {
            // The root copies: the same operations as under /ucp, which the OpenAPI document already lists.
            profile.ExcludeFromDescription();
            oauth.ExcludeFromDescription();
        }
        return routes;
    }

    public static async Task<IResult> ProfileAsync(HttpContext http, string? basePath, CancellationToken ct)
    {
        var services = http.RequestServices;
        var (orgcode, problem) = await DiscoveryOrg.ResolveAsync(http, ct);
        if (problem is not null)
        {
            return problem;
        }
        var config = (await services.GetRequiredService<RecordStore<UcpConfig>>().GetAsync(orgcode, UcpConfig.TheKey, ct: ct))?.Record ?? UcpConfig.Empty;
        var keys = await services.GetRequiredService<IUcpSigningKeys>().PublicJwksAsync(orgcode!, ct);
        var baseUrl = BaseUrl(http, basePath, ProfilePath);
        var enabled = config.Capabilities;
        var capabilities = new JsonObject();
        if (enabled.Checkout)
        {
            capabilities[CheckoutCapability] = new JsonArray(Entity("shopping/checkout", "checkout"));
        }
        if (enabled.Order)
        {
            capabilities[OrderCapability] = new JsonArray(Entity("shopping/order", "order"));
        }
        if (enabled.Identity)
        {
            var scopes = new JsonObject();
            foreach (var (_, token) in UcpScopes.Specification)
            {
                scopes[token] = new JsonObject();
            }
            var identity = Entity("common/identity_linking", "identity-linking");
            identity["config"] = new JsonObject { ["scopes"] = scopes };
            capabilities[IdentityCapability] = new JsonArray(identity);
        }
        var servicesNode = new JsonObject();
        if (enabled.Checkout || enabled.Order)
        {
            servicesNode[ShoppingService] = new JsonArray(new JsonObject
            {
                ["version"] = Version,
                ["transport"] = "rest",
                ["endpoint"] = baseUrl,
                ["spec"] = Spec + "overview",
                ["schema"] = "https://ucp.dev/" + Version + "/services/shopping/rest.openapi.json",
            });
        }
        var handlers = new JsonObject();
        foreach (var group in config.PaymentHandlers.GroupBy(h => h.Name, StringComparer.Ordinal))
        {
            var list = new JsonArray();
            foreach (var h in group)
            {
                var node = new JsonObject { ["id"] = h.Id, ["version"] = h.Version ?? Version };
                if (h.Config is { ValueKind: System.Text.Json.JsonValueKind.Object } c)
                {
                    node["config"] = JsonNode.Parse(c.GetRawText());
                }
                list.Add(node);
            }
            handlers[group.Key] = list;
        }
        var document = new JsonObject
        {
            ["ucp"] = new JsonObject
            {
                ["version"] = Version,
                ["services"] = servicesNode,
                ["capabilities"] = capabilities,
                ["payment_handlers"] = handlers,
            },
            ["signing_keys"] = new JsonArray(keys.Select(k => (JsonNode)k.DeepClone()).ToArray()),
        };
        return Results.Json(document, contentType: "application/json");
    }

    public static async Task<IResult> OAuthMetadataAsync(HttpContext http, string? basePath, CancellationToken ct)
    {
        var (orgcode, problem) = await DiscoveryOrg.ResolveAsync(http, ct);
        if (problem is not null)
        {
            return problem;
        }
        var baseUrl = BaseUrl(http, basePath, OAuthMetadataPath);
        var scopes = new JsonArray(UcpScopes.All.Concat(UcpScopes.Specification.Values).Select(s => (JsonNode)JsonValue.Create(s)!).ToArray());
        var document = new JsonObject
        {
            ["issuer"] = baseUrl,
            ["authorization_endpoint"] = baseUrl + "/identity/authorize",
            ["token_endpoint"] = baseUrl + "/identity/token",
            ["revocation_endpoint"] = baseUrl + "/identity/revoke",
            ["userinfo_endpoint"] = baseUrl + "/identity/userinfo",
            ["response_types_supported"] = new JsonArray("code"),
            ["grant_types_supported"] = new JsonArray("authorization_code", "refresh_token", "client_credentials"),
            ["code_challenge_methods_supported"] = new JsonArray("S256"),
            ["token_endpoint_auth_methods_supported"] = new JsonArray("client_secret_basic"),
            ["revocation_endpoint_auth_methods_supported"] = new JsonArray("client_secret_basic"),
            ["scopes_supported"] = scopes,
            ["ucp_orgcode"] = orgcode,
        };
        return Results.Json(document, contentType: "application/json");
    }

    /// <summary>
    /// <c>{scheme}://{host}{path base}{UCP base}</c>: the root copies know their base (<c>/ucp</c>); the module's own copy
    /// takes what precedes the document's path in the request (<c>/ucp</c> in the host, nothing when UCP runs alone).
    /// </summary>
    private static string BaseUrl(HttpContext http, string? basePath, string documentPath)
    {
        var request = http.Request;
        var path = request.Path.Value ?? "";
        var prefix = basePath ?? (path.EndsWith(documentPath, StringComparison.Ordinal) ? path[..^documentPath.Length] : "");
        return $"{request.Scheme}://{request.Host}{request.PathBase}{prefix}";
    }

    private static JsonObject Entity(string schema, string spec) => new()
    {
        ["version"] = Version,
        ["spec"] = Spec + spec,
        ["schema"] = Schemas + schema + ".json",
    };
}

/// <summary>The org a discovery document is about: the <c>x-orgcode</c> header's, else the owner of the request's Host.</summary>
public static class DiscoveryOrg
{
    public static async Task<(string? Orgcode, IResult? Problem)> ResolveAsync(HttpContext http, CancellationToken ct)
    {
        var services = http.RequestServices;
        var context = services.GetRequiredService<RequestContext>();
        var orgcode = context.Orgcode;
        if (orgcode is null)
        {
            var host = ConfigApi.NormalizeDomain(http.Request.Host.Host);
            var domain = await services.GetRequiredService<RecordStore<BusinessDomain>>().FindAsync(null, "domain", host, ct);
            orgcode = domain?.Record.Orgcode;
        }
        if (orgcode is null)
        {
            return (null, ApiProblem.NotFound("No business is served at this host; send x-orgcode or use a configured business domain."));
        }
        var access = await services.GetRequiredService<IOrgDirectory>().GetAccessAsync(orgcode, Principal.ServiceCaller(UcpModule.Id), ct);
        if (access.Dependency is not null)
        {
            return (null, ApiProblem.DependencyUnavailable(access.Dependency));
        }
        if (!access.Found || access.Status != OrgStatus.Active)
        {
            return (null, ApiProblem.NotFound("No business is served at this host."));
        }
        context.Orgcode = orgcode;
        return (orgcode, null);
    }
}
