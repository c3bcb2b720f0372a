using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;

namespace Retail.Functional.Tests.Ucp;

/// <summary>
/// One host per test class: OFM (orgs), CRM (customers identity linking checks) and UCP. Other UCP tests reuse
/// <see cref="UcpSteps"/> to register a platform and call as it.
/// </summary>
public sealed class UcpHost() : ServiceHost(Modules)
{
    internal static RetailHostFactory Start(Action<IServiceCollection>? services = null) => Start(Modules, services);

    internal static IReadOnlyList<string> Modules { get; } = [.. RetailHostFactory.Orgs, "crm", "ucp"];

    /// <summary>A fresh active org with its owner (an admin), a member and a viewer.</summary>
    public Task<UcpOrg> NewOrgAsync(string prefix = "ucp") => UcpSteps.NewOrgAsync(Factory, Operator, prefix);
}

/// <param name="Owner">The org's owner (an admin): platforms, config, identity links.</param>
public sealed record UcpOrg(string Orgcode, TestUser Owner, TestUser Clerk, TestUser Viewer)
{
    public Task<HttpResponseMessage> Post(string path, object body) => Owner.Client.Post(path, body, Orgcode);

    public Task<HttpResponseMessage> Post(TestUser user, string path, object body) => user.Client.Post(path, body, Orgcode);
}

/// <summary>A registered platform: its guid, client credentials, and the Basic header a platform sends with them.</summary>
public sealed record UcpPlatform(string PlatformGuid, string ClientId, string ClientSecret, long Revision)
{
    /// <summary><c>Authorization: Basic base64(client_id:client_secret)</c> (RFC 6749 §2.3.1).</summary>
    public AuthenticationHeaderValue Basic => UcpSteps.Basic(ClientId, ClientSecret);

    /// <summary>A client of <paramref name="factory"/> that authenticates as this platform on every call.</summary>
    public HttpClient Client(RetailHostFactory factory)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = Basic;
        return client;
    }
}

public static class UcpSteps
{
    public static readonly string[] AllScopes = ["ucp:checkout_session", "ucp:order_read", "ucp:customer_read"];

    public static async Task<UcpOrg> NewOrgAsync(RetailHostFactory factory, HttpClient @operator, string prefix = "ucp")
    {
        var (orgcode, owner, clerk, viewer) = await factory.StaffedOrg(@operator, prefix);
        return new UcpOrg(orgcode, owner, clerk, viewer);
    }

    /// <summary>The org's admin registers a platform (all scopes unless given); answers its credentials.</summary>
    public static Task<UcpPlatform> RegisterPlatformAsync(this UcpOrg org, string caption = "Agent platform", IReadOnlyList<string>? scopes = null) =>
        RegisterPlatformAsync(org.Owner.Client, org.Orgcode, caption, scopes);

    /// <summary>An admin client of <paramref name="orgcode"/> registers a platform; answers its credentials.</summary>
    public static async Task<UcpPlatform> RegisterPlatformAsync(HttpClient admin, string orgcode, string caption = "Agent platform",
        IReadOnlyList<string>? scopes = null)
    {
        var registered = await admin.Post("/ucp/platform/register", new { caption, scopes = scopes ?? AllScopes }, orgcode).Ok(HttpStatusCode.Created);
        var platform = registered.GetProperty("platform");
        return new UcpPlatform(platform.GetProperty("platform_guid").GetString()!, registered.GetProperty("client_id").GetString()!,
            registered.GetProperty("client_secret").GetString()!, platform.GetProperty("revision").GetInt64());
    }

    public static AuthenticationHeaderValue Basic(string clientId, string secret) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(clientId)}:{Uri.EscapeDataString(secret)}")));
}
