using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;
using Retail.Functional.Tests.Scm;
using Retail.Shared.Invocation;

namespace Retail.Functional.Tests.Influencer;

/// <summary>Campaigns over HTTP (UC-INF-001): create for an active profile, unique code, lifecycle with revisions, lists by status and profile.</summary>
public sealed class CampaignTests(InfluencerHost host) : IClassFixture<InfluencerHost>
{
    [Fact]
    public async Task UC_INF_001_an_admin_launches_a_campaign_for_a_new_profile_and_moves_it_through_its_lifecycle()
    {
        var org = await host.NewOrgAsync();
        var profile = await org.NewProfile();
        var created = await org.CreateCampaign("Ada10", profile.Str("profile_guid")).Ok(HttpStatusCode.Created);
        Assert.Equal(("ada10", "draft", "EUR", 1L), (created.Str("code"), created.Str("status"), created.Str("currency"), created.Long("revision")));
        Assert.Equal(1000, created.GetProperty("commission").GetProperty("rate_bps").GetInt32());
        Assert.Equal(JsonValueKind.Null, created.GetProperty("discount_code").ValueKind);

        var byCode = await org.Post(org.Viewer, "/influencer/campaign/get", new { code = "ADA10" }).Ok();
        Assert.Equal(created.Str("campaign_guid"), byCode.Str("campaign_guid"));

        // No buyer's discount: activation needs nothing from PPM (this host has none).
        var active = await org.SetCampaignStatus(created, "active").Ok();
        Assert.Equal(("active", 2L), (active.Str("status"), active.Long("revision")));
        var paused = await org.SetCampaignStatus(active, "paused").Ok();
        var resumed = await org.SetCampaignStatus(paused, "active").Ok();
        var ended = await org.SetCampaignStatus(resumed, "ended").Ok();
        Assert.Equal(("ended", 5L), (ended.Str("status"), ended.Long("revision")));

        // Ended is final; and a stale revision is refused before the lifecycle.
        var illegal = await org.SetCampaignStatus(ended, "active").Problem(HttpStatusCode.Conflict, "invalid_transition");
        Assert.Empty(illegal.GetProperty("allowed").EnumerateArray());
        await org.SetCampaignStatus(created, "paused").Problem(HttpStatusCode.Conflict, "revision_mismatch");

        var moves = host.Factory.OutboxEvents("influencer", org.Orgcode, "campaign.status_changed");
        Assert.Equal(["active", "paused", "active", "ended"], moves.Select(m => m.GetProperty("status").GetString()!));
        Assert.Single(host.Factory.OutboxEvents("influencer", org.Orgcode, "campaign.created"));
    }

    [Fact]
    public async Task a_draft_cannot_be_paused_and_an_ended_draft_stays_ended()
    {
        var org = await host.NewOrgAsync();
        var profile = await org.NewProfile();
        var draft = await org.CreateCampaign("draft1", profile.Str("profile_guid")).Ok(HttpStatusCode.Created);
        var refused = await org.SetCampaignStatus(draft, "paused").Problem(HttpStatusCode.Conflict, "invalid_transition");
        Assert.Equal(["active", "ended"], refused.GetProperty("allowed").EnumerateArray().Select(a => a.GetString()!));
        var ended = await org.SetCampaignStatus(draft, "ended").Ok();
        await org.SetCampaignStatus(ended, "paused").Problem(HttpStatusCode.Conflict, "invalid_transition");
        await org.Post("/influencer/campaign/status/set", new { campaign_guid = draft.Str("campaign_guid"), status = "active" })
            .Problem(HttpStatusCode.BadRequest, "expected_revision_required");
    }

