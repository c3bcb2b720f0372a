using System.Net;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Uas;

namespace Retail.Functional.Tests.Ofm;

/// <summary>Invitations as an invitee meets them, and who cannot be invited (issue 9).</summary>
public sealed class InviteTests(OfmHost host) : IClassFixture<OfmHost>
{
    [Fact]
    public async Task an_owner_or_an_existing_member_is_not_invited_again_but_their_role_changes_through_state_set()
    {
        var owner = host.Factory.NewUser("owner");
        var orgcode = OfmSteps.NewOrgcode();
        await host.Operator.ActiveOrg(orgcode, owner.UserGuid);
        var member = host.Factory.NewUser("member");
        await owner.Join(orgcode, member, "viewer");

        await owner.Client.Post("/ofm/member/invite/create", new { user_guid = owner.UserGuid, role = "admin" }, orgcode)
            .Problem(HttpStatusCode.Conflict, "already_member");
        await owner.Client.Post("/ofm/member/invite/create", new { user_guid = member.UserGuid, role = "admin" }, orgcode)
            .Problem(HttpStatusCode.Conflict, "already_member");
        await owner.Client.Post("/ofm/member/invite/create", new { email = member.Email, role = "admin" }, orgcode)
            .Problem(HttpStatusCode.Conflict, "already_member");
        var invites = await owner.Client.Post("/ofm/member/invite/list", new { status = "pending" }, orgcode).Ok();
        Assert.Empty(invites.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task the_invitee_is_mailed_finds_the_invite_among_their_own_and_accepts_it()
    {
        var owner = host.Factory.NewUser("owner");
        var orgcode = OfmSteps.NewOrgcode();
        await host.Operator.ActiveOrg(orgcode, owner.UserGuid);
        var invitee = host.Factory.NewUser("invitee");
        var stranger = host.Factory.NewUser("stranger");

        var invite = await owner.Client.Post("/ofm/member/invite/create", new { email = invitee.Email.ToUpperInvariant(), role = "member" }, orgcode)
            .Ok(HttpStatusCode.Created);
        var inviteGuid = invite.GetProperty("invite_guid").GetString();
        Assert.Equal(inviteGuid, host.Factory.Mailbox.LatestTokenFor(invitee.Email));

        var mine = await invitee.Client.PostJsonAsync("/ofm/member/invite/mine", new { }).Ok();
        var listed = Assert.Single(mine.GetProperty("items").EnumerateArray());
        Assert.Equal(orgcode, listed.GetProperty("orgcode").GetString());
        Assert.Equal(inviteGuid, listed.GetProperty("invite_guid").GetString());
        Assert.Empty((await stranger.Client.PostJsonAsync("/ofm/member/invite/mine", new { }).Ok()).GetProperty("items").EnumerateArray());

        await invitee.Client.Post("/ofm/member/invite/accept", new { invite_guid = inviteGuid }, orgcode).Ok();
        Assert.Empty((await invitee.Client.PostJsonAsync("/ofm/member/invite/mine", new { }).Ok()).GetProperty("items").EnumerateArray());
        using var anonymous = host.Factory.CreateClient();
        await anonymous.PostJsonAsync("/ofm/member/invite/mine", new { }).Problem(HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Theory]
    [InlineData("Main\u202Eevil", "format")]
    [InlineData("Main\u0000street", "control")]
    public async Task names_with_control_or_invisible_format_characters_are_refused_and_say_so(string name, string what)
    {
        var owner = host.Factory.NewUser("owner");
        var orgcode = OfmSteps.NewOrgcode();
        await host.Operator.ActiveOrg(orgcode, owner.UserGuid);
        var refused = await owner.Client.Post("/ofm/facility/physical/create", new { facility_code = "site-1", name, time_zone = "UTC" }, orgcode)
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.Contains(what, refused.GetProperty("errors").GetProperty("name")[0].GetString(), StringComparison.Ordinal);
        await owner.Client.Post("/ofm/facility/physical/create", new { facility_code = "site\u202E1", name = "Main", time_zone = "UTC" }, orgcode)
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
    }
}
