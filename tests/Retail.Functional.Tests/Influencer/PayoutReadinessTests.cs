using System.Net;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;

namespace Retail.Functional.Tests.Influencer;

/// <summary>Payout readiness over HTTP: an admin sets the method, tax form, minimum and the switch; get says ready or every reason it is not.</summary>
public sealed class PayoutReadinessTests(InfluencerHost host) : IClassFixture<InfluencerHost>
{
    private static IReadOnlyList<string> Reasons(System.Text.Json.JsonElement readiness) =>
        readiness.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()!).ToList();

    [Fact]
    public async Task a_new_profile_is_not_ready_and_says_why_and_an_admin_makes_it_ready_except_for_the_balance()
    {
        var org = await host.NewOrgAsync();
        var profile = await org.NewProfile();
        var guid = profile.Str("profile_guid");

        var before = await org.Post(org.Viewer, "/influencer/payout/ready/get", new { profile_guid = guid }).Ok();
        Assert.False(before.GetProperty("ready").GetBoolean());
        Assert.Equal(["no_payout_method", "tax_form_not_verified", "disabled", "below_minimum"], Reasons(before));
        Assert.Equal(0, before.Long("available_minor"));

        var set = await org.Post("/influencer/payout/ready/set", new
        {
            profile_guid = guid, payout_method_ref = "pm_test_abcdef12", tax_form_status = "verified", minimum_payout_minor = 5000, enabled = true,
            expected_revision = profile.Long("revision"),
        }).Ok();
        Assert.Equal((true, "pm_test_abcdef12", "verified", 5000L, 2L),
            (set.GetProperty("enabled").GetBoolean(), set.Str("payout_method_ref"), set.Str("tax_form_status"), set.Long("minimum_payout_minor"), set.Long("revision")));
        // Everything is in place but money: nothing is available yet.
        Assert.Equal(["below_minimum"], Reasons(set));
        Assert.False(set.GetProperty("ready").GetBoolean());

        var profileNow = await org.Post("/influencer/profile/get", new { profile_guid = guid }).Ok();
        Assert.Equal(("pm_test_abcdef12", "verified", true), (profileNow.Str("payout_method_ref"), profileNow.Str("tax_form_status"),
            profileNow.GetProperty("payout_ready").GetBoolean()));
        Assert.Single(host.Factory.OutboxEvents("influencer", org.Orgcode, "payout.readiness_changed"));

        // Switching payouts off leaves the rest as it was.
        var off = await org.Post("/influencer/payout/ready/set", new { profile_guid = guid, enabled = false, expected_revision = 2 }).Ok();
        Assert.Equal(["disabled", "below_minimum"], Reasons(off));
        Assert.Equal("pm_test_abcdef12", off.Str("payout_method_ref"));
    }

    [Fact]
    public async Task readiness_changes_are_admin_only_revision_checked_and_validated()
    {
        var org = await host.NewOrgAsync();
        var profile = await org.NewProfile();
        var guid = profile.Str("profile_guid");
        await org.Post(org.Clerk, "/influencer/payout/ready/set", new { profile_guid = guid, enabled = true, expected_revision = 1 })
            .Problem(HttpStatusCode.Forbidden, "forbidden");
        await org.Post(org.Viewer, "/influencer/payout/ready/set", new { profile_guid = guid, enabled = true, expected_revision = 1 })
            .Problem(HttpStatusCode.Forbidden, "forbidden");
        await org.Post("/influencer/payout/ready/set", new { profile_guid = guid, enabled = true })
            .Problem(HttpStatusCode.BadRequest, "expected_revision_required");
        var stale = await org.Post("/influencer/payout/ready/set", new { profile_guid = guid, enabled = true, expected_revision = 7 })
            .Problem(HttpStatusCode.Conflict, "revision_mismatch");
        Assert.Equal(1, stale.Long("current_revision"));
        await org.Post("/influencer/payout/ready/set", new { profile_guid = guid, payout_method_ref = "4111111111111111", expected_revision = 1 })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/influencer/payout/ready/set", new { profile_guid = guid, minimum_payout_minor = -1, expected_revision = 1 })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/influencer/payout/ready/set", new { profile_guid = guid, tax_form_status = "lost", expected_revision = 1 })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/influencer/payout/ready/get", new { profile_guid = Guid.NewGuid() }).Problem(HttpStatusCode.NotFound, "not_found");
        await org.Post("/influencer/payout/ready/set", new { profile_guid = Guid.NewGuid(), enabled = true, expected_revision = 1 })
            .Problem(HttpStatusCode.NotFound, "not_found");
    }
}
