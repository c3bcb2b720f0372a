using System.Net;
using Retail.Functional.Tests.Scm;

namespace Retail.Functional.Tests.Influencer;

/// <summary>UC-INF-003 beside SCM: a return claws back the returned share of the commission once; a cancelled sale earns nothing.</summary>
public sealed class ClawbackTests(InfluencerScmHost host) : IClassFixture<InfluencerScmHost>
{
    [Fact]
    public async Task UC_INF_003_a_return_of_part_of_the_order_claws_back_its_share_of_the_commission_once()
    {
        var (inf, scm) = await host.NewOrgAsync("infc", stock: 10);
        await scm.TaxPolicy();
        var ada = await host.Factory.SeedCampaignAsync(inf.Orgcode, "ada777", rateBps: 777);

        // 10.00 + 2 × 12.00 = 34.00 net at 7.77 %: 264 (264.18 rounded down).
        var placed = await scm.PlacedOrderAsync("ada777", (0, 1), (2, 2));
        await Waits.UntilAsync(async () => (await inf.EarningsAsync(new { order_guid = placed.Guid() })).Count == 1, "the sale attributed");
        var commission = Assert.Single(await inf.EarningsAsync(new { order_guid = placed.Guid() }));
        Assert.Equal(264, commission.Long("amount_minor"));
        await scm.DeliveredAsync(placed);

        // One of the two 12.00 back: 264 × 1200 / 3400 = 93.18, so 93 clawed back, pending with its pending commission.
        var returnGuid = await scm.ReturnedAsync(placed.Guid(), lineNo: 2, quantity: 1);
        await Waits.UntilAsync(async () => (await inf.EarningsAsync(new { order_guid = placed.Guid() })).Count == 2, "return.received clawed back");
        var entries = await inf.EarningsAsync(new { order_guid = placed.Guid() });
        var clawback = Assert.Single(entries, e => e.Str("kind") == "clawback");
        Assert.Equal((-93L, "pending", commission.Str("earning_guid"), returnGuid, 1200L), (clawback.Long("amount_minor"), clawback.Str("status"),
            clawback.Str("claws_back"), clawback.Str("return_guid"), clawback.Long("base_minor")));
        Assert.Equal($"clawback:{returnGuid}:{commission.Str("earning_guid")}", clawback.Str("reference"));
        Assert.Equal(93, Assert.Single(entries, e => e.Str("kind") == "commission").Long("clawed_back_minor"));
        var balance = await host.Factory.BalanceAsync(inf.Orgcode, ada.ProfileGuid);
        Assert.Equal((171L, 2200L), (balance.PendingMinor, balance.AttributedNetMinor));

        // The same return delivered again claws back nothing more.
        var evt = Assert.Single(host.Factory.OutboxEvents("scm", scm.Orgcode, "return.received"));
        await host.Factory.RedeliverAsync(scm.Orgcode, "return.received", evt);
        Assert.Equal(2, (await inf.EarningsAsync(new { order_guid = placed.Guid() })).Count);
        Assert.Single(host.Factory.OutboxEvents("influencer", inf.Orgcode, "earning.clawed_back"));
        Assert.Equal(171, (await host.Factory.BalanceAsync(inf.Orgcode, ada.ProfileGuid)).PendingMinor);

        // An admin claws back by hand: never more than is left (171), once per reference.
        var guid = commission.Str("earning_guid");
        await inf.Post(inf.Clerk, "/influencer/earnings/clawback", new { earning_guid = guid, full = true, reason = "Fraud", reference = "fraud-1" })
            .Problem(HttpStatusCode.Forbidden, "forbidden");
        var tooMuch = await inf.Post("/influencer/earnings/clawback", new { earning_guid = guid, amount_minor = 172, reason = "Fraud", reference = "fraud-1" })
            .Problem(HttpStatusCode.UnprocessableEntity, "clawback_exceeds_commission");
        Assert.Equal(171, tooMuch.Long("clawable_minor"));
        await inf.Post("/influencer/earnings/clawback", new { earning_guid = guid, amount_minor = 5, full = true, reason = "Fraud", reference = "fraud-1" })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        var all = await inf.Post("/influencer/earnings/clawback", new { earning_guid = guid, full = true, reason = "Fraud", reference = "fraud-1" })
            .Ok(HttpStatusCode.Created);
        Assert.Equal((-171L, 0L), (all.GetProperty("earning").Long("amount_minor"), all.GetProperty("balance").Long("pending_minor")));
        var replay = await inf.Post("/influencer/earnings/clawback", new { earning_guid = guid, full = true, reason = "Fraud", reference = "fraud-1" }).Ok();
        Assert.True(replay.GetProperty("replayed").GetBoolean());
        Assert.Equal(all.GetProperty("earning").Str("earning_guid"), replay.GetProperty("earning").Str("earning_guid"));
        await inf.Post("/influencer/earnings/clawback", new { earning_guid = guid, full = true, reason = "Fraud", reference = "fraud-2" })
            .Problem(HttpStatusCode.UnprocessableEntity, "clawback_exceeds_commission");
        await inf.Post("/influencer/earnings/clawback", new { earning_guid = clawback.Str("earning_guid"), amount_minor = 1, reason = "x", reference = "fraud-3" })
            .Problem(HttpStatusCode.UnprocessableEntity, "not_a_commission");
    }

    [Fact]
    public async Task UC_INF_003_a_sale_cancelled_before_its_commission_is_available_earns_nothing()
    {
        var (inf, scm) = await host.NewOrgAsync("infx", stock: 10);
        await scm.TaxPolicy();
        var bob = await host.Factory.SeedCampaignAsync(inf.Orgcode, "bob10", rateBps: 1000);
        var kept = await scm.PlacedOrderAsync("bob10", (0, 1));
        var placed = await scm.PlacedOrderAsync("bob10", (1, 2));
        await Waits.UntilAsync(async () => (await inf.EarningsAsync(new { profile_guid = bob.ProfileGuid })).Count == 2, "both sales attributed");
        // The balance is read from the store directly, beside the API: wait for it too (a lost update would never get there).
        await Waits.UntilAsync(async () => (await host.Factory.BalanceAsync(inf.Orgcode, bob.ProfileGuid)).PendingMinor == 320, "both commissions pending");

        await scm.Post(scm.Clerk, "/scm/order/cancel", new { order_guid = placed.Guid(), expected_revision = placed.Revision(), reason = "Changed my mind" }).Ok();
        await Waits.UntilAsync(async () => Assert.Single(await inf.EarningsAsync(new { order_guid = placed.Guid() })).Str("status") == "cancelled",
            "order.cancelled cancelled the commission");
        var balance = await host.Factory.BalanceAsync(inf.Orgcode, bob.ProfileGuid);
        Assert.Equal((100L, 1000L), (balance.PendingMinor, balance.AttributedNetMinor));
        Assert.Single(host.Factory.OutboxEvents("influencer", inf.Orgcode, "earning.cancelled"));
        Assert.Equal("pending", Assert.Single(await inf.EarningsAsync(new { order_guid = kept.Guid() })).Str("status"));

        var cancelled = Assert.Single(await inf.EarningsAsync(new { order_guid = placed.Guid() }));
        await inf.Post("/influencer/earnings/hold", new { earning_guid = cancelled.Str("earning_guid"), expected_revision = cancelled.Long("revision"), reason = "x" })
            .Problem(HttpStatusCode.Conflict, "invalid_transition");
    }
}
