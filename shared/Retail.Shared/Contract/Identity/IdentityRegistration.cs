using Dapr;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using System.Text.Json;
using Retail.Shared.Json;

namespace Retail.Shared.Contract.Identity;

public static class IdentityRegistration
{
    /// <summary>Route prefix of the revocation subscribers every app maps once.</summary>
    public const string RevocationRoute = "/identity/revocations";

    /// <summary>Sessions and service-account keys, resolved through USM after the built-in resolvers.</summary>
    public static IServiceCollection AddUsmIdentity(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<IdentityOptions>().Bind(configuration.GetSection(IdentityOptions.Section));
        services.TryAddSingleton<CredentialCache>();
        services.AddSingleton<ICredentialResolver, UsmCredentialResolver>();
        return services;
    }

    /// <summary>
    /// The subscribers that clear this app's credential cache when USM revokes something: Dapr pub/sub in Dapr mode,
    /// the outbox bus in the host (which wakes on commit). Delivery is at least once; eviction is idempotent.
    /// </summary>
    public static void MapIdentityRevocations(this IEndpointRouteBuilder routes, string pubSubName)
    {
        var group = routes.MapGroup(RevocationRoute).ExcludeFromDescription();
        group.MapPost("/session-closed", (HttpContext http, CredentialCache cache) =>
                EvictAsync<SessionClosed>(http, cache, e => CredentialCache.SessionTag(e.SessionId)))
            .WithTopic(pubSubName, IdentityEvents.SessionClosed).RequireInternal();
        group.MapPost("/api-key-revoked", (HttpContext http, CredentialCache cache) =>
                EvictAsync<ApiKeyRevoked>(http, cache, e => CredentialCache.ApiKeyTag(e.ApiKeyGuid)))
            .WithTopic(pubSubName, IdentityEvents.ApiKeyRevoked).RequireInternal();
        group.MapPost("/service-account-status-changed", (HttpContext http, CredentialCache cache) =>
                EvictAsync<ServiceAccountStatusChanged>(http, cache, e => CredentialCache.ServiceAccountTag(e.ServiceAccountGuid)))
            .WithTopic(pubSubName, IdentityEvents.ServiceAccountStatusChanged).RequireInternal();
    }

    // Read leniently (Storage options): a later USM may add fields to its events.
    private static async Task<Results<Ok, BadRequest>> EvictAsync<T>(HttpContext http, CredentialCache cache, Func<T, string> tagOf)
    {
        T? revoked;
        try
        {
            revoked = await JsonSerializer.DeserializeAsync<T>(http.Request.Body, RetailJson.Storage, http.RequestAborted);
        }
        catch (JsonException)
        {
            return TypedResults.BadRequest();
        }
        if (revoked is null)
        {
            return TypedResults.BadRequest();
        }
        cache.Evict(tagOf(revoked));
        return TypedResults.Ok();
    }
}
