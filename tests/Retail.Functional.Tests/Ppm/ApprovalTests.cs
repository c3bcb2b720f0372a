using System.Net;
using System.Text.Json;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;

namespace Retail.Functional.Tests.Ppm;

public sealed class ApprovalTests(PpmHost host) : IClassFixture<PpmHost>
{
    /// <summary>An org under the strict policy with the variant's list price at 1000 for [day 0, day 30): answers the entry as set.</summary>
    private async Task<(PpmOrg Org, string Variant, JsonElement Set)> PricedAt1000Async()
    {
        var org = await host.PricedOrgAsync();
        await org.StrictPolicyAsync();
        var set = await org.SetPrice(org.Variants[0], 1000, from: PriceSteps.Day(0), to: PriceSteps.Day(30)).Ok();
        return (org, org.Variants[0], set);
    }

    [Fact]
    [Trait("UseCase", "UC-PPM-002")]
    public async Task UC_PPM_002_a_change_beyond_a_threshold_waits_and_the_price_in_effect_stays()
    {
        var (org, tee, set) = await PricedAt1000Async();
        var pending = await org.SetPrice(tee, 700, from: PriceSteps.Day(0), to: PriceSteps.Day(30), expectedRevision: set.Revision()).Ok(HttpStatusCode.Accepted);
        Assert.Equal("pending_approval", pending.Text("status"));
        Assert.Equal(new[] { "decrease_over_threshold" }, pending.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
        Assert.False(string.IsNullOrEmpty(pending.Text("approval_guid")));

        var entry = await org.GetPrice(tee, at: PriceSteps.Day(1));
        Assert.Equal(1000, entry.InEffect());
        Assert.Equal(new[] { "active", "pending_approval" }, entry.Statuses());
        var waiting = await org.Post("/ppm/price/list", new { price_list_code = "retail", status = "pending_approval" }).Ok();
        Assert.Equal(entry.Text("price_key"), Assert.Single(waiting.GetProperty("items").EnumerateArray()).Text("price_key"));

        // While the change waits, its window is held: another change of it is an overlap.
        await org.SetPrice(tee, 990, from: PriceSteps.Day(0), to: PriceSteps.Day(30), expectedRevision: pending.Revision())
            .Problem(HttpStatusCode.Conflict, "price_window_overlap");

        // Within the thresholds a change takes effect at once.
        var small = await org.SetPrice(org.Variants[1], 1000, from: PriceSteps.Day(0)).Ok();
        await org.SetPrice(org.Variants[1], 850, from: PriceSteps.Day(0), expectedRevision: small.Revision()).Ok();
        Assert.Equal(850, (await org.GetPrice(org.Variants[1], at: PriceSteps.Day(1))).InEffect());
    }

    [Fact]
    [Trait("UseCase", "UC-PPM-002")]
    public async Task UC_PPM_002_increases_and_prices_under_the_margin_floor_wait_too()
    {
        var (org, tee, set) = await PricedAt1000Async();
        var up = await org.SetPrice(tee, 1600, from: PriceSteps.Day(0), to: PriceSteps.Day(30), expectedRevision: set.Revision()).Ok(HttpStatusCode.Accepted);
        Assert.Equal(new[] { "increase_over_threshold" }, up.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));

        // The floor is cost × 1.10 = 1089 for a cost of 990: 1088 waits, 1089 does not (first prices of their keys: no percentage applies).
        var under = await org.SetPrice(org.Variants[1], 1088, cost: 990).Ok(HttpStatusCode.Accepted);
        Assert.Equal(new[] { "below_margin_floor" }, under.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("active", (await org.SetPrice(org.Variants[2], 1089, cost: 990).Ok()).Text("status"));

        // A window that follows another is measured against the price it follows.
        var next = await org.SetPrice(tee, 400, from: PriceSteps.Day(30)).Ok(HttpStatusCode.Accepted);
        Assert.Equal(new[] { "decrease_over_threshold" }, next.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));

        // In a bulk set each line answers its own status.
        var bulk = await org.Post("/ppm/price/set", new
        {
            prices = new object[]
            {
                new { variant_guid = org.Variants[3], price_list_code = "retail", amount_minor = 500, currency = "EUR", cost_minor = 100 },
                new { variant_guid = org.Variants[4], price_list_code = "retail", amount_minor = 50, currency = "EUR", cost_minor = 100 },
            },
        }).Ok();
        Assert.Equal(new[] { "active", "pending_approval" }, bulk.GetProperty("prices").EnumerateArray().Select(l => l.Text("status")));
    }

