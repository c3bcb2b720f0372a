using System.Net;
using System.Text.Json;
using Retail.Functional.Tests.Infrastructure;

namespace Retail.Functional.Tests.Ppm;

/// <summary>UC-PPM-003 end to end: promotions as <c>/ppm/price/resolve</c> applies them, by the policy's stacking rule and caps.</summary>
public sealed class PromotionResolveTests(PpmHost host) : IClassFixture<PpmHost>
{
    private static IEnumerable<JsonElement> Applied(JsonElement line) => line.GetProperty("applied").EnumerateArray();

    private static async Task<PpmOrg> SellingOrgAsync(PpmHost host)
    {
        var org = await host.NewOrgAsync();
        await org.List("retail");
        await org.Assign("web", "retail", 1);
        await org.Price(org.Variants[0], "retail", 10000);
        await org.Price(org.Variants[1], "retail", 4000);
        await org.KnowsVariants("web");
        return org;
    }

    private static Task<JsonElement> Promote(PpmOrg org, string code, Action<Dictionary<string, object?>> change) =>
        org.Post("/ppm/promotion/create", PromotionSteps.PercentOff(code, change)).Ok(HttpStatusCode.Created);

    private static async Task Policy(PpmOrg org, string mode, int? cap = null, int? maxDiscount = null, long? revision = null)
    {
        await org.Post("/ppm/policy/set", new
        {
            max_discount_percent = maxDiscount,
            stacking = new { mode, cap_percent = cap },
            expected_revision = revision,
        }).Ok();
    }

    [Fact]
    public async Task UC_PPM_003_overlapping_promotions_follow_the_stacking_rule_and_an_ended_or_expired_one_no_longer_applies()
    {
        var org = await SellingOrgAsync(host);
        var (tee, polo) = (org.Variants[0], org.Variants[1]);
        var tenOff = await Promote(org, "ten", b => { b["percent"] = 10; b["priority"] = 1; });
        await Promote(org, "twenty", b => { b["percent"] = 20; b["priority"] = 2; b["targets"] = new[] { new { kind = "variant", value = tee } }; });
        await Promote(org, "expired", b =>
        {
            b["percent"] = 50;
            b["starts_at"] = DateTimeOffset.UtcNow.AddDays(-10);
            b["ends_at"] = DateTimeOffset.UtcNow.AddDays(5);
        });

        // best_of (the default): the larger applies alone — the 50 % one is live until its window ends, checked below.
        var now = DateTimeOffset.UtcNow;
        var later = now.AddDays(6);
        var bestOf = await org.ResolveAt("web", later, ResolveSteps.Line(tee), ResolveSteps.Line(polo));
        var teeLine = bestOf.LineOf(0);
        Assert.Equal(8000, teeLine.GetProperty("extended_minor").GetInt64());
        Assert.Equal(["twenty"], Applied(teeLine).Select(a => a.GetProperty("code").GetString()));
        Assert.Equal(3600, bestOf.LineOf(1).GetProperty("extended_minor").GetInt64());
        Assert.Equal(11600, bestOf.GetProperty("total_minor").GetInt64());

        // Before its end, the 50 % promotion is the best; after it, it is gone (an expired promotion never applies).
        var during = await org.ResolveAt("web", now, ResolveSteps.Line(tee));
        Assert.Equal(["expired"], Applied(during.LineOf(0)).Select(a => a.GetProperty("code").GetString()));
        Assert.Equal(5000, during.LineOf(0).GetProperty("extended_minor").GetInt64());

        // additive with a 25 % cap: both apply in priority order, held to the cap and marked.
        await Policy(org, "additive", cap: 25);
        var additive = await org.ResolveAt("web", later, ResolveSteps.Line(tee));
        var stacked = additive.LineOf(0);
        Assert.Equal(7500, stacked.GetProperty("extended_minor").GetInt64());
        Assert.Equal(["ten", "twenty"], Applied(stacked).Select(a => a.GetProperty("code").GetString()));
        Assert.Contains("capped_by_stacking", stacked.GetProperty("notes").EnumerateArray().Select(n => n.GetString()));

        // exclusive mode: only the first by priority.
        var policy = await org.Post("/ppm/policy/get", new { }).Ok();
        await Policy(org, "exclusive", revision: policy.GetProperty("revision").GetInt64());
        var exclusive = await org.ResolveAt("web", later, ResolveSteps.Line(tee));
        Assert.Equal(["ten"], Applied(exclusive.LineOf(0)).Select(a => a.GetProperty("code").GetString()));
        Assert.Equal(9000, exclusive.LineOf(0).GetProperty("extended_minor").GetInt64());

        // Ending a promotion takes it out of every later answer; ending it again is refused.
        var ended = await org.Post("/ppm/promotion/end", new
        {
            promotion_guid = tenOff.GetProperty("promotion_guid").GetString(), expected_revision = tenOff.GetProperty("revision").GetInt64(),
            reason = "campaign over",
        }).Ok();
        await org.Post("/ppm/promotion/end", new
        {
            promotion_guid = tenOff.GetProperty("promotion_guid").GetString(), expected_revision = ended.GetProperty("revision").GetInt64(),
        }).Problem(HttpStatusCode.Conflict, "promotion_ended");
        var afterEnd = await org.ResolveAt("web", later, ResolveSteps.Line(tee), ResolveSteps.Line(polo));
        Assert.Equal(["twenty"], Applied(afterEnd.LineOf(0)).Select(a => a.GetProperty("code").GetString()));
        Assert.Empty(Applied(afterEnd.LineOf(1)));
        Assert.Equal(4000, afterEnd.LineOf(1).GetProperty("extended_minor").GetInt64());
    }

    [Fact]
    public async Task A_promotion_never_takes_a_line_past_the_policys_maximum_discount_and_the_answer_says_so()
    {
        var org = await SellingOrgAsync(host);
        await Policy(org, "best_of", maxDiscount: 30);
        await Promote(org, "half", b => b["percent"] = 50);

        var answer = await org.Resolve("web", null, ResolveSteps.Line(org.Variants[0], 2));

        var line = answer.LineOf(0);
        Assert.Equal(14000, line.GetProperty("extended_minor").GetInt64());
        Assert.Equal(6000, line.GetProperty("discount_minor").GetInt64());
        var half = Assert.Single(Applied(line));
        Assert.Equal(6000, half.GetProperty("amount_minor").GetInt64());
        Assert.Contains("capped_by_max_discount", line.GetProperty("notes").EnumerateArray().Select(n => n.GetString()));
    }

    [Fact]
    public async Task Buy_two_get_one_free_counts_units_across_the_carts_lines_and_discounts_the_cheapest()
    {
        var org = await SellingOrgAsync(host);
        await Promote(org, "b2g1", b =>
        {
            b["kind"] = "buy_x_get_y";
            b.Remove("percent");
            b["buy_quantity"] = 2;
            b["get_quantity"] = 1;
        });

        var answer = await org.Resolve("web", null, ResolveSteps.Line(org.Variants[0], 2), ResolveSteps.Line(org.Variants[1], 1));

        Assert.Equal(20000, answer.LineOf(0).GetProperty("extended_minor").GetInt64());
        Assert.Equal(0, answer.LineOf(1).GetProperty("extended_minor").GetInt64());
        Assert.Equal(20000, answer.GetProperty("total_minor").GetInt64());
    }
}
