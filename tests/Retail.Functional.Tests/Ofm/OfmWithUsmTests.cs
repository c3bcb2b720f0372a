using System.Net;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Uas;

namespace Retail.Functional.Tests.Ofm;

/// <summary>OFM's roles with USM's real credentials: user sessions and service-account API keys.</summary>
public sealed class OfmWithUsmTests(OfmHost host) : IClassFixture<OfmHost>
{
    private async Task<HttpClient> SignedInAsync(string email)
    {
        using var anonymous = host.Factory.CreateClient();
        var created = await anonymous.CreateUser(email).Ok(HttpStatusCode.Created);
        var verified = await anonymous.Verify(email, host.Factory.Mailbox.LatestTokenFor(email)).Ok();
        await anonymous.SetPasscodeWithToken(email, UasSteps.FirstPasscode, verified.GetProperty("passcode_token").GetString()!).Ok();
        var session = await anonymous.PostJsonAsync("/usm/session/create", new { email, passcode = UasSteps.FirstPasscode }).Ok(HttpStatusCode.Created);
        Assert.Equal(created.GetProperty("user_guid").GetString(), session.GetProperty("user_guid").GetString());
        var client = host.Factory.CreateClient();
        client.DefaultRequestHeaders.Add("x-session-guid", session.GetProperty("session_guid").GetString());
        return client;
    }

    [Fact]
    public async Task UC_OFM_002_an_invite_is_accepted_with_the_invited_users_own_usm_session()
    {
        using var owner = await SignedInAsync(UasSteps.NewEmail("owner"));
        var orgcode = OfmSteps.NewOrgcode();
        var org = await owner.PostJsonAsync("/ofm/org/create", new { orgcode, legal_name = "Session Retail" }).Ok(HttpStatusCode.Created);
        await host.Operator.SetOrgStatus(orgcode, "active", org.GetProperty("revision").GetInt64()).Ok();

        var clerkEmail = UasSteps.NewEmail("clerk");
        var invite = await owner.Post("/ofm/member/invite/create", new { email = clerkEmail, role = "member" }, orgcode).Ok(HttpStatusCode.Created);
        using var clerk = await SignedInAsync(clerkEmail);
        using var intruder = await SignedInAsync(UasSteps.NewEmail("intruder"));
        var inviteGuid = invite.GetProperty("invite_guid").GetString();
        await intruder.Post("/ofm/member/invite/accept", new { invite_guid = inviteGuid }, orgcode).Problem(HttpStatusCode.NotFound, "not_found");
        var member = await clerk.Post("/ofm/member/invite/accept", new { invite_guid = inviteGuid }, orgcode).Ok();
        Assert.Equal("member", member.GetProperty("role").GetString());

        await clerk.Post("/mrs/record", new { json = new { shift = "early" } }, orgcode).Ok(HttpStatusCode.Created);
        await clerk.Post("/ofm/member/invite/create", new { email = "x@example.com", role = "viewer" }, orgcode).Problem(HttpStatusCode.Forbidden, "forbidden");
        await intruder.Post("/mrs/list", new { }, orgcode).Problem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task a_service_account_key_acts_with_its_bound_role_and_meets_its_orgs_real_status()
    {
        using var owner = await SignedInAsync(UasSteps.NewEmail("owner"));
        var orgcode = OfmSteps.NewOrgcode();
        var org = await owner.PostJsonAsync("/ofm/org/create", new { orgcode, legal_name = "Keyed Retail" }).Ok(HttpStatusCode.Created);
        await host.Operator.SetOrgStatus(orgcode, "active", org.GetProperty("revision").GetInt64()).Ok();

        // The owner (above admin) governs service accounts in USM, which asks OFM for the owner's role.
        var account = await owner.Post("/usm/service_account/create", new { name = "pos-sync", role = "member" }, orgcode).Ok(HttpStatusCode.Created);
        var key = await owner.Post("/usm/api_key/create", new { service_account_guid = account.GetProperty("service_account_guid").GetString() }, orgcode)
            .Ok(HttpStatusCode.Created);
        using var robot = host.Factory.CreateClient();
        robot.DefaultRequestHeaders.Add("x-api-key", key.GetProperty("api_key").GetString());

        await robot.PostJsonAsync("/mrs/record", new { json = new { synced = 1 } }).Ok(HttpStatusCode.Created);
        await robot.PostJsonAsync("/ofm/cost-centre/status/set", new { cccode = "cc-x", status = "inactive", expected_revision = 1 })
            .Problem(HttpStatusCode.Forbidden, "forbidden");
        await robot.Post("/mrs/list", new { }, OfmSteps.NewOrgcode("elsewhere")).Problem(HttpStatusCode.NotFound, "not_found");

        await owner.SetOrgStatus(orgcode, "suspended", 2).Ok();
        await robot.PostJsonAsync("/mrs/record", new { json = new { synced = 2 } }).Problem(HttpStatusCode.Forbidden, "org_not_active");
        await robot.PostJsonAsync("/mrs/list", new { }).Ok();
    }
}
