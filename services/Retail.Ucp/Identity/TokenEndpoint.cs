using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Retail.Shared;
using Retail.Shared.Invocation;

namespace Retail.Ucp.Identity;

/// <summary>
/// The OAuth endpoints a platform calls: /identity/token (RFC 6749 §4.1.3, §6, §4.4), /identity/revoke (RFC 7009) and
/// /identity/userinfo. They authenticate the platform themselves (client_secret_basic, or the bearer token) and answer
/// RFC 6749 §5.2 errors; every answer carries <c>Cache-Control: no-store</c>.
/// </summary>
public static class TokenEndpoint
{
    public static async Task<IResult> TokenAsync(HttpContext http, CancellationToken ct)
    {
        NoStore(http);
        var services = http.RequestServices;
        var form = await ReadParametersAsync(http.Request, ct);
        if (form is null)
        {
            return Error(StatusCodes.Status400BadRequest, "invalid_request", "The body must be application/x-www-form-urlencoded (or a JSON object).");
        }
        var client = await ClientAsync(http, ct);
        if (client is null)
        {
            http.Response.Headers.WWWAuthenticate = "Basic realm=\"ucp\"";
            return Error(StatusCodes.Status401Unauthorized, "invalid_client", "Authenticate the platform with HTTP Basic client_id:client_secret.");
        }
        var options = services.GetRequiredService<IOptions<IdentityOptions>>().Value;
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var families = services.GetRequiredService<RecordStore<TokenFamily>>();
        var orgcode = client.Orgcode;
        var platform = client.Platform;
        switch (form.GetValueOrDefault("grant_type"))
        {
            case "authorization_code":
            {
                var code = form.GetValueOrDefault("code");
                var verifier = form.GetValueOrDefault("code_verifier");
                if (string.IsNullOrEmpty(code) || string.IsNullOrEmpty(verifier))
                {
                    return Error(StatusCodes.Status400BadRequest, "invalid_request", "code and code_verifier are required.");
                }
                var codes = services.GetRequiredService<RecordStore<AuthorizationCode>>();
                if (IdentityTokens.OrgOf(code, IdentityTokens.CodePrefix) != orgcode
                    || await codes.GetAsync(orgcode, IdentityTokens.Hash(code), ct: ct) is not { } loaded
                    || loaded.Record.PlatformGuid != platform.PlatformGuid)
                {
                    return InvalidGrant("The authorization code is unknown.");
                }
                var grant = loaded.Record;
                if (grant.UsedAt is not null)
                {
                    // A replayed code: what it issued is revoked too (RFC 6749 §4.1.2).
                    if (grant.FamilyGuid is not null)
                    {
                        await RevokeFamilyAsync(families, orgcode, grant.FamilyGuid, "code_reuse", now, ct);
                    }
                    return InvalidGrant("The authorization code was already used.");
                }
                if (grant.ExpiresAt <= now)
                {
                    return InvalidGrant("The authorization code has expired.");
                }
                if (!IdentityTokens.Verifies(verifier, grant.CodeChallenge))
                {
                    return InvalidGrant("The code_verifier does not match the code_challenge (S256).");
                }
                var link = await services.GetRequiredService<RecordStore<IdentityLink>>().GetAsync(orgcode, grant.LinkGuid, ct: ct);
                if (link is null || link.Record.Status != LinkStatus.Active)
                {
                    return InvalidGrant("The identity link is revoked.");
                }
                var (family, access, refresh) = NewFamily(platform, grant.LinkGuid, grant.CustomerGuid, grant.Scopes, orgcode, options, now, withRefresh: true);
                var batch = new RecordBatch();
                codes.Update(batch, orgcode, loaded, grant with { UsedAt = now, FamilyGuid = family.FamilyGuid }, "used");
                families.Create(batch, orgcode, family);
                var write = await batch.CommitAsync(ct);
                return write.Succeeded ? Issued(access, refresh, family, options) : InvalidGrant("The authorization code was already used.");
            }
            case "refresh_token":
            {
                var refresh = form.GetValueOrDefault("refresh_token");
                if (string.IsNullOrEmpty(refresh))
                {
                    return Error(StatusCodes.Status400BadRequest, "invalid_request", "refresh_token is required.");
                }
                if (IdentityTokens.OrgOf(refresh, IdentityTokens.RefreshPrefix) != orgcode)
                {
                    return InvalidGrant("The refresh token is unknown.");
                }
                var hash = IdentityTokens.Hash(refresh);
                var loaded = await families.FindAsync(orgcode, "refresh", hash, ct);
                if (loaded is null)
                {
                    if (await families.FindAsync(orgcode, "spent", hash, ct) is { } spent && spent.Record.PlatformGuid == platform.PlatformGuid)
                    {
                        // A rotated refresh token came back: someone holds a copy. The whole family stops.
                        await RevokeFamilyAsync(families, orgcode, spent.Record.FamilyGuid, "refresh_token_reuse", now, ct);
                        return InvalidGrant("The refresh token was already used; every token of this grant is revoked.");
                    }
                    return InvalidGrant("The refresh token is unknown.");
                }
                var current = loaded.Record;
                if (current.PlatformGuid != platform.PlatformGuid || current.Status != TokenFamilyStatus.Active || current.RefreshExpiresAt <= now)
                {
                    return InvalidGrant("The refresh token is revoked or expired.");
                }
                if (current.LinkGuid is not null
                    && await services.GetRequiredService<RecordStore<IdentityLink>>().GetAsync(orgcode, current.LinkGuid, ct: ct) is not { Record.Status: LinkStatus.Active })
                {
                    return InvalidGrant("The identity link is revoked.");
                }
                var access = IdentityTokens.New(IdentityTokens.AccessPrefix, orgcode);
                var nextRefresh = IdentityTokens.New(IdentityTokens.RefreshPrefix, orgcode);
                var next = current with
                {
                    AccessHash = IdentityTokens.Hash(access),
                    AccessExpiresAt = now + options.AccessTokenLifetime,
                    RefreshHash = IdentityTokens.Hash(nextRefresh),
                    RefreshExpiresAt = now + options.RefreshTokenLifetime,
                    SpentRefreshHashes = [.. current.SpentRefreshHashes, hash],
                };
                var write = await families.UpdateAsync(orgcode, loaded, next, "refreshed", ct: ct);
                return write.Succeeded ? Issued(access, nextRefresh, write.Record!, options) : InvalidGrant("The refresh token was already used.");
            }
            case "client_credentials":
            {
                var scopes = platform.Scopes;
                if (form.GetValueOrDefault("scope") is { Length: > 0 } requested)
                {
                    var asked = requested.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(UcpScopes.Normalize).ToList();
                    if (asked.Any(s => s is null || !platform.Scopes.Contains(s)))
                    {
                        return Error(StatusCodes.Status400BadRequest, "invalid_scope", "The platform does not hold every scope asked for.");
                    }
                    scopes = asked.Distinct().ToList()!;
                }
                var (family, access, _) = NewFamily(platform, null, null, scopes, orgcode, options, now, withRefresh: false);
                var write = await families.CreateAsync(orgcode, family, ct: ct);
                return write.Succeeded ? Issued(access, null, family, options) : Error(StatusCodes.Status400BadRequest, "invalid_request", "Try again.");
            }
            default:
                return Error(StatusCodes.Status400BadRequest, "unsupported_grant_type",
                    "grant_type must be authorization_code, refresh_token or client_credentials.");
        }
    }

