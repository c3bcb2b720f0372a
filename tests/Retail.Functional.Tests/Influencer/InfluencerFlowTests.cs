using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;
using Retail.Functional.Tests.Scm;
using Retail.Influencer.Earnings;

namespace Retail.Functional.Tests.Influencer;

/// <summary>
/// Issue 18 end to end, every step through the API: a profile and an active campaign (UC-INF-001), an SCM order with the
/// campaign code attributed from <c>order.placed</c> (UC-INF-002), a return clawing back its share, the return window
/// passing, one payout of what is left and a statement whose totals add up (UC-INF-003).
/// </summary>
public sealed class InfluencerFlowTests
{
    [Fact]
    public async Task An_order_is_attributed_a_return_claws_back_its_share_and_one_payout_pays_the_rest_with_a_statement_that_adds_up()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var factory = InfluencerScmHost.Start(s => s.AddSingleton<TimeProvider>(clock));
        // The availability sweep never ticks on its own here: the test runs its pass.
        factory.Settings["Influencer:Earnings:AvailabilitySweepInterval"] = "40.00:00:00";
        using var @operator = factory.CreateOperatorClient();
        var scm = await ScmHost.NewOrgAsync(factory, @operator, "inff", stock: 10);
        var viewer = factory.NewUser("viewer");
        await scm.Owner.Join(scm.Orgcode, viewer, "viewer");
        var inf = new InfluencerOrg(scm.Orgcode, scm.Owner, scm.Approver, scm.Clerk, viewer);
        await scm.TaxPolicy();
        var periodStart = clock.GetUtcNow().AddMinutes(-1);

        var profile = await inf.CreateProfile("ada.flow", "pm_test_flow0001").Ok(HttpStatusCode.Created);
        var profileGuid = profile.Str("profile_guid");
        await inf.Post("/influencer/payout/ready/set", new
        {
            profile_guid = profileGuid, tax_form_status = "verified", minimum_payout_minor = 100, enabled = true, expected_revision = profile.Long("revision"),
        }).Ok();
        var campaign = await inf.CreateCampaign("adaflow", profileGuid,
            b => b["commission"] = new { rate_bps = 1000, use_tiers = false, return_window_days = 14 }).Ok(HttpStatusCode.Created);
        await inf.SetCampaignStatus(campaign, "active").Ok();

        // 10.00 + 2 × 12.00 = 34.00 net at 10 %: 340 pending. An order without the code earns nothing.
        var placed = await scm.PlacedOrderAsync("adaflow", (0, 1), (2, 2));
        var plain = await scm.PlacedOrderAsync(null, (1, 1));
        await Waits.UntilAsync(async () => (await inf.EarningsAsync(new { order_guid = placed.Guid() })).Count == 1, "the sale attributed");
        var commission = Assert.Single(await inf.EarningsAsync(new { order_guid = placed.Guid() }));
        Assert.Equal((340L, "pending", campaign.Str("campaign_guid")), (commission.Long("amount_minor"), commission.Str("status"), commission.Str("campaign_guid")));
        Assert.Empty(await inf.EarningsAsync(new { order_guid = plain.Guid() }));

        // One of the two 12.00 back: 340 × 1200 / 3400 = 120 clawed back, once.
        await scm.DeliveredAsync(placed);
        var returnGuid = await scm.ReturnedAsync(placed.Guid(), lineNo: 2, quantity: 1);
        await Waits.UntilAsync(async () => (await inf.EarningsAsync(new { order_guid = placed.Guid() })).Count == 2, "the return clawed back");
        var clawback = Assert.Single(await inf.EarningsAsync(new { order_guid = placed.Guid() }), e => e.Str("kind") == "clawback");
        Assert.Equal((-120L, returnGuid), (clawback.Long("amount_minor"), clawback.Str("return_guid")));

        // Past the 14-day return window both entries are available (sessions have lapsed: the operator acts from here).
        clock.Advance(TimeSpan.FromDays(15));
        await factory.Services.GetRequiredService<EarningsSweeper>().SweepOnceAsync(CancellationToken.None);
        var entries = await inf.EarningsAsync(new { profile_guid = profileGuid }, @operator);
        Assert.All(entries, e => Assert.Equal("available", e.Str("status")));

        // One payout of 340 − 120 = 220 through the provider; nothing is left to pay twice.
        var payout = await @operator.Post("/influencer/payout/submit", new { profile_guid = profileGuid }, inf.Orgcode).Ok(HttpStatusCode.Created);
        Assert.Equal((220L, "paid"), (payout.Long("amount_minor"), payout.Str("status")));
        await @operator.Post("/influencer/payout/submit", new { profile_guid = profileGuid }, inf.Orgcode).Problem(HttpStatusCode.Conflict, "nothing_to_pay");
        Assert.All(await inf.EarningsAsync(new { profile_guid = profileGuid }, @operator), e => Assert.Equal("paid", e.Str("status")));

        // The statement of the period [start, end): opening 0 + earned 340 − clawed back 120 − paid 220 = closing 0.
        clock.Advance(TimeSpan.FromSeconds(1));
        var statement = await @operator.Post("/influencer/statement/create",
            new { profile_guid = profileGuid, period_start_at = periodStart, period_end_at = clock.GetUtcNow() }, inf.Orgcode).Ok(HttpStatusCode.Created);
        var totals = statement.GetProperty("totals");
        Assert.Equal((0L, 340L, 120L, 220L, 0L), (totals.Long("opening_minor"), totals.Long("earned_minor"), totals.Long("clawed_back_minor"),
            totals.Long("paid_minor"), totals.Long("closing_minor")));
        Assert.Equal((1, 3400L), (totals.GetProperty("attributions").GetInt32(), totals.Long("attributed_net_minor")));
        Assert.Equal(payout.Str("payout_guid"), Assert.Single(statement.GetProperty("payouts").EnumerateArray()).Str("payout_guid"));
    }
}