    [Fact]
    [Trait("UseCase", "UC-PPM-002")]
    public async Task UC_PPM_002_the_submitter_cannot_approve_and_another_admin_makes_the_price_take_effect()
    {
        var (org, tee, set) = await PricedAt1000Async();
        var pending = await org.SetPrice(tee, 700, from: PriceSteps.Day(0), to: PriceSteps.Day(30), expectedRevision: set.Revision()).Ok(HttpStatusCode.Accepted);
        var approval = new { approval_guid = pending.Text("approval_guid"), expected_revision = 1 };

        await org.Post("/ppm/price/approval/approve", approval).Problem(HttpStatusCode.Forbidden, "segregation_of_duties");
        var member = await host.MemberAsync(org, "member");
        await member.Client.Post("/ppm/price/approval/approve", approval, org.Orgcode).Problem(HttpStatusCode.Forbidden, "forbidden");
        await org.PostAsApprover("/ppm/price/approval/approve", approval with { expected_revision = 5 }).Problem(HttpStatusCode.Conflict, "revision_mismatch");
        await org.PostAsApprover("/ppm/price/approval/approve", new { approval_guid = approval.approval_guid })
            .Problem(HttpStatusCode.BadRequest, "expected_revision_required");

        var decided = await org.PostAsApprover("/ppm/price/approval/approve", approval).Ok();
        Assert.Equal(("approved", org.Approver.UserGuid), (decided.GetProperty("approval").Text("status"), decided.GetProperty("approval").Text("decided_by")));
        var entry = await org.GetPrice(tee, at: PriceSteps.Day(1));
        Assert.Equal(700, entry.InEffect());
        // The approved window replaced the one it changed.
        Assert.Equal(new[] { "active" }, entry.Statuses());
        Assert.Equal(pending.Text("window_id"), entry.GetProperty("in_effect").Text("window_id"));

        await org.PostAsApprover("/ppm/price/approval/approve", approval with { expected_revision = 2 })
            .Problem(HttpStatusCode.Conflict, "approval_not_pending");
        await org.PostAsApprover("/ppm/price/approval/reject", new { approval.approval_guid, expected_revision = 2, reason = "late" })
            .Problem(HttpStatusCode.Conflict, "approval_not_pending");
    }

