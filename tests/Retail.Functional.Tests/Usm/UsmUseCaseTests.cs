using System.Net;
using System.Text.Json;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Uas;

namespace Retail.Functional.Tests.Usm;

public sealed class UsmUseCaseTests(UasHost host) : IClassFixture<UasHost>
{
    private RetailHostFactory Factory => host.Factory;

    [Fact]
    public async Task UC_USM_001_a_session_is_created_validated_listed_and_closed()
    {
        var email = UasSteps.NewEmail();
        var userGuid = await Factory.Onboard(host.Anonymous, email);

        var created = await host.Anonymous.SignIn("  " + email.ToUpperInvariant()).Ok(HttpStatusCode.Created);
        var secret = created.GetProperty("session_guid").GetString()!;
        var sessionId = created.GetProperty("session_id").GetString()!;
        Assert.Equal(userGuid, created.GetProperty("user_guid").GetString());
        Assert.True(secret.Length >= 40, "the session secret carries at least 128 random bits");
        Assert.NotEqual(secret, sessionId);
        Assert.True(created.GetProperty("expires_at").GetDateTimeOffset() > DateTimeOffset.UtcNow);

        var valid = await host.Anonymous.Validate(secret).Ok();
        Assert.True(valid.GetProperty("valid").GetBoolean());
        Assert.Equal(userGuid, valid.GetProperty("user_guid").GetString());
        Assert.Equal(sessionId, valid.GetProperty("session_id").GetString());

        var (otherSecret, otherId) = await host.Anonymous.NewSession(email);
        using var client = Factory.WithSession(secret);
        var list = await client.PostJsonAsync("/usm/session/list", new { }).Ok();
        var items = list.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(new[] { otherId, sessionId }.Order(StringComparer.Ordinal),
            items.Select(i => i.GetProperty("session_id").GetString()!).Order(StringComparer.Ordinal));
        Assert.True(items.Single(i => i.GetProperty("session_id").GetString() == sessionId).GetProperty("current").GetBoolean());
        Assert.DoesNotContain(secret, list.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(otherSecret, list.ToString(), StringComparison.Ordinal);

        var closedOther = await client.PostJsonAsync("/usm/session/close", new { session_id = otherId }).Ok();
        Assert.Equal("closed", closedOther.GetProperty("status").GetString());
        Assert.False((await host.Anonymous.Validate(otherSecret).Ok()).GetProperty("valid").GetBoolean());
        var current = await client.PostJsonAsync("/usm/session/get", new { }).Ok();
        Assert.Equal(sessionId, current.GetProperty("session_id").GetString());
        Assert.True(current.GetProperty("live").GetBoolean());
        var remaining = await client.PostJsonAsync("/usm/session/list", new { }).Ok();
        Assert.Equal([sessionId], remaining.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("session_id").GetString()));

        await client.PostJsonAsync("/usm/session/close", new { }).Ok();
        Assert.False((await host.Anonymous.Validate(secret).Ok()).GetProperty("valid").GetBoolean());
        await client.PostJsonAsync("/usm/session/list", new { }).Problem(HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task UC_USM_002_logout_everywhere_then_validation_fails_and_other_services_refuse_the_sessions()
    {
        var email = UasSteps.NewEmail();
        var userGuid = await Factory.Onboard(host.Anonymous, email);
        var (first, _) = await host.Anonymous.NewSession(email);
        var (second, _) = await host.Anonymous.NewSession(email);
        using var firstClient = Factory.WithSession(first);
        using var secondClient = Factory.WithSession(second);
        await firstClient.ListCards(userGuid).Ok();
        await secondClient.ListCards(userGuid).Ok();

        var loggedOut = await firstClient.PostJsonAsync("/usm/session/logout_everywhere", new { }).Ok();
        Assert.Equal(2, loggedOut.GetProperty("closed").GetInt32());

        Assert.False((await host.Anonymous.Validate(first).Ok()).GetProperty("valid").GetBoolean());
        Assert.False((await host.Anonymous.Validate(second).Ok()).GetProperty("valid").GetBoolean());
        await firstClient.ListCards(userGuid).Problem(HttpStatusCode.Unauthorized, "unauthenticated");
        await secondClient.ListCards(userGuid).Problem(HttpStatusCode.Unauthorized, "unauthenticated");
        await secondClient.PostJsonAsync("/uas/user/get", new { user_guid = userGuid }).Problem(HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task UC_USM_002_logout_other_devices_keeps_only_the_current_session()
    {
        var email = UasSteps.NewEmail();
        var userGuid = await Factory.Onboard(host.Anonymous, email);
        var (kept, _) = await host.Anonymous.NewSession(email);
        var (other, _) = await host.Anonymous.NewSession(email);
        using var keptClient = Factory.WithSession(kept);
        using var otherClient = Factory.WithSession(other);
        await otherClient.ListCards(userGuid).Ok();

        var closed = await keptClient.PostJsonAsync("/usm/session/logout_other_devices", new { }).Ok();
        Assert.Equal(1, closed.GetProperty("closed").GetInt32());
        await keptClient.ListCards(userGuid).Ok();
        await otherClient.ListCards(userGuid).Problem(HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task UC_USM_003_an_api_key_is_created_validated_used_and_revoked()
    {
        var org = UsmSteps.NewOrg();
        var account = await host.Operator.CreateAccount(org, "admin");
        var accountGuid = account.GetProperty("service_account_guid").GetString();
        using var created = await host.Operator.PostJsonAsync("/usm/api_key/create", new { service_account_guid = accountGuid, name = "ci" },
            UsmSteps.Org(org));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.JsonAsync();
        var secret = body.GetProperty("api_key").GetString()!;
        var record = body.GetProperty("key");
        Assert.StartsWith(record.GetProperty("prefix").GetString()!, secret, StringComparison.Ordinal);
        Assert.StartsWith("rk_", secret, StringComparison.Ordinal);
        Assert.Equal("admin", body.GetProperty("role").GetString());

        var list = await host.Operator.PostJsonAsync("/usm/api_key/list", new { service_account_guid = accountGuid }, UsmSteps.Org(org)).Ok();
        var listed = Assert.Single(list.GetProperty("items").EnumerateArray());
        Assert.Equal(record.GetProperty("api_key_guid").GetString(), listed.GetProperty("api_key_guid").GetString());
        Assert.DoesNotContain(secret, list.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(secret[^20..], list.ToString(), StringComparison.Ordinal);
        Assert.False(listed.TryGetProperty("api_key", out _));

        var validation = await host.Operator.PostJsonAsync("/usm/api_key/validate", new { api_key = secret }).Ok();
        Assert.True(validation.GetProperty("valid").GetBoolean());
        Assert.Equal(accountGuid, validation.GetProperty("service_account_guid").GetString());
        Assert.Equal(org, validation.GetProperty("orgcode").GetString());
        Assert.Equal("admin", validation.GetProperty("role").GetString());

        using var key = Factory.WithKey(secret);
        // The header may be left out: the key acts in its own org.
        var accounts = await key.PostJsonAsync("/usm/service_account/list", new { }).Ok();
        Assert.Contains(accounts.GetProperty("items").EnumerateArray(), a => a.GetProperty("service_account_guid").GetString() == accountGuid);
        // On another service the key is a known caller (404 for a user it may not see), not an unknown one.
        await key.PostJsonAsync("/uas/user/get", new { user_guid = Guid.NewGuid() }).Problem(HttpStatusCode.NotFound, "not_found");

        var revoked = await host.Operator.PostJsonAsync("/usm/api_key/revoke",
            new { api_key_guid = record.GetProperty("api_key_guid").GetString(), expected_revision = 1 }, UsmSteps.Org(org)).Ok();
        Assert.Equal("revoked", revoked.GetProperty("status").GetString());
        Assert.False((await host.Operator.PostJsonAsync("/usm/api_key/validate", new { api_key = secret }).Ok()).GetProperty("valid").GetBoolean());
        await key.PostJsonAsync("/uas/user/get", new { user_guid = Guid.NewGuid() }).Problem(HttpStatusCode.Unauthorized, "unauthenticated");
        await key.PostJsonAsync("/usm/service_account/list", new { }).Problem(HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task UC_USM_004_revoking_all_keys_of_an_org_fails_closed_everywhere()
    {
        var org = UsmSteps.NewOrg();
        var otherOrg = UsmSteps.NewOrg();
        var (_, first, _) = await host.Operator.AccountWithKey(org, "admin");
        var (_, second, _) = await host.Operator.AccountWithKey(org, "member");
        var (_, elsewhere, _) = await host.Operator.AccountWithKey(otherOrg, "admin");
        using var firstKey = Factory.WithKey(first);
        using var secondKey = Factory.WithKey(second);
        using var otherKey = Factory.WithKey(elsewhere);
        await firstKey.PostJsonAsync("/uas/user/get", new { user_guid = Guid.NewGuid() }).Problem(HttpStatusCode.NotFound, "not_found");
        await secondKey.PostJsonAsync("/uas/user/get", new { user_guid = Guid.NewGuid() }).Problem(HttpStatusCode.NotFound, "not_found");

        // An admin key is below owner: it may not revoke the whole org.
        await firstKey.PostJsonAsync("/usm/api_key/revoke_all_org", new { }).Problem(HttpStatusCode.Forbidden, "forbidden");

        var revoked = await host.Operator.PostJsonAsync("/usm/api_key/revoke_all_org", new { }, UsmSteps.Org(org)).Ok();
        Assert.Equal(2, revoked.GetProperty("revoked").GetInt32());

        await firstKey.PostJsonAsync("/uas/user/get", new { user_guid = Guid.NewGuid() }).Problem(HttpStatusCode.Unauthorized, "unauthenticated");
        await secondKey.PostJsonAsync("/uas/user/get", new { user_guid = Guid.NewGuid() }).Problem(HttpStatusCode.Unauthorized, "unauthenticated");
        await firstKey.PostJsonAsync("/usm/service_account/list", new { }).Problem(HttpStatusCode.Unauthorized, "unauthenticated");
        await otherKey.PostJsonAsync("/usm/service_account/list", new { }).Ok();
        var keys = await host.Operator.PostJsonAsync("/usm/api_key/list", new { status = "active" }, UsmSteps.Org(org)).Ok();
        Assert.Empty(keys.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task UC_USM_004_revoking_one_accounts_keys_leaves_the_others_working()
    {
        var org = UsmSteps.NewOrg();
        var (accountGuid, first, _) = await host.Operator.AccountWithKey(org, "admin");
        var second = (await host.Operator.PostJsonAsync("/usm/api_key/create", new { service_account_guid = accountGuid }, UsmSteps.Org(org))
            .Ok(HttpStatusCode.Created)).GetProperty("api_key").GetString()!;
        var (_, unrelated, _) = await host.Operator.AccountWithKey(org, "viewer");
        using var firstKey = Factory.WithKey(first);
        await firstKey.PostJsonAsync("/usm/service_account/list", new { }).Ok();

        var revoked = await firstKey.PostJsonAsync("/usm/api_key/revoke_all", new { service_account_guid = accountGuid }).Ok();
        Assert.Equal(2, revoked.GetProperty("revoked").GetInt32());
        await firstKey.PostJsonAsync("/usm/service_account/list", new { }).Problem(HttpStatusCode.Unauthorized, "unauthenticated");
        using var secondKey = Factory.WithKey(second);
        await secondKey.PostJsonAsync("/uas/user/get", new { user_guid = Guid.NewGuid() }).Problem(HttpStatusCode.Unauthorized, "unauthenticated");
        using var unrelatedKey = Factory.WithKey(unrelated);
        await unrelatedKey.PostJsonAsync("/uas/user/get", new { user_guid = Guid.NewGuid() }).Problem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task UC_USM_005_a_service_account_is_created_and_disabling_it_stops_its_keys_at_once()
    {
        var org = UsmSteps.NewOrg();
        var (accountGuid, secret, _) = await host.Operator.AccountWithKey(org, "member");
        using var key = Factory.WithKey(secret);
        // A member may not govern service accounts.
        await key.PostJsonAsync("/usm/service_account/list", new { }).Problem(HttpStatusCode.Forbidden, "forbidden");
        await key.PostJsonAsync("/uas/user/get", new { user_guid = Guid.NewGuid() }).Problem(HttpStatusCode.NotFound, "not_found");

        await host.Operator.PostJsonAsync("/usm/service_account/status",
            new { service_account_guid = accountGuid, status = "disabled" }, UsmSteps.Org(org)).Problem(HttpStatusCode.BadRequest, "expected_revision_required");
        var disabled = await host.Operator.PostJsonAsync("/usm/service_account/status",
            new { service_account_guid = accountGuid, status = "disabled", expected_revision = 1 }, UsmSteps.Org(org)).Ok();
        Assert.Equal("disabled", disabled.GetProperty("status").GetString());
        Assert.Equal(2, disabled.GetProperty("revision").GetInt64());
        await key.PostJsonAsync("/uas/user/get", new { user_guid = Guid.NewGuid() }).Problem(HttpStatusCode.Unauthorized, "unauthenticated");

        var again = await host.Operator.PostJsonAsync("/usm/service_account/status",
            new { service_account_guid = accountGuid, status = "disabled", expected_revision = 2 }, UsmSteps.Org(org))
            .Problem(HttpStatusCode.Conflict, "invalid_transition");
        Assert.Equal(["active"], again.GetProperty("allowed").EnumerateArray().Select(a => a.GetString()));
        await host.Operator.PostJsonAsync("/usm/api_key/create", new { service_account_guid = accountGuid }, UsmSteps.Org(org))
            .Problem(HttpStatusCode.UnprocessableEntity, "service_account_disabled");

        var listed = await host.Operator.PostJsonAsync("/usm/service_account/list", new { status = "disabled" }, UsmSteps.Org(org)).Ok();
        Assert.Equal([accountGuid], listed.GetProperty("items").EnumerateArray().Select(a => a.GetProperty("service_account_guid").GetString()));

        await host.Operator.PostJsonAsync("/usm/service_account/status",
            new { service_account_guid = accountGuid, status = "active", expected_revision = 2 }, UsmSteps.Org(org)).Ok();
        await key.PostJsonAsync("/uas/user/get", new { user_guid = Guid.NewGuid() }).Problem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task UC_USM_005_a_service_account_role_is_at_most_admin_and_at_most_the_callers()
    {
        var org = UsmSteps.NewOrg();
        await host.Operator.ActiveOrgAsync(org);
        await host.Operator.PostJsonAsync("/usm/service_account/create", new { name = "too-high", role = "owner" }, UsmSteps.Org(org))
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        var (_, adminKey, _) = await host.Operator.AccountWithKey(org, "admin");
        using var admin = Factory.WithKey(adminKey);
        var made = await admin.PostJsonAsync("/usm/service_account/create", new { name = "helper", role = "member" }).Ok(HttpStatusCode.Created);
        Assert.Equal(org, made.GetProperty("orgcode").GetString());
        await admin.PostJsonAsync("/usm/service_account/create", new { name = "helper", role = "viewer" }).Problem(HttpStatusCode.Conflict, "duplicate");
        await admin.PostJsonAsync("/usm/service_account/create", new { name = "mismatch", role = "viewer", orgcode = UsmSteps.NewOrg() })
            .Problem(HttpStatusCode.BadRequest, "context_mismatch");
    }

    [Fact]
    public async Task other_services_see_the_resolved_caller_with_its_org_and_role()
    {
        var email = UasSteps.NewEmail();
        var userGuid = await Factory.Onboard(host.Anonymous, email);
        var (secret, _) = await host.Anonymous.NewSession(email);
        using var session = Factory.WithSession(secret);
        var asUser = await Stat(session);
        Assert.Equal(userGuid, asUser.GetProperty("principal").GetString());
        Assert.Equal("user", asUser.GetProperty("kind").GetString());

        var org = UsmSteps.NewOrg();
        var (accountGuid, key, _) = await host.Operator.AccountWithKey(org, "member");
        using var keyClient = Factory.WithKey(key, org);
        var asAccount = await Stat(keyClient);
        Assert.Equal(accountGuid, asAccount.GetProperty("principal").GetString());
        Assert.Equal("service_account", asAccount.GetProperty("kind").GetString());
        Assert.Equal(org, asAccount.GetProperty("orgcode").GetString());
    }

    private static async Task<JsonElement> Stat(HttpClient client)
    {
        using var response = await client.GetAsync(new Uri("/uas/stat", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.JsonAsync()).GetProperty("caller");
    }

    [Fact]
    public async Task a_key_of_one_org_cannot_act_in_another()
    {
        var org = UsmSteps.NewOrg();
        var otherOrg = UsmSteps.NewOrg();
        var (_, secret, _) = await host.Operator.AccountWithKey(org, "admin");
        var (otherAccount, _, otherKey) = await host.Operator.AccountWithKey(otherOrg, "admin");
        using var key = Factory.WithKey(secret, otherOrg);

        await key.PostJsonAsync("/usm/service_account/list", new { }).Problem(HttpStatusCode.NotFound, "not_found");
        await key.PostJsonAsync("/usm/api_key/revoke_all", new { service_account_guid = otherAccount }).Problem(HttpStatusCode.NotFound, "not_found");
        using var ownOrg = Factory.WithKey(secret, org);
        await ownOrg.PostJsonAsync("/usm/api_key/revoke",
            new { api_key_guid = otherKey.GetProperty("api_key_guid").GetString(), expected_revision = 1 }).Problem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task a_user_cannot_read_list_or_close_another_users_sessions()
    {
        var alice = UasSteps.NewEmail("alice");
        var bob = UasSteps.NewEmail("bob");
        var aliceGuid = await Factory.Onboard(host.Anonymous, alice);
        await Factory.Onboard(host.Anonymous, bob);
        var (aliceSecret, aliceSession) = await host.Anonymous.NewSession(alice);
        var (bobSecret, _) = await host.Anonymous.NewSession(bob);
        using var asBob = Factory.WithSession(bobSecret);

        await asBob.PostJsonAsync("/usm/session/get", new { session_id = aliceSession }).Problem(HttpStatusCode.NotFound, "not_found");
        await asBob.PostJsonAsync("/usm/session/close", new { session_id = aliceSession }).Problem(HttpStatusCode.NotFound, "not_found");
        await asBob.PostJsonAsync("/usm/session/list", new { user_guid = aliceGuid }).Problem(HttpStatusCode.NotFound, "not_found");
        await asBob.PostJsonAsync("/usm/session/logout_everywhere", new { user_guid = aliceGuid }).Problem(HttpStatusCode.NotFound, "not_found");
        await asBob.ListCards(aliceGuid).Problem(HttpStatusCode.NotFound, "not_found");

        Assert.True((await host.Anonymous.Validate(aliceSecret).Ok()).GetProperty("valid").GetBoolean());
    }

    [Fact]
    public async Task unknown_malformed_or_forged_sessions_are_401()
    {
        using var unknown = Factory.WithSession("rs_" + new string('A', 43));
        await unknown.PostJsonAsync("/usm/session/list", new { }).Problem(HttpStatusCode.Unauthorized, "unauthenticated");
        using var malformed = Factory.WithSession("not a session");
        await malformed.PostJsonAsync("/usm/session/list", new { }).Problem(HttpStatusCode.Unauthorized, "unauthenticated");
        using var forgedKey = Factory.WithKey("rk_abcdefghijkm_" + new string('A', 43));
        await forgedKey.PostJsonAsync("/uas/user/get", new { user_guid = Guid.NewGuid() }).Problem(HttpStatusCode.Unauthorized, "unauthenticated");
        // A session id (the public hash) is not a credential.
        var email = UasSteps.NewEmail();
        await Factory.Onboard(host.Anonymous, email);
        var (_, id) = await host.Anonymous.NewSession(email);
        using var byId = Factory.WithSession(id);
        await byId.PostJsonAsync("/usm/session/list", new { }).Problem(HttpStatusCode.Unauthorized, "unauthenticated");
        // Validation is internal for keys.
        await host.Anonymous.PostJsonAsync("/usm/api_key/validate", new { api_key = "rk_x" }).Problem(HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task the_org_key_policy_limits_roles_and_lifetimes()
    {
        var org = UsmSteps.NewOrg();
        await host.Operator.ActiveOrgAsync(org);
        var policy = await host.Operator.PostJsonAsync("/usm/api_key/policy_set", new { max_lifetime_days = 30, allowed_roles = new[] { "viewer", "member" } },
            UsmSteps.Org(org)).Ok();
        Assert.Equal(1, policy.GetProperty("revision").GetInt64());
        await host.Operator.PostJsonAsync("/usm/api_key/policy_set", new { max_lifetime_days = 60 }, UsmSteps.Org(org))
            .Problem(HttpStatusCode.BadRequest, "expected_revision_required");

        var admin = (await host.Operator.CreateAccount(org, "admin")).GetProperty("service_account_guid").GetString();
        await host.Operator.PostJsonAsync("/usm/api_key/create", new { service_account_guid = admin }, UsmSteps.Org(org))
            .Problem(HttpStatusCode.UnprocessableEntity, "role_not_allowed");
        var member = (await host.Operator.CreateAccount(org, "member")).GetProperty("service_account_guid").GetString();
        await host.Operator.PostJsonAsync("/usm/api_key/create", new { service_account_guid = member, expires_at = DateTimeOffset.UtcNow.AddDays(60) },
            UsmSteps.Org(org)).Problem(HttpStatusCode.UnprocessableEntity, "lifetime_exceeds_policy");
        var created = await host.Operator.PostJsonAsync("/usm/api_key/create", new { service_account_guid = member }, UsmSteps.Org(org))
            .Ok(HttpStatusCode.Created);
        var expires = created.GetProperty("key").GetProperty("expires_at").GetDateTimeOffset();
        Assert.InRange(expires, DateTimeOffset.UtcNow.AddDays(29), DateTimeOffset.UtcNow.AddDays(30).AddMinutes(1));

        var relaxed = await host.Operator.PostJsonAsync("/usm/api_key/policy_set", new { expected_revision = 1 }, UsmSteps.Org(org)).Ok();
        Assert.Equal(JsonValueKind.Null, relaxed.GetProperty("allowed_roles").ValueKind);
        await host.Operator.PostJsonAsync("/usm/api_key/create", new { service_account_guid = admin }, UsmSteps.Org(org)).Ok(HttpStatusCode.Created);
    }
}
