using System.Net;
using System.Text.Json;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;

namespace Retail.Functional.Tests.Influencer;

/// <summary>Discount tiers over HTTP: set by an admin (create, then change by revision), read and listed by threshold by viewers.</summary>
public sealed class TierTests(InfluencerHost host) : IClassFixture<InfluencerHost>
{
    private static Task<HttpResponseMessage> Set(InfluencerOrg org, string code, long threshold, int rate, long? revision = null, bool? active = null,
        TestUser? user = null) =>
        org.Post(user ?? org.Owner, "/influencer/discount-tier/set", new
        {
            tier_code = code, name = $"Tier {code}", currency = "EUR", threshold_minor = threshold, commission_rate_bps = rate, buyer_discount_bps = 500,
            active, expected_revision = revision,
        });

    private static IReadOnlyList<string> Codes(JsonElement page) => page.GetProperty("items").EnumerateArray().Select(t => t.Str("tier_code")).ToList();

    [Fact]
    public async Task an_admin_sets_tiers_and_viewers_list_them_by_threshold()
    {
        var org = await host.NewOrgAsync();
        await Set(org, "gold", 500_000, 1500).Ok();
        await Set(org, "bronze", 0, 500).Ok();
        var silver = await Set(org, "Silver", 100_000, 1000).Ok();
        Assert.Equal(("silver", 100_000L, 1000, 500, true, 1L), (silver.Str("tier_code"), silver.Long("threshold_minor"),
            silver.GetProperty("commission_rate_bps").GetInt32(), silver.GetProperty("buyer_discount_bps").GetInt32(), silver.GetProperty("active").GetBoolean(),
            silver.Long("revision")));

        Assert.Equal(["bronze", "silver", "gold"], Codes(await org.Post(org.Viewer, "/influencer/discount-tier/list", new { }).Ok()));
        var first = await org.Post(org.Viewer, "/influencer/discount-tier/list", new { limit = 2 }).Ok();
        Assert.Equal(["bronze", "silver"], Codes(first));
        Assert.Equal(["gold"], Codes(await org.Post(org.Viewer, "/influencer/discount-tier/list", new { limit = 2, next_token = first.Str("next_token") }).Ok()));

        // A change needs the revision; switching a tier off takes it out of the active list.
        var changed = await Set(org, "silver", 150_000, 1100, revision: 1, active: false).Ok();
        Assert.Equal((150_000L, false, 2L), (changed.Long("threshold_minor"), changed.GetProperty("active").GetBoolean(), changed.Long("revision")));
        Assert.Equal(["bronze", "gold"], Codes(await org.Post(org.Viewer, "/influencer/discount-tier/list", new { active = true }).Ok()));
        var got = await org.Post(org.Viewer, "/influencer/discount-tier/get", new { tier_code = "SILVER" }).Ok();
        Assert.Equal(1100, got.GetProperty("commission_rate_bps").GetInt32());
        Assert.Equal(4, host.Factory.OutboxEvents("influencer", org.Orgcode, "discount_tier.changed").Count);
    }

    [Fact]
    public async Task tier_changes_are_admin_only_revision_checked_and_validated()
    {
        var org = await host.NewOrgAsync();
        await Set(org, "base", 0, 500, user: org.Clerk).Problem(HttpStatusCode.Forbidden, "forbidden");
        await Set(org, "base", 0, 500, user: org.Viewer).Problem(HttpStatusCode.Forbidden, "forbidden");
        await Set(org, "base", 0, 500).Ok();
        await Set(org, "base", 0, 600).Problem(HttpStatusCode.BadRequest, "expected_revision_required");
        var stale = await Set(org, "base", 0, 600, revision: 5).Problem(HttpStatusCode.Conflict, "revision_mismatch");
        Assert.Equal(1, stale.Long("current_revision"));
        await Set(org, "fresh", 0, 600, revision: 3).Problem(HttpStatusCode.Conflict, "revision_mismatch");

        await Set(org, "neg", -1, 500).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await Set(org, "rate", 0, 10_001).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await Set(org, "bad code!", 0, 500).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/influencer/discount-tier/set", new { tier_code = "nocur", name = "x", threshold_minor = 0, commission_rate_bps = 1 })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post(org.Viewer, "/influencer/discount-tier/get", new { tier_code = "nope" }).Problem(HttpStatusCode.NotFound, "not_found");
    }
}