    [Fact]
    [Trait("UseCase", "UC-PPM-002")]
    public async Task UC_PPM_002_a_submitted_price_waits_even_under_the_thresholds_and_a_rejected_one_never_takes_effect()
    {
        var (org, tee, set) = await PricedAt1000Async();
        var submitted = await org.Post("/ppm/price/approval/submit", new
        {
            variant_guid = tee, price_list_code = "retail", amount_minor = 990, currency = "EUR", effective_from = PriceSteps.Day(0),
            effective_to = PriceSteps.Day(30), expected_revision = set.Revision(), note = "competitor match",
        }).Ok(HttpStatusCode.Accepted);
        Assert.Equal(("pending", 1L, 1000L, 990L), (submitted.Text("status"), submitted.Revision(), submitted.GetProperty("from_amount_minor").GetInt64(),
            submitted.GetProperty("to_amount_minor").GetInt64()));
        Assert.Equal(new[] { "submitted" }, submitted.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(1000, (await org.GetPrice(tee, at: PriceSteps.Day(1))).InEffect());

        var guid = submitted.Text("approval_guid");
        await org.PostAsApprover("/ppm/price/approval/reject", new { approval_guid = guid, expected_revision = 1 })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        var rejected = await org.PostAsApprover("/ppm/price/approval/reject", new { approval_guid = guid, expected_revision = 1, reason = "below the competitor's floor" }).Ok();
        Assert.Equal(("rejected", "below the competitor's floor"),
            (rejected.GetProperty("approval").Text("status"), rejected.GetProperty("approval").Text("decision_reason")));
        var entry = await org.GetPrice(tee, at: PriceSteps.Day(1));
        Assert.Equal(1000, entry.InEffect());
        Assert.Equal(new[] { "active", "rejected" }, entry.Statuses());
        await org.PostAsApprover("/ppm/price/approval/approve", new { approval_guid = guid, expected_revision = 2 })
            .Problem(HttpStatusCode.Conflict, "approval_not_pending");

        // A rejected window holds no time: the same change may be submitted again.
        await org.Post("/ppm/price/approval/submit", new
        {
            variant_guid = tee, price_list_code = "retail", amount_minor = 995, currency = "EUR", effective_from = PriceSteps.Day(0),
            effective_to = PriceSteps.Day(30), expected_revision = entry.Revision(),
        }).Ok(HttpStatusCode.Accepted);
        await org.Post("/ppm/price/approval/submit", new { variant_guid = tee, price_list_code = "retail", amount_minor = 1, currency = "USD" })
            .Problem(HttpStatusCode.UnprocessableEntity, "currency_mismatch");
        await org.PostAsApprover("/ppm/price/approval/approve", new { approval_guid = Guid.NewGuid().ToString(), expected_revision = 1 })
            .Problem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    [Trait("UseCase", "UC-PPM-002")]
    public async Task UC_PPM_002_history_shows_every_change_and_decision()
    {
        var (org, tee, set) = await PricedAt1000Async();
        var changed = await org.SetPrice(tee, 1100, from: PriceSteps.Day(0), to: PriceSteps.Day(30), expectedRevision: set.Revision()).Ok();
        var pending = await org.SetPrice(tee, 500, from: PriceSteps.Day(0), to: PriceSteps.Day(30), expectedRevision: changed.Revision())
            .Ok(HttpStatusCode.Accepted);
        await org.PostAsApprover("/ppm/price/approval/approve", new { approval_guid = pending.Text("approval_guid"), expected_revision = 1 }).Ok();

        var entry = await org.GetPrice(tee, at: PriceSteps.Day(1), history: true);
        Assert.Equal(500, entry.InEffect());
        var history = entry.GetProperty("history").GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(new[] { 1L, 2L, 3L, 4L }, history.Select(h => h.GetProperty("revision").GetInt64()));
        Assert.Equal(new long?[] { 1000L, 1100L, 1100L, 500L }, history.Select(h => AmountAt(h.GetProperty("record"), PriceSteps.Day(1))));
        Assert.Equal(org.Approver.UserGuid, history[^1].Text("principal_id"));
        Assert.Equal(JsonValueKind.Null, (await org.GetPrice(tee)).GetProperty("history").ValueKind);
    }

    [Fact]
    [Trait("UseCase", "UC-PPM-002")]
    public async Task UC_PPM_002_another_org_cannot_decide_an_approval()
    {
        var (org, tee, set) = await PricedAt1000Async();
        var pending = await org.SetPrice(tee, 100, from: PriceSteps.Day(0), to: PriceSteps.Day(30), expectedRevision: set.Revision()).Ok(HttpStatusCode.Accepted);
        var other = await host.PricedOrgAsync();
        await other.Post("/ppm/price/approval/approve", new { approval_guid = pending.Text("approval_guid"), expected_revision = 1 })
            .Problem(HttpStatusCode.NotFound, "not_found");
        Assert.Equal(1000, (await org.GetPrice(tee, at: PriceSteps.Day(1))).InEffect());
    }

    /// <summary>The amount of the active window covering <paramref name="at"/> in a stored entry.</summary>
    private static long? AmountAt(JsonElement record, DateTimeOffset at) =>
        record.GetProperty("windows").EnumerateArray()
            .Where(w => w.Text("status") == "active" && w.GetProperty("effective_from").GetDateTimeOffset() <= at
                && (w.GetProperty("effective_to").ValueKind == JsonValueKind.Null || at < w.GetProperty("effective_to").GetDateTimeOffset()))
            .Select(w => (long?)w.GetProperty("amount_minor").GetInt64())
            .FirstOrDefault();
}