    public static async Task<IResult> RevokeAsync(HttpContext http, CancellationToken ct)
    {
        NoStore(http);
        var services = http.RequestServices;
        var form = await ReadParametersAsync(http.Request, ct);
        var client = await ClientAsync(http, ct);
        if (client is null)
        {
            http.Response.Headers.WWWAuthenticate = "Basic realm=\"ucp\"";
            return Error(StatusCodes.Status401Unauthorized, "invalid_client", "Authenticate the platform with HTTP Basic client_id:client_secret.");
        }
        var token = form?.GetValueOrDefault("token");
        if (string.IsNullOrEmpty(token))
        {
            return Error(StatusCodes.Status400BadRequest, "invalid_request", "token is required.");
        }
        var families = services.GetRequiredService<RecordStore<TokenFamily>>();
        var hash = IdentityTokens.Hash(token);
        var orgcode = client.Orgcode;
        // RFC 7009 §2.2: an unknown, expired or foreign token is answered 200 as well; what this platform holds is revoked.
        var found = IdentityTokens.OrgOf(token, IdentityTokens.AccessPrefix) == orgcode ? await families.FindAsync(orgcode, "access", hash, ct)
            : IdentityTokens.OrgOf(token, IdentityTokens.RefreshPrefix) == orgcode ? await families.FindAsync(orgcode, "refresh", hash, ct)
            : null;
        if (found is { Record: { Status: TokenFamilyStatus.Active } family } && family.PlatformGuid == client.Platform.PlatformGuid)
        {
            await RevokeFamilyAsync(families, orgcode, family.FamilyGuid, "revoked_by_platform", services.GetRequiredService<TimeProvider>().GetUtcNow(), ct);
        }
        return Results.Ok();
    }

