using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Uas;
using Retail.Shared.Contract;

namespace Retail.Functional.Tests.Ofm;

/// <summary>
/// One host per test class. Users sign in through <see cref="TestSessions"/> (a session header the test mints), so the
/// OFM rules are exercised without depending on USM; the playbook test signs in through USM itself.
/// </summary>
public sealed class OfmHost() : ServiceHost(Modules)
{
    internal static RetailHostFactory Start(Action<IServiceCollection>? services = null) => Start(Modules, services);

    /// <summary>OFM with the identity it checks callers through and MRS, which channel assets and the MRS tests use.</summary>
    internal static IReadOnlyList<string> Modules { get; } = [.. RetailHostFactory.Orgs, "mrs"];
}

/// <summary>
/// A stand-in for USM sessions in tests: <c>x-session-guid: test-user.{user_guid}.{email}</c> is that user. Registered
/// before every other resolver; any other session value is left to USM.
/// </summary>
public sealed class TestSessions : ICredentialResolver
{
    public const string Prefix = "test-user.";

    public static void Add(IServiceCollection services) => services.Insert(0, ServiceDescriptor.Singleton<ICredentialResolver, TestSessions>());

    public ValueTask<CredentialResult> ResolveAsync(HttpContext httpContext, CancellationToken cancellationToken)
    {
        var value = httpContext.Request.Headers[CredentialHeaders.Session].ToString();
        if (!value.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return ValueTask.FromResult(CredentialResult.NotMine);
        }
        var parts = value[Prefix.Length..].Split('.', 2);
        return ValueTask.FromResult(CredentialResult.Ok(new Principal(parts[0], PrincipalKind.User, Email: parts.Length > 1 ? parts[1] : null)));
    }
}

/// <summary>A user as a client: their id, e-mail and a client that presents their session.</summary>
public sealed record TestUser(string UserGuid, string Email, HttpClient Client);

internal static class OfmSteps
{
    public static string NewOrgcode(string prefix = "org") => $"{prefix}-{Guid.NewGuid().ToString("N")[..12]}";

    public static TestUser NewUser(this RetailHostFactory factory, string who = "user")
    {
        var guid = Guid.CreateVersion7().ToString();
        var email = $"{who}-{Guid.NewGuid():N}@example.com";
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add(CredentialHeaders.Session, $"{TestSessions.Prefix}{guid}.{email}");
        return new TestUser(guid, email, client);
    }

    /// <summary>The same user (the same session) as a client of another host: a host restarted on the same data.</summary>
    public static TestUser On(this TestUser user, RetailHostFactory factory)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add(CredentialHeaders.Session, user.Client.DefaultRequestHeaders.GetValues(CredentialHeaders.Session).Single());
        return user with { Client = client };
    }

    public static Dictionary<string, string> Org(string orgcode, params (string Name, string Value)[] more)
    {
        var headers = new Dictionary<string, string> { ["x-orgcode"] = orgcode };
        foreach (var (name, value) in more)
        {
            headers[name] = value;
        }
        return headers;
    }

    public static Task<HttpResponseMessage> Post(this HttpClient client, string path, object body, string orgcode) =>
        client.PostJsonAsync(path, body, Org(orgcode));

    /// <summary>The operator creates an org for <paramref name="owner"/> and verifies it; answers the org.</summary>
    public static async Task<JsonElement> ActiveOrg(this HttpClient @operator, string orgcode, string owner)
    {
        var created = await @operator.PostJsonAsync("/ofm/org/create", new { orgcode, legal_name = $"{orgcode} GmbH", owner_user_guid = owner })
            .Ok(HttpStatusCode.Created);
        return await @operator.SetOrgStatus(orgcode, "active", created.GetProperty("revision").GetInt64()).Ok();
    }

    public static Task<HttpResponseMessage> SetOrgStatus(this HttpClient client, string orgcode, string status, long revision) =>
        client.PostJsonAsync("/ofm/org/status/set", new { status, expected_revision = revision }, Org(orgcode));

    /// <summary>An admin invites <paramref name="user"/> with <paramref name="role"/> and the user accepts with their own session.</summary>
    public static async Task<JsonElement> Join(this TestUser admin, string orgcode, TestUser user, string role, DateTimeOffset? grantExpiresAt = null)
    {
        var invite = await admin.Client.Post("/ofm/member/invite/create",
            new { email = user.Email, role, grant_expires_at = grantExpiresAt }, orgcode).Ok(HttpStatusCode.Created);
        return await user.Client.Post("/ofm/member/invite/accept", new { invite_guid = invite.GetProperty("invite_guid").GetString() }, orgcode).Ok();
    }

    /// <summary>A fresh active org with its owner (an admin), a member and a viewer, each signed in.</summary>
    public static async Task<(string Orgcode, TestUser Owner, TestUser Member, TestUser Viewer)> StaffedOrg(this RetailHostFactory factory,
        HttpClient @operator, string prefix)
    {
        var orgcode = NewOrgcode(prefix);
        var owner = factory.NewUser("owner");
        await @operator.ActiveOrg(orgcode, owner.UserGuid);
        var member = factory.NewUser("clerk");
        await owner.Join(orgcode, member, "member");
        var viewer = factory.NewUser("viewer");
        await owner.Join(orgcode, viewer, "viewer");
        return (orgcode, owner, member, viewer);
    }

    /// <summary>A physical site, a legal entity and a logical store on them.</summary>
    public static async Task Spine(this HttpClient client, string orgcode, string store = "store-1")
    {
        await client.Post("/ofm/facility/physical/create",
            new { facility_code = "site-1", name = "Main street site", time_zone = "Europe/Berlin" }, orgcode).Ok(HttpStatusCode.Created);
        await client.Post("/ofm/facility/legal/create",
            new { facility_code = "entity-1", legal_name = "Example Retail GmbH", country = "DE", tax_id = "DE123456789" }, orgcode).Ok(HttpStatusCode.Created);
        await client.Post("/ofm/facility/logical/create",
            new { facility_code = store, name = "Flagship store", kind = "store", physical_facility_code = "site-1", legal_facility_code = "entity-1" },
            orgcode).Ok(HttpStatusCode.Created);
    }
}
