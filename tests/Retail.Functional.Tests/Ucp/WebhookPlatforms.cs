using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;
using Retail.Ucp.Platforms;

namespace Retail.Functional.Tests.Ucp;

/// <summary>The platform side of the webhook tests: register and revoke through /ucp/platform/*, and the org's published keys.</summary>
internal static class UcpWebhookPlatforms
{
    public static async Task<string> RegisterAsync(RetailHostFactory factory, TestUser admin, string orgcode)
    {
        var registered = await admin.Client.Post("/ucp/platform/register", new { caption = "Webhook platform", scopes = new[] { "ucp:checkout_session", "ucp:order_read" } }, orgcode)
            .Ok(HttpStatusCode.Created);
        return registered.GetProperty("platform").GetProperty("platform_guid").GetString()!;
    }

    public static async Task RevokeAsync(RetailHostFactory factory, TestUser admin, string orgcode, string platformGuid)
    {
        var platform = await admin.Client.Post("/ucp/platform/get", new { platform_guid = platformGuid }, orgcode).Ok();
        await admin.Client.Post("/ucp/platform/revoke", new { platform_guid = platformGuid, expected_revision = platform.GetProperty("revision").GetInt64(), reason = "test" },
            orgcode).Ok();
    }

    /// <summary>The org's public signing keys (JWKs), as the business profile publishes them in <c>signing_keys</c>.</summary>
    public static async Task<IReadOnlyList<JsonElement>> JwksAsync(RetailHostFactory factory, string orgcode)
    {
        using var scope = factory.Services.CreateScope();
        var keys = await scope.ServiceProvider.GetRequiredService<IUcpSigningKeys>().PublicJwksAsync(orgcode, CancellationToken.None);
        return [.. keys.Select(k => JsonDocument.Parse(k.ToJsonString()).RootElement.Clone())];
    }
}