    [Fact]
    public async Task a_campaign_code_is_unique_and_needs_an_existing_active_profile_a_future_window_and_known_channels()
    {
        var org = await host.NewOrgAsync();
        var profile = await org.NewProfile();
        var guid = profile.Str("profile_guid");
        await org.CreateCampaign("spring", guid).Ok(HttpStatusCode.Created);
        await org.CreateCampaign("SPRING", guid).Problem(HttpStatusCode.Conflict, "duplicate");

        var unknown = await org.CreateCampaign("ghost", Guid.NewGuid().ToString()).Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        Assert.Equal("profile_guid", unknown.GetProperty("field").GetString());
        await org.CreateCampaign("past", guid, b => { b["starts_at"] = DateTimeOffset.UtcNow.AddDays(-10); b["ends_at"] = DateTimeOffset.UtcNow.AddDays(-1); })
            .Problem(HttpStatusCode.UnprocessableEntity, "window_in_past");
        await org.CreateCampaign("nochan", guid, b => b["channels"] = new[] { "nowhere" }).Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");

        // Bad input: 400 with the field.
        await org.CreateCampaign("backwards", guid, b => b["ends_at"] = DateTimeOffset.UtcNow.AddHours(-2)).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.CreateCampaign("rate", guid, b => b["commission"] = new { rate_bps = 10001 }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.CreateCampaign("window", guid, b => b["commission"] = new { rate_bps = 100, return_window_days = 366 })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.CreateCampaign("disc", guid, b => b["buyer_discount_bps"] = -1).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.CreateCampaign("codeonly", guid, b => b["discount_code"] = "codeonly").Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.CreateCampaign("Not A Code!", guid).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.CreateCampaign("nocur", guid, b => b.Remove("currency")).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.CreateCampaign("huge", guid, b => b["buyer_discount_bps"] = 99999999999L).Problem(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task only_admins_write_campaigns_and_viewers_read_them()
    {
        var org = await host.NewOrgAsync();
        var profile = await org.NewProfile();
        var guid = profile.Str("profile_guid");
        await org.CreateCampaign("byclerk", guid, user: org.Clerk).Problem(HttpStatusCode.Forbidden, "forbidden");
        await org.CreateCampaign("byviewer", guid, user: org.Viewer).Problem(HttpStatusCode.Forbidden, "forbidden");
        var campaign = await org.CreateCampaign("byapprover", guid, user: org.Approver).Ok(HttpStatusCode.Created);
        await org.SetCampaignStatus(campaign, "active", org.Viewer).Problem(HttpStatusCode.Forbidden, "forbidden");
        await org.SetCampaignStatus(campaign, "active", org.Clerk).Problem(HttpStatusCode.Forbidden, "forbidden");
        await org.Post(org.Viewer, "/influencer/campaign/get", new { campaign_guid = campaign.Str("campaign_guid") }).Ok();
        await org.Post(org.Viewer, "/influencer/campaign/get", new { campaign_guid = Guid.NewGuid() }).Problem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task campaigns_are_listed_by_status_and_by_profile_page_by_page()
    {
        var org = await host.NewOrgAsync();
        var ada = (await org.NewProfile()).Str("profile_guid");
        var bob = (await org.NewProfile()).Str("profile_guid");
        var a1 = await org.CreateCampaign("a1", ada).Ok(HttpStatusCode.Created);
        await org.CreateCampaign("a2", ada).Ok(HttpStatusCode.Created);
        await org.CreateCampaign("b1", bob).Ok(HttpStatusCode.Created);
        await org.SetCampaignStatus(a1, "active").Ok();

        // Lists are in key order (UUIDv7), which orders records made within one millisecond at random: compare as sets.
        static IReadOnlyList<string> Codes(JsonElement page) =>
            page.GetProperty("items").EnumerateArray().Select(c => c.Str("code")).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["a1"], Codes(await org.Post(org.Viewer, "/influencer/campaign/list", new { status = "active" }).Ok()));
        Assert.Equal(["a2", "b1"], Codes(await org.Post(org.Viewer, "/influencer/campaign/list", new { status = "draft" }).Ok()));
        Assert.Equal(["a1", "a2"], Codes(await org.Post(org.Viewer, "/influencer/campaign/list", new { profile_guid = ada }).Ok()));
        Assert.Equal(["a2"], Codes(await org.Post(org.Viewer, "/influencer/campaign/list", new { profile_guid = ada, status = "draft" }).Ok()));

        var first = await org.Post(org.Viewer, "/influencer/campaign/list", new { limit = 2 }).Ok();
        Assert.Equal(2, Codes(first).Count);
        var rest = await org.Post(org.Viewer, "/influencer/campaign/list", new { limit = 2, next_token = first.Str("next_token") }).Ok();
        Assert.Equal(["a1", "a2", "b1"], Codes(first).Concat(Codes(rest)).Order(StringComparer.Ordinal));
        Assert.Equal(JsonValueKind.Null, rest.GetProperty("next_token").ValueKind);
        await org.Post(org.Viewer, "/influencer/campaign/list", new { status = "running" }).Problem(HttpStatusCode.BadRequest, "validation_failed");
    }
}

/// <summary>
/// UC-INF-001 with SCM and PPM: a campaign's buyer's discount is a PPM promotion behind the campaign's code, made when the
/// campaign is activated and ended with it; SCM presents an order's campaign_code to pricing.
/// </summary>
public sealed class CampaignDiscountTests(InfluencerScmHost host) : IClassFixture<InfluencerScmHost>
{
    private static Task<HttpResponseMessage> Order(ScmOrg scm, string variant, string? campaignCode) =>
        scm.Post(scm.Clerk, "/scm/order/create", new
        {
            channel_code = "web",
            lines = new[] { OrderSteps.Line(variant, 1) },
            customer = new { email = "buyer@example.com", name = "Buyer" },
            delivery = OrderSteps.Ship(),
            campaign_code = campaignCode,
        });

    private static async Task<long> DiscountOf(ScmOrg scm, string variant, string? campaignCode)
    {
        var order = await Order(scm, variant, campaignCode).Ok(HttpStatusCode.Created);
        return order.GetProperty("lines")[0].GetProperty("discount_minor").GetInt64();
    }

    private static async Task<IReadOnlyList<JsonElement>> PromotionsOf(InfluencerOrg org, JsonElement campaign)
    {
        var page = await org.Post("/ppm/promotion/list", new { limit = 500 }).Ok();
        return page.GetProperty("items").EnumerateArray().Where(p => p.Str("promotion_code") == $"inf-{campaign.Str("campaign_guid")}").ToList();
    }

    [Fact]
    public async Task UC_INF_001_an_active_campaign_gives_its_buyers_the_discount_through_their_orders_and_ending_it_takes_it_away()
    {
        var (org, scm) = await host.NewOrgAsync();
        await scm.TaxPolicy();
        var profile = await org.NewProfile();
        var draft = await org.CreateCampaign("ada10", profile.Str("profile_guid"), b =>
        {
            b["channels"] = new[] { "web" };
            b["buyer_discount_bps"] = 1000;
        }).Ok(HttpStatusCode.Created);
        Assert.Equal("ada10", draft.Str("discount_code"));
        var tee = scm.Variants[0];

        // A draft campaign offers nothing yet.
        Assert.Equal(0, await DiscountOf(scm, tee, "ada10"));

        var active = await org.SetCampaignStatus(draft, "active").Ok();
        var promotionGuid = active.Str("promotion_guid");
        var promotion = Assert.Single(await PromotionsOf(org, active));
        Assert.Equal((promotionGuid, "ada10", "percent_off", "active"), (promotion.Str("promotion_guid"), promotion.Str("code"), promotion.Str("kind"), promotion.Str("status")));

        // 10 % off the 1000 tee for the order with the code; nothing for the order without it.
        Assert.Equal(100, await DiscountOf(scm, tee, "ada10"));
        Assert.Equal(0, await DiscountOf(scm, tee, null));
        Assert.Equal(0, await DiscountOf(scm, tee, "other-code"));

        // Paused: the promotion stays, so the buyer's code still works (its sales are not attributed while paused).
        var paused = await org.SetCampaignStatus(active, "paused").Ok();
        Assert.Equal(promotionGuid, paused.Str("promotion_guid"));
        Assert.Equal(100, await DiscountOf(scm, tee, "ada10"));
        var resumed = await org.SetCampaignStatus(paused, "active").Ok();
        Assert.Equal(promotionGuid, resumed.Str("promotion_guid"));
        Assert.Single(await PromotionsOf(org, resumed));

        // Ended: the promotion ends with it, and the code gives nothing.
        await org.SetCampaignStatus(resumed, "ended").Ok();
        var endedPromotion = await org.Post("/ppm/promotion/get", new { promotion_guid = promotionGuid }).Ok();
        Assert.Equal("ended", endedPromotion.Str("status"));
        Assert.Equal(0, await DiscountOf(scm, tee, "ada10"));
    }

    [Fact]
    public async Task a_discount_code_held_by_another_active_promotion_keeps_the_campaign_in_draft()
    {
        var (org, _) = await host.NewOrgAsync();
        var profile = await org.NewProfile();
        await org.Post("/ppm/promotion/create", new
        {
            promotion_code = "spring-sale", name = "Spring", kind = "percent_off", percent = 5, targets = new[] { new { kind = "all" } },
            starts_at = DateTimeOffset.UtcNow.AddHours(-1), code = "spring",
        }).Ok(HttpStatusCode.Created);
        var draft = await org.CreateCampaign("spring", profile.Str("profile_guid"), b => b["buyer_discount_bps"] = 500).Ok(HttpStatusCode.Created);
        await org.SetCampaignStatus(draft, "active").Problem(HttpStatusCode.Conflict, "discount_code_taken");
        var still = await org.Post("/influencer/campaign/get", new { campaign_guid = draft.Str("campaign_guid") }).Ok();
        Assert.Equal(("draft", 1L), (still.Str("status"), still.Long("revision")));
    }

    [Fact]
    public async Task when_ppm_cannot_be_reached_activation_is_503_and_changes_nothing_and_a_retry_after_a_lost_answer_makes_one_promotion()
    {
        var outage = new PpmOutage();
        await using var factory = InfluencerScmHost.Start(s => s.AddSingleton<IServiceInvoker>(sp => new FlakyPpmInvoker(
            ActivatorUtilities.CreateInstance<Retail.Shared.Embedded.SelfHttpServiceInvoker>(sp), outage)));
        using var @operator = factory.CreateOperatorClient();
        var (org, _) = await NewOrg(factory, @operator);
        var profile = await org.NewProfile();
        var draft = await org.CreateCampaign("flaky", profile.Str("profile_guid"), b => b["buyer_discount_bps"] = 1500).Ok(HttpStatusCode.Created);

        outage.Down = true;
        await org.SetCampaignStatus(draft, "active").Problem(HttpStatusCode.ServiceUnavailable, "dependency_unavailable");
        outage.Down = false;
        var still = await org.Post("/influencer/campaign/get", new { campaign_guid = draft.Str("campaign_guid") }).Ok();
        Assert.Equal(("draft", 1L), (still.Str("status"), still.Long("revision")));
        Assert.Empty(await PromotionsOf(org, draft));

        // PPM makes the promotion but its answer is lost: 503 here; the retry finds the promotion by its code.
        outage.LoseNextCreateAnswer = true;
        await org.SetCampaignStatus(draft, "active").Problem(HttpStatusCode.ServiceUnavailable, "dependency_unavailable");
        Assert.Single(await PromotionsOf(org, draft));
        var active = await org.SetCampaignStatus(draft, "active").Ok();
        var promotion = Assert.Single(await PromotionsOf(org, draft));
        Assert.Equal(promotion.Str("promotion_guid"), active.Str("promotion_guid"));

        // Ending while PPM is down: 503 and the campaign stays active with its promotion live.
        outage.Down = true;
        await org.SetCampaignStatus(active, "ended").Problem(HttpStatusCode.ServiceUnavailable, "dependency_unavailable");
        outage.Down = false;
        Assert.Equal("active", (await org.Post("/influencer/campaign/get", new { code = "flaky" }).Ok()).Str("status"));
        await org.SetCampaignStatus(active, "ended").Ok();
        Assert.Equal("ended", (await org.Post("/ppm/promotion/get", new { promotion_guid = active.Str("promotion_guid") }).Ok()).Str("status"));
    }

    private static async Task<(InfluencerOrg, ScmOrg)> NewOrg(RetailHostFactory factory, HttpClient @operator)
    {
        var scm = await ScmHost.NewOrgAsync(factory, @operator, "infp", 0);
        var viewer = factory.NewUser("viewer");
        await scm.Owner.Join(scm.Orgcode, viewer, "viewer");
        return (new InfluencerOrg(scm.Orgcode, scm.Owner, scm.Approver, scm.Clerk, viewer), scm);
    }
}

internal sealed class PpmOutage
{
    public volatile bool Down;

    public volatile bool LoseNextCreateAnswer;
}

/// <summary>Service invocation to PPM fails as a network outage does while down, or loses the answer of one promotion create after PPM made it.</summary>
internal sealed class FlakyPpmInvoker(IServiceInvoker inner, PpmOutage outage) : IServiceInvoker
{
    public async Task<InvocationResponse> InvokeAsync(string appId, string path, object? body, InvocationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        if (appId != "ppm")
        {
            return await inner.InvokeAsync(appId, path, body, options, cancellationToken);
        }
        if (outage.Down)
        {
            throw new DependencyUnavailableException("ppm");
        }
        var answer = await inner.InvokeAsync(appId, path, body, options, cancellationToken);
        if (path == "/promotion/create" && outage.LoseNextCreateAnswer)
        {
            outage.LoseNextCreateAnswer = false;
            throw new DependencyUnavailableException("ppm");
        }
        return answer;
    }
}