    public static async Task<IResult> UserInfoAsync(HttpContext http, CancellationToken ct)
    {
        NoStore(http);
        var services = http.RequestServices;
        PlatformCaller? caller = null;
        if (AuthenticationHeaderValue.TryParse(http.Request.Headers.Authorization.ToString(), out var header)
            && header.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase) && header.Parameter is { } bearer)
        {
            caller = await services.GetRequiredService<IPlatformTokenAuthenticator>().AuthenticateAsync(bearer, ct);
        }
        if (caller is null)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer realm=\"ucp\", error=\"invalid_token\"";
            return Error(StatusCodes.Status401Unauthorized, "invalid_token", "The access token is unknown, expired or revoked.");
        }
        if (caller.CustomerGuid is null)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer realm=\"ucp\", error=\"insufficient_scope\"";
            return Error(StatusCodes.Status403Forbidden, "insufficient_scope", "The token acts for no customer (client_credentials).");
        }
        var info = new Dictionary<string, object?> { ["sub"] = caller.CustomerGuid, ["scope"] = string.Join(' ', caller.Scopes) };
        if (caller.Has(UcpScopes.CustomerRead))
        {
            var response = await services.GetRequiredService<IServiceInvoker>().InvokeAsync("crm", "/customer/get",
                new { customer_guid = caller.CustomerGuid }, new InvocationOptions(caller.Orgcode), ct);
            if (!response.IsSuccess)
            {
                return response.StatusCode == StatusCodes.Status404NotFound
                    ? Error(StatusCodes.Status401Unauthorized, "invalid_token", "The linked customer no longer exists.")
                    : Error(StatusCodes.Status503ServiceUnavailable, "temporarily_unavailable", "The customer directory is unavailable.");
            }
            var customer = JsonDocument.Parse(response.Body).RootElement;
            string? Text(string name) => customer.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            info["customer_guid"] = caller.CustomerGuid;
            info["code"] = caller.CustomerGuid;
            info["email"] = Text("email");
            info["phone"] = Text("phone");
            info["given_name"] = Text("given_name");
            info["family_name"] = Text("family_name");
            info["name"] = string.Join(' ', new[] { Text("given_name"), Text("family_name") }.Where(n => !string.IsNullOrEmpty(n))) is { Length: > 0 } n ? n : null;
        }
        return Results.Json(info);
    }

    private static (TokenFamily Family, string Access, string? Refresh) NewFamily(Platform platform, string? linkGuid, string? customerGuid,
        IReadOnlyList<string> scopes, string orgcode, IdentityOptions options, DateTimeOffset now, bool withRefresh)
    {
        var access = IdentityTokens.New(IdentityTokens.AccessPrefix, orgcode);
        var refresh = withRefresh ? IdentityTokens.New(IdentityTokens.RefreshPrefix, orgcode) : null;
        var family = new TokenFamily
        {
            FamilyGuid = Ids.New(),
            PlatformGuid = platform.PlatformGuid,
            LinkGuid = linkGuid,
            CustomerGuid = customerGuid,
            Scopes = scopes,
            AccessHash = IdentityTokens.Hash(access),
            AccessExpiresAt = now + options.AccessTokenLifetime,
            RefreshHash = refresh is null ? null : IdentityTokens.Hash(refresh),
            RefreshExpiresAt = refresh is null ? null : now + options.RefreshTokenLifetime,
        };
        return (family, access, refresh);
    }

    private static async Task RevokeFamilyAsync(RecordStore<TokenFamily> families, string orgcode, string familyGuid, string reason, DateTimeOffset now,
        CancellationToken ct)
    {
        for (var tries = 0; tries < 5; tries++)
        {
            if (await families.GetAsync(orgcode, familyGuid, ct: ct) is not { } loaded || loaded.Record.Status == TokenFamilyStatus.Revoked)
            {
                return;
            }
            var write = await families.UpdateAsync(orgcode, loaded,
                loaded.Record with { Status = TokenFamilyStatus.Revoked, RevokedAt = now, RevokedReason = reason }, "revoked", ct: ct);
            if (write.Succeeded)
            {
                return;
            }
        }
    }

    private static IResult Issued(string access, string? refresh, TokenFamily family, IdentityOptions options)
    {
        var body = new Dictionary<string, object?>
        {
            ["access_token"] = access,
            ["token_type"] = "Bearer",
            ["expires_in"] = (int)options.AccessTokenLifetime.TotalSeconds,
            ["scope"] = string.Join(' ', family.Scopes),
        };
        if (refresh is not null)
        {
            body["refresh_token"] = refresh;
        }
        return Results.Json(body);
    }

    private static async Task<PlatformCaller?> ClientAsync(HttpContext http, CancellationToken ct)
    {
        if (!AuthenticationHeaderValue.TryParse(http.Request.Headers.Authorization.ToString(), out var header) || header.Parameter is null
            || !header.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase) || PlatformAccess.ReadBasic(header.Parameter) is not var (id, secret))
        {
            return null;
        }
        return await PlatformAccess.FindAsync(http.RequestServices, id, secret, ct);
    }

    /// <summary>The form parameters (RFC 6749 §3.2), or a flat JSON object's string members; null when neither.</summary>
    private static async Task<Dictionary<string, string>?> ReadParametersAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(ct);
            return form.ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal);
        }
        if (request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) == true)
        {
            try
            {
                using var json = await JsonDocument.ParseAsync(request.Body, cancellationToken: ct);
                return json.RootElement.ValueKind != JsonValueKind.Object ? null
                    : json.RootElement.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String)
                        .ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);
            }
            catch (JsonException)
            {
                return null;
            }
        }
        return null;
    }

    private static void NoStore(HttpContext http)
    {
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers.Pragma = "no-cache";
    }

    private static IResult InvalidGrant(string description) => Error(StatusCodes.Status400BadRequest, "invalid_grant", description);

    /// <summary>RFC 6749 §5.2.</summary>
    private static IResult Error(int status, string error, string description) =>
        Results.Json(new Dictionary<string, string> { ["error"] = error, ["error_description"] = description }, statusCode: status);
}

