using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.DependencyInjection;

namespace Retail.Ucp.Platforms;

/// <summary>
/// Who a platform call comes from: the platform (by its client credentials or a client_credentials access token) and,
/// when it acts for a linked customer (an authorization_code access token), that customer and link. <see cref="Scopes"/>
/// are what this call may do: the platform's own scopes, or the scopes granted to the link.
/// </summary>
public sealed record PlatformCaller(string Orgcode, Platform Platform, IReadOnlyList<string> Scopes, string? CustomerGuid = null,
    string? LinkGuid = null)
{
    public bool Has(string scope) => Scopes.Contains(scope, StringComparer.Ordinal);
}

/// <summary>
/// Turns a bearer token into its caller (identity linking issues them); null when the token is unknown, expired or revoked.
/// Until one is registered every bearer token is refused.
/// </summary>
public interface IPlatformTokenAuthenticator
{
    ValueTask<PlatformCaller?> AuthenticateAsync(string bearerToken, CancellationToken ct);
}

/// <summary>
/// How an operation a platform calls is protected. The contract middleware lets the call through (platforms hold no USM
/// credentials); this filter authenticates the platform itself — HTTP Basic with <c>client_id:client_secret</c> (RFC 6749
/// §2.3.1) or a bearer token — finds its org from the client id, refuses a revoked platform, answers 403
/// <c>org_not_active</c> to a write for an org that is not active, and fills <see cref="RequestContext"/> (org, and a
/// principal per platform, which scopes idempotency replays) before the handler and the idempotency filter run.
/// </summary>
public static class PlatformAccess
{
    private const string CallerItem = "ucp.platform-caller";

    /// <summary>Only a platform (optionally holding <paramref name="scope"/>) may call this. Add before <c>AsWrite()</c>.</summary>
    public static RouteHandlerBuilder RequirePlatform(this RouteHandlerBuilder builder, string? scope = null) =>
        builder.AllowAnonymousCaller().WithMetadata(new PlatformRequirement(scope)).AddEndpointFilter(async (invocation, next) =>
        {
            var http = invocation.HttpContext;
            var write = http.GetEndpoint()?.Metadata.GetMetadata<WriteOperation>() is not null;
            var (caller, problem) = await AuthenticateAsync(http, write, http.RequestAborted);
            if (problem is not null)
            {
                return problem;
            }
            if (scope is not null && !caller!.Has(scope))
            {
                return ApiProblem.Create(StatusCodes.Status403Forbidden, "insufficient_scope", "The token does not grant this scope.",
                    $"This operation needs the scope '{scope}'.");
            }
            return await next(invocation);
        });

    /// <summary>The authenticated platform of this call (only inside an operation marked <see cref="RequirePlatform"/>).</summary>
    public static PlatformCaller PlatformCaller(this HttpContext http) =>
        http.Items[CallerItem] as PlatformCaller ?? throw new InvalidOperationException("the operation is not marked RequirePlatform");

    /// <summary>
    /// Authenticates the platform of <paramref name="http"/> and fills the request context; a problem (401, 403, 503) when
    /// it cannot. Public for the REST binding's handlers and the token endpoint, which authenticate the same way.
    /// </summary>
    public static async Task<(PlatformCaller? Caller, ProblemHttpResult? Problem)> AuthenticateAsync(HttpContext http, bool write, CancellationToken ct)
    {
        var caller = await ResolveAsync(http, ct);
        if (caller is null)
        {
            http.Response.Headers.WWWAuthenticate = "Basic realm=\"ucp\", Bearer realm=\"ucp\"";
            return (null, ApiProblem.Create(StatusCodes.Status401Unauthorized, "platform_unauthenticated", "The platform is not authenticated.",
                "Send the platform's client_id and client_secret with HTTP Basic, or a bearer token issued by /identity/token."));
        }
        var directory = http.RequestServices.GetRequiredService<IOrgDirectory>();
        var access = await directory.GetAccessAsync(caller.Orgcode, Principal.ServiceCaller(UcpModule.Id), ct);
        if (access.Dependency is not null)
        {
            return (null, ApiProblem.DependencyUnavailable(access.Dependency));
        }
        if (!access.Found)
        {
            return (null, ApiProblem.Create(StatusCodes.Status401Unauthorized, "platform_unauthenticated", "The platform is not authenticated."));
        }
        if (write && access.Status != OrgStatus.Active)
        {
            return (null, ApiProblem.Create(StatusCodes.Status403Forbidden, ProblemCodes.OrgNotActive, "The org does not take writes.",
                $"The org is {access.Status.ToString().ToLowerInvariant()}; only active orgs take writes."));
        }
        var context = http.RequestServices.GetRequiredService<RequestContext>();
        context.Orgcode = caller.Orgcode;
        context.OrgStatus = access.Status;
        context.Role = Role.Member;
        context.Principal = new Principal($"platform:{caller.Platform.PlatformGuid}", PrincipalKind.ServiceAccount, caller.Orgcode, Role.Member,
            CredentialId: caller.Platform.ClientId);
        http.Items[CallerItem] = caller;
        return (caller, null);
    }

    private static async Task<PlatformCaller?> ResolveAsync(HttpContext http, CancellationToken ct)
    {
        if (!AuthenticationHeaderValue.TryParse(http.Request.Headers.Authorization.ToString(), out var header) || header.Parameter is null)
        {
            return null;
        }
        if (header.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            var tokens = http.RequestServices.GetService<IPlatformTokenAuthenticator>();
            return tokens is null ? null : await tokens.AuthenticateAsync(header.Parameter, ct);
        }
        if (!header.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase) || ReadBasic(header.Parameter) is not var (clientId, secret))
        {
            return null;
        }
        return await FindAsync(http.RequestServices, clientId, secret, ct);
    }

    /// <summary>The active platform these client credentials belong to, or null.</summary>
    public static async Task<PlatformCaller?> FindAsync(IServiceProvider services, string clientId, string secret, CancellationToken ct)
    {
        if (PlatformSecrets.OrgOf(clientId) is not { } orgcode)
        {
            return null;
        }
        var platforms = services.GetRequiredService<RecordStore<Platform>>();
        var loaded = await platforms.FindAsync(orgcode, "client_id", clientId, ct);
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        return loaded is not null && loaded.Record.Accepts(secret, now) ? new PlatformCaller(orgcode, loaded.Record, loaded.Record.Scopes) : null;
    }

    /// <summary>RFC 6749 §2.3.1: base64 of the form-url-encoded client id, a colon, and the form-url-encoded secret.</summary>
    public static (string ClientId, string Secret)? ReadBasic(string parameter)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(parameter));
            var colon = text.IndexOf(':');
            return colon <= 0 ? null : (Uri.UnescapeDataString(text[..colon].Replace('+', ' ')), Uri.UnescapeDataString(text[(colon + 1)..].Replace('+', ' ')));
        }
        catch (FormatException)
        {
            return null;
        }
    }
}

/// <summary>Marks an operation a platform calls (and the scope it needs), for the OpenAPI document and tests.</summary>
public sealed record PlatformRequirement(string? Scope);
