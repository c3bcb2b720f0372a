using System.Net;
using System.Text.Json;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;

namespace Retail.Functional.Tests.Influencer;

/// <summary>The steps the profile, campaign, tier and readiness tests share.</summary>
internal static class CampaignAreaSteps
{
    public static Task<HttpResponseMessage> CreateProfile(this InfluencerOrg org, string handle, string? payoutRef = null, TestUser? user = null) =>
        org.Post(user ?? org.Clerk, "/influencer/profile/create",
            new { handle, display_name = $"Ada {handle}", email = $"  {handle}@Example.COM ", payout_method_ref = payoutRef, currency = "eur" });

    public static async Task<JsonElement> NewProfile(this InfluencerOrg org, string? handle = null) =>
        await org.CreateProfile(handle ?? $"ada{Guid.NewGuid():N}"[..12]).Ok(HttpStatusCode.Created);

    public static Dictionary<string, object?> CampaignBody(string code, string profileGuid, Action<Dictionary<string, object?>>? change = null)
    {
        var body = new Dictionary<string, object?>
        {
            ["code"] = code,
            ["name"] = $"Campaign {code}",
            ["profile_guid"] = profileGuid,
            ["starts_at"] = DateTimeOffset.UtcNow.AddHours(-1),
            ["ends_at"] = DateTimeOffset.UtcNow.AddDays(30),
            ["currency"] = "EUR",
            ["commission"] = new { rate_bps = 1000, use_tiers = false, return_window_days = 30 },
        };
        change?.Invoke(body);
        return body;
    }

    public static Task<HttpResponseMessage> CreateCampaign(this InfluencerOrg org, string code, string profileGuid,
        Action<Dictionary<string, object?>>? change = null, TestUser? user = null) =>
        org.Post(user ?? org.Owner, "/influencer/campaign/create", CampaignBody(code, profileGuid, change));

    public static Task<HttpResponseMessage> SetCampaignStatus(this InfluencerOrg org, JsonElement campaign, string status, TestUser? user = null) =>
        org.Post(user ?? org.Owner, "/influencer/campaign/status/set",
            new { campaign_guid = campaign.Str("campaign_guid"), status, expected_revision = campaign.Long("revision") });
}

/// <summary>Influencer profiles over HTTP (UC-INF-001, first half): create, unique handle, get by guid or handle, roles and bad input.</summary>
public sealed class ProfileTests(InfluencerHost host) : IClassFixture<InfluencerHost>
{
    [Fact]
    public async Task UC_INF_001_a_member_creates_an_active_profile_read_by_guid_or_handle()
    {
        var org = await host.NewOrgAsync();
        var created = await org.CreateProfile("Ada.Lovelace", "pm_test_4242abcd").Ok(HttpStatusCode.Created);
        Assert.Equal(("ada.lovelace", "active", "EUR", "ada.lovelace@example.com", "pm_test_4242abcd", "missing", 1L),
            (created.Str("handle"), created.Str("status"), created.Str("currency"), created.Str("email"), created.Str("payout_method_ref"),
                created.Str("tax_form_status"), created.Long("revision")));

        var guid = created.Str("profile_guid");
        var byGuid = await org.Post(org.Viewer, "/influencer/profile/get", new { profile_guid = guid }).Ok();
        var byHandle = await org.Post(org.Viewer, "/influencer/profile/get", new { handle = "ADA.lovelace" }).Ok();
        Assert.Equal(guid, byGuid.Str("profile_guid"));
        Assert.Equal(guid, byHandle.Str("profile_guid"));

        var events = host.Factory.OutboxEvents("influencer", org.Orgcode, "influencer.profile_created");
        var data = Assert.Single(events);
        Assert.Equal(guid, data.GetProperty("profile_guid").GetString());
    }

    [Fact]
    public async Task a_handle_is_unique_in_the_org_but_not_across_orgs()
    {
        var org = await host.NewOrgAsync();
        await org.CreateProfile("grace").Ok(HttpStatusCode.Created);
        var duplicate = await org.CreateProfile("GRACE").Problem(HttpStatusCode.Conflict, "duplicate");
        Assert.Equal("handle", duplicate.GetProperty("field").GetString());

        var other = await host.NewOrgAsync();
        await other.CreateProfile("grace").Ok(HttpStatusCode.Created);
        // Tenant isolation: org A's profile is not found from org B.
        var mine = await org.Post("/influencer/profile/get", new { handle = "grace" }).Ok();
        await other.Post("/influencer/profile/get", new { profile_guid = mine.Str("profile_guid") }).Problem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task a_viewer_cannot_create_a_profile_and_bad_input_is_a_validation_problem()
    {
        var org = await host.NewOrgAsync();
        await org.CreateProfile("viewer1", user: org.Viewer).Problem(HttpStatusCode.Forbidden, "forbidden");

        // Bank details are never a payout method: only a provider token is.
        var bank = await org.CreateProfile("bank1", "DE89370400440532013000").Problem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(bank.GetProperty("errors").TryGetProperty("payout_method_ref", out _));
        await org.CreateProfile("-bad").Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post(org.Clerk, "/influencer/profile/create", new { handle = "nomail", display_name = "N", currency = "EUR" })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post(org.Clerk, "/influencer/profile/create", new { handle = "badcur", display_name = "N", email = "a@b.co", currency = "XXQ" })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post(org.Clerk, "/influencer/profile/create", new { handle = "badmail", display_name = "N", email = "not-an-email", currency = "EUR" })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post(org.Clerk, "/influencer/profile/create", new { handle = "extra1", display_name = "N", email = "a@b.co", currency = "EUR", iban = "x" })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/influencer/profile/get", new { }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/influencer/profile/get", new { profile_guid = Guid.NewGuid() }).Problem(HttpStatusCode.NotFound, "not_found");
    }
}
