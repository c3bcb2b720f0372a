using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Retail.Shared.Invocation;

namespace Retail.Shared.Contract.Identity;

/// <summary>
/// Resolves <c>x-api-key</c> (service-account keys) and <c>x-session-guid</c> by asking USM through service
/// invocation, so it works alike in the host and beside a Dapr sidecar. Answers are cached briefly; the revocation
/// events clear them. When USM cannot answer, the request is denied (503), never let through.
/// Credentials not in USM's shapes are left to other resolvers.
/// </summary>
public sealed class UsmCredentialResolver(IServiceInvoker invoker, CredentialCache cache, TimeProvider clock,
    IOptions<IdentityOptions> options, ILogger<UsmCredentialResolver> logger) : ICredentialResolver
{
    public async ValueTask<CredentialResult> ResolveAsync(HttpContext httpContext, CancellationToken cancellationToken)
    {
        var headers = httpContext.Request.Headers;
        if (headers.TryGetValue(CredentialHeaders.ApiKey, out var key) && CredentialFormats.LooksLikeApiKey(key.ToString()))
        {
            return await ResolveApiKeyAsync(key.ToString(), cancellationToken);
        }
        if (headers.TryGetValue(CredentialHeaders.Session, out var session) && CredentialFormats.LooksLikeSession(session.ToString()))
        {
            return await ResolveSessionAsync(session.ToString(), cancellationToken);
        }
        return CredentialResult.NotMine;
    }

    private async Task<CredentialResult> ResolveSessionAsync(string secret, CancellationToken ct)
    {
        var hash = CredentialFormats.Hash(secret);
        if (cache.Find(hash) is { } cached)
        {
            return CredentialResult.Ok(cached);
        }
        var generation = cache.Generation;
        var (answer, unavailable) = await AskAsync<SessionValidation>(UsmEndpoints.SessionValidate, new SessionValidateRequest(secret), ct);
        if (unavailable is not null)
        {
            return unavailable;
        }
        if (answer is not { Valid: true, SessionId: { } sessionId, UserGuid: { } userGuid })
        {
            return CredentialResult.Rejected;
        }
        var principal = new Principal(userGuid, PrincipalKind.User, Email: answer.Email, CredentialId: sessionId);
        cache.Add(hash, principal, [CredentialCache.SessionTag(sessionId), CredentialCache.UserTag(userGuid)], Until(answer.ExpiresAt), generation);
        return CredentialResult.Ok(principal);
    }

    private async Task<CredentialResult> ResolveApiKeyAsync(string secret, CancellationToken ct)
    {
        var hash = CredentialFormats.Hash(secret);
        if (cache.Find(hash) is { } cached)
        {
            return CredentialResult.Ok(cached);
        }
        var generation = cache.Generation;
        var (answer, unavailable) = await AskAsync<ApiKeyValidation>(UsmEndpoints.ApiKeyValidate, new ApiKeyValidateRequest(secret), ct);
        if (unavailable is not null)
        {
            return unavailable;
        }
        if (answer is not { Valid: true, ApiKeyGuid: { } keyGuid, ServiceAccountGuid: { } accountGuid, Orgcode: { } orgcode, Role: { } role })
        {
            return CredentialResult.Rejected;
        }
        var principal = new Principal(accountGuid, PrincipalKind.ServiceAccount, orgcode, role, CredentialId: keyGuid);
        cache.Add(hash, principal,
            [CredentialCache.ApiKeyTag(keyGuid), CredentialCache.ServiceAccountTag(accountGuid), CredentialCache.OrgTag(orgcode)],
            Until(answer.ExpiresAt), generation);
        return CredentialResult.Ok(principal);
    }

    private DateTimeOffset Until(DateTimeOffset? expiresAt)
    {
        var until = clock.GetUtcNow() + options.Value.CacheLifetime;
        return expiresAt is { } expiry && expiry < until ? expiry : until;
    }

    private async Task<(T? Answer, CredentialResult? Unavailable)> AskAsync<T>(string path, object body, CancellationToken ct) where T : class
    {
        InvocationResponse response;
        try
        {
            response = await invoker.InvokeAsync(UsmEndpoints.AppId, path, body, new InvocationOptions(Timeout: options.Value.CheckTimeout), ct);
        }
        catch (DependencyUnavailableException ex)
        {
            logger.LogWarning("USM could not be reached to check a credential ({Error}); the request is denied", ex.InnerException?.GetType().Name ?? ex.GetType().Name);
            return (null, CredentialResult.Unavailable(UsmEndpoints.AppId));
        }
        if (!response.IsSuccess)
        {
            // USM answers 200 for every credential, valid or not; anything else means it could not check this one.
            logger.LogWarning("USM answered {Status} to a credential check; the request is denied", response.StatusCode);
            return (null, CredentialResult.Unavailable(UsmEndpoints.AppId));
        }
        try
        {
            return (response.ReadAs<T>(), null);
        }
        catch (System.Text.Json.JsonException)
        {
            logger.LogWarning("USM's answer to a credential check could not be read; the request is denied");
            return (null, CredentialResult.Unavailable(UsmEndpoints.AppId));
        }
    }
}
