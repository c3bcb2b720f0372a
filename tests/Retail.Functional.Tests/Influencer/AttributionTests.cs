using System.Net;
using Retail.Functional.Tests.Scm;
using Retail.Influencer.Campaigns;

namespace Retail.Functional.Tests.Influencer;

/// <summary>UC-INF-002 beside SCM: an order placed with a campaign code is attributed once, with its pending commission.</summary>
public sealed class AttributionTests(InfluencerScmHost host) : IClassFixture<InfluencerScmHost>
{
    [Fact]
    public async Task UC_INF_002_an_order_placed_with_the_campaign_code_is_attributed_once_with_a_pending_commission()
    {
        var (inf, scm) = await host.NewOrgAsync("infa", stock: 10);
        await scm.TaxPolicy();
        var ada = await host.Factory.SeedCampaignAsync(inf.Orgcode, "ada10", rateBps: 1000, returnWindowDays: 30);

        // 2 × 10.00 + 1 × 11.00 net (the 19 % tax and shipping are not attributed): 10 % of 31.00 is 3.10.
        var placed = await scm.PlacedOrderAsync("ADA10", (0, 2), (1, 1));
        var orderGuid = placed.Guid();
        await Waits.UntilAsync(async () => (await inf.EarningsAsync(new { order_guid = orderGuid })).Count == 1, "order.placed attributed the sale");
        var commission = Assert.Single(await inf.EarningsAsync(new { profile_guid = ada.ProfileGuid }));
        Assert.Equal(("commission", "pending", 310L, 3100L, 1000L), (commission.Str("kind"), commission.Str("status"), commission.Long("amount_minor"),
            commission.Long("base_minor"), commission.Long("rate_bps")));
        Assert.Equal($"commission:{orderGuid}", commission.Str("reference"));
        var placedAt = placed.GetProperty("placed_at").GetDateTimeOffset();
        Assert.Equal(placedAt.AddDays(30), commission.GetProperty("available_at").GetDateTimeOffset());
        var balance = await host.Factory.BalanceAsync(inf.Orgcode, ada.ProfileGuid);
        Assert.Equal((310L, 0L, 3100L), (balance.PendingMinor, balance.AvailableMinor, balance.AttributedNetMinor));

        // Recording it again (a member) answers the first attribution.
        var again = await inf.Post(inf.Clerk, "/influencer/attribution/record", new { order_guid = orderGuid }).Ok();
        Assert.True(again.GetProperty("replayed").GetBoolean());
        var attribution = again.GetProperty("attribution");
        Assert.Equal((commission.Str("attribution_guid"), 3100L, "event", "ada10"), (attribution.Str("attribution_guid"), attribution.Long("net_minor"),
            attribution.Str("source"), attribution.Str("campaign_code")));
        Assert.Equal(commission.Str("earning_guid"), again.GetProperty("earning").Str("earning_guid"));

        // SCM's event delivered again changes nothing.
        var evt = Assert.Single(host.Factory.OutboxEvents("scm", scm.Orgcode, "order.placed"), e => e.Str("order_guid") == orderGuid);
        await host.Factory.RedeliverAsync(scm.Orgcode, "order.placed", evt);
        Assert.Single(await inf.EarningsAsync(new { profile_guid = ada.ProfileGuid }));
        Assert.Single(host.Factory.OutboxEvents("influencer", inf.Orgcode, "attribution.recorded"));
        Assert.Single(host.Factory.OutboxEvents("influencer", inf.Orgcode, "earning.created"));
        Assert.Equal(310, (await host.Factory.BalanceAsync(inf.Orgcode, ada.ProfileGuid)).PendingMinor);

        // Listed by attribution too; a viewer may not record; bad input is a 400.
        Assert.Single(await inf.EarningsAsync(new { attribution_guid = attribution.Str("attribution_guid") }));
        await inf.Post(inf.Viewer, "/influencer/attribution/record", new { order_guid = orderGuid }).Problem(HttpStatusCode.Forbidden, "forbidden");
        await inf.Post(inf.Clerk, "/influencer/attribution/record", new { order_guid = "not-a-guid" }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await inf.Post(inf.Viewer, "/influencer/earnings/list", new { profile_guid = ada.ProfileGuid, order_guid = orderGuid })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task UC_INF_002_a_member_attributes_an_order_without_a_code_the_amounts_read_from_scm()
    {
        var (inf, scm) = await host.NewOrgAsync("infm", stock: 10);
        await scm.TaxPolicy();
        var bob = await host.Factory.SeedCampaignAsync(inf.Orgcode, "bob5", rateBps: 777, returnWindowDays: 14);
        var placed = await scm.PlacedOrderAsync(null, (2, 3));

        // 3 × 12.00 = 36.00 net at 7.77 %: 279.72, so 279 (rounded down).
        var recorded = await inf.Post(inf.Clerk, "/influencer/attribution/record", new { order_guid = placed.Guid(), campaign_code = "BOB5" })
            .Ok(HttpStatusCode.Created);
        Assert.False(recorded.GetProperty("replayed").GetBoolean());
        Assert.Equal(("manual", 3600L), (recorded.GetProperty("attribution").Str("source"), recorded.GetProperty("attribution").Long("net_minor")));
        Assert.Equal((279L, "pending"), (recorded.GetProperty("earning").Long("amount_minor"), recorded.GetProperty("earning").Str("status")));
        Assert.Equal(279, recorded.GetProperty("balance").Long("pending_minor"));
        var replay = await inf.Post(inf.Clerk, "/influencer/attribution/record", new { order_guid = placed.Guid(), campaign_code = "bob5" }).Ok();
        Assert.Equal(recorded.GetProperty("attribution").Str("attribution_guid"), replay.GetProperty("attribution").Str("attribution_guid"));
        Assert.Single(await inf.EarningsAsync(new { profile_guid = bob.ProfileGuid }));

        // No such order, an order not placed, no such campaign: 422 with their codes.
        await inf.Post(inf.Clerk, "/influencer/attribution/record", new { order_guid = Guid.CreateVersion7().ToString(), campaign_code = "bob5" })
            .Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        var draft = await scm.Post(scm.Clerk, "/scm/order/create", new
        {
            channel_code = "web",
            lines = new[] { new { variant_guid = scm.Variants[0], quantity = 1 } },
            customer = new { email = "ada@example.com", name = "Ada" },
            delivery = OrderSteps.Ship(),
        }).Ok(HttpStatusCode.Created);
        await inf.Post(inf.Clerk, "/influencer/attribution/record", new { order_guid = draft.Guid(), campaign_code = "bob5" })
            .Problem(HttpStatusCode.UnprocessableEntity, "order_not_placed");
        var other = await scm.PlacedOrderAsync(null, (0, 1));
        await inf.Post(inf.Clerk, "/influencer/attribution/record", new { order_guid = other.Guid(), campaign_code = "nobody" })
            .Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        await inf.Post(inf.Clerk, "/influencer/attribution/record", new { order_guid = other.Guid() })
            .Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
    }

    [Fact]
    public async Task UC_INF_002_an_order_of_a_paused_campaign_or_of_another_channel_is_not_attributed()
    {
        var (inf, scm) = await host.NewOrgAsync("infp", stock: 10);
        await scm.TaxPolicy();
        var paused = await host.Factory.SeedCampaignAsync(inf.Orgcode, "cleo", status: CampaignStatus.Paused);
        var posOnly = await host.Factory.SeedCampaignAsync(inf.Orgcode, "dora", channels: ["pos"]);

        var first = await scm.PlacedOrderAsync("cleo", (0, 1));
        var second = await scm.PlacedOrderAsync("dora", (0, 1));
        await EarningSteps.DrainedAsync(host.Factory);
        Assert.Empty(await inf.EarningsAsync(new { profile_guid = paused.ProfileGuid }));
        Assert.Empty(await inf.EarningsAsync(new { profile_guid = posOnly.ProfileGuid }));
        Assert.Empty(host.Factory.OutboxEvents("influencer", inf.Orgcode, "attribution.recorded"));

        var refused = await inf.Post(inf.Clerk, "/influencer/attribution/record", new { order_guid = first.Guid() })
            .Problem(HttpStatusCode.UnprocessableEntity, "campaign_not_active");
        Assert.Equal("paused", refused.Str("status"));
        await inf.Post(inf.Clerk, "/influencer/attribution/record", new { order_guid = second.Guid() })
            .Problem(HttpStatusCode.UnprocessableEntity, "campaign_not_active");
    }
}