/// <summary>
/// <see cref="IPlatformTokenAuthenticator"/>: an access token names its org, is found by its hash, and is honoured only
/// while its family is active and unexpired, its platform active, and (for a linked token) its link active.
/// </summary>
public sealed class IdentityTokenAuthenticator(RecordStore<TokenFamily> families, RecordStore<Platform> platforms, RecordStore<IdentityLink> links,
    TimeProvider clock) : IPlatformTokenAuthenticator
{
    public async ValueTask<PlatformCaller?> AuthenticateAsync(string bearerToken, CancellationToken ct)
    {
        if (IdentityTokens.OrgOf(bearerToken, IdentityTokens.AccessPrefix) is not { } orgcode
            || await families.FindAsync(orgcode, "access", IdentityTokens.Hash(bearerToken), ct) is not { Record: var family }
            || family.Status != TokenFamilyStatus.Active || family.AccessExpiresAt <= clock.GetUtcNow()
            || await platforms.GetAsync(orgcode, family.PlatformGuid, ct: ct) is not { Record: { Status: PlatformStatus.Active } platform })
        {
            return null;
        }
        if (family.LinkGuid is not null && await links.GetAsync(orgcode, family.LinkGuid, ct: ct) is not { Record.Status: LinkStatus.Active })
        {
            return null;
        }
        var scopes = family.Scopes.Intersect(platform.Scopes, StringComparer.Ordinal).ToList();
        return new PlatformCaller(orgcode, platform, scopes, family.CustomerGuid, family.LinkGuid);
    }
}
