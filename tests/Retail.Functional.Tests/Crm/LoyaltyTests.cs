using System.Net;

namespace Retail.Functional.Tests.Crm;

/// <summary>UC-CRM-003: loyalty earn → redeem → reverse, over HTTP, with the ledger's guarantees and its failure paths.</summary>
public sealed class LoyaltyTests(CrmHost host) : IClassFixture<CrmHost>
{
    [Fact]
    public async Task UC_CRM_003_points_are_earned_once_per_order_redeemed_never_past_zero_reversed_and_restored_once()
    {
        var org = await host.NewOrgAsync("loy");
        var ada = await org.NewCustomerAsync();
        var policy = await org.LoyaltyPolicy();
        Assert.Equal(1, policy.Int64Of("revision"));

        // 12.34 EUR earns 12 points (whole euros), recorded with the policy version and an expiry.
        var earned = await org.Earn(ada, "SO-1001", 1234).Ok(HttpStatusCode.Created);
        Assert.Equal((12L, 12L, 1L), (earned.Entry().Int64Of("points"), earned.GetProperty("account").Int64Of("balance"), earned.Entry().Int64Of("policy_version")));
        Assert.Equal("earn", earned.Entry().StringOf("kind"));
        Assert.False(earned.GetProperty("replayed").GetBoolean());
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, earned.Entry().GetProperty("expires_at").ValueKind);

        // The same order again answers the first entry, 200, and earns nothing more.
        var again = await org.Earn(ada, "SO-1001", 99_999).Ok();
        Assert.True(again.GetProperty("replayed").GetBoolean());
        Assert.Equal(earned.Entry().StringOf("entry_guid"), again.Entry().StringOf("entry_guid"));
        Assert.Equal(12, await org.Points(ada));
        // ... and another customer cannot take the order's reference.
        var bob = await org.NewCustomerAsync();
        await org.Earn(bob, "SO-1001", 1234).Problem(HttpStatusCode.Conflict, "duplicate");

        // 100 EUR more: 100 points at the base rate (the tier is reached by this earn, not before it).
        await org.Earn(ada, "SO-1002", 10_000).Ok(HttpStatusCode.Created);
        var balance = await org.LoyaltyBalance(ada);
        Assert.Equal((112L, 112L, "silver"), (balance.Int64Of("balance"), balance.Int64Of("lifetime_earned"), balance.StringOf("tier")));
        // Silver earns 1.5×: 10 EUR → 15 points.
        var silver = await org.Earn(ada, "SO-1003", 1000).Ok(HttpStatusCode.Created);
        Assert.Equal((15L, "silver"), (silver.Entry().Int64Of("points"), silver.Entry().StringOf("tier")));

        // Redeem past zero: 409 with the balance; nothing moves.
        var past = await org.Redeem(ada, "POS-1", 128).Problem(HttpStatusCode.Conflict, "insufficient_points");
        Assert.Equal((127L, 128L), (past.Int64Of("balance"), past.Int64Of("requested")));
        var redeemed = await org.Redeem(ada, "POS-1", 27).Ok(HttpStatusCode.Created);
        Assert.Equal((-27L, 100L), (redeemed.Entry().Int64Of("points"), redeemed.Entry().Int64Of("balance_after")));
        Assert.True((await org.Redeem(ada, "POS-1", 27).Ok()).GetProperty("replayed").GetBoolean());
        // By amount: 1.00 EUR at 5 cents a point costs 20 points.
        var byAmount = await org.Post(org.Clerk, "/crm/loyalty/redeem", new { customer_guid = ada, reference = "POS-2", amount_minor = 100, currency = "eur" })
            .Ok(HttpStatusCode.Created);
        Assert.Equal((-20L, 100L, "EUR"), (byAmount.Entry().Int64Of("points"), byAmount.Entry().Int64Of("amount_minor"), byAmount.Entry().StringOf("currency")));
        await org.Post(org.Clerk, "/crm/loyalty/redeem", new { customer_guid = ada, reference = "POS-3", amount_minor = 100, currency = "USD" })
            .Problem(HttpStatusCode.UnprocessableEntity, "loyalty_currency_not_redeemable");
        Assert.Equal(80, await org.Points(ada));

        // Restore undoes a redemption once.
        var restored = await org.Post(org.Clerk, "/crm/loyalty/restore", new { reference = "POS-1", reason = "order cancelled" }).Ok(HttpStatusCode.Created);
        Assert.Equal((27L, 107L), (restored.Entry().Int64Of("points"), restored.Entry().Int64Of("balance_after")));
        Assert.True((await org.Post(org.Clerk, "/crm/loyalty/restore", new { reference = "POS-1" }).Ok()).GetProperty("replayed").GetBoolean());
        await org.Post(org.Clerk, "/crm/loyalty/restore", new { reference = "POS-404" }).Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        Assert.Equal(107, await org.Points(ada));

        // Reverse half of SO-1002 (50 of 100 EUR returned): 50 points, once per return; then the rest; never more than earned.
        var half = await org.Post(org.Clerk, "/crm/loyalty/reverse", new { reference = "SO-1002", return_reference = "RET-1", amount_minor = 5000 })
            .Ok(HttpStatusCode.Created);
        Assert.Equal((-50L, "SO-1002"), (half.Entry().Int64Of("points"), half.Entry().StringOf("of_reference")));
        Assert.True((await org.Post(org.Clerk, "/crm/loyalty/reverse", new { reference = "SO-1002", return_reference = "RET-1", amount_minor = 5000 }).Ok())
            .GetProperty("replayed").GetBoolean());
        var rest = await org.Post(org.Clerk, "/crm/loyalty/reverse", new { reference = "SO-1002", return_reference = "RET-2", points = 500 })
            .Ok(HttpStatusCode.Created);
        Assert.Equal(-50, rest.Entry().Int64Of("points"));
        var none = await org.Post(org.Clerk, "/crm/loyalty/reverse", new { reference = "SO-1002", return_reference = "RET-3" }).Ok(HttpStatusCode.Created);
        Assert.Equal(0, none.Entry().Int64Of("points"));
        await org.Post(org.Clerk, "/crm/loyalty/reverse", new { reference = "SO-404", return_reference = "RET-4" })
            .Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        balance = await org.LoyaltyBalance(ada);
        Assert.Equal((7L, 27L), (balance.Int64Of("balance"), balance.Int64Of("lifetime_earned")));
        Assert.Equal(JsonNull, balance.GetProperty("tier").ValueKind);

        // The ledger, newest first; events in the outbox.
        var entries = await org.Entries(ada);
        Assert.Equal(["reverse", "reverse", "reverse", "restore", "redeem", "redeem", "earn", "earn", "earn"], entries.Select(e => e.StringOf("kind")));
        Assert.Equal(7, entries[0].Int64Of("balance_after"));
        Assert.Equal(3, (await org.Entries(ada, "earn")).Count);
        Assert.Equal(3, host.Factory.OutboxEvents("crm", org.Orgcode, "loyalty.earned").Count);
        Assert.Equal(2, host.Factory.OutboxEvents("crm", org.Orgcode, "loyalty.redeemed").Count);
        Assert.Equal(3, host.Factory.OutboxEvents("crm", org.Orgcode, "loyalty.reversed").Count);
        Assert.Single(host.Factory.OutboxEvents("crm", org.Orgcode, "loyalty.restored"));
    }

    [Fact]
    public async Task The_policy_is_versioned_and_each_entry_keeps_the_version_it_used()
    {
        var org = await host.NewOrgAsync("loyp");
        var ada = await org.NewCustomerAsync();
        var initial = await org.Post(org.Viewer, "/crm/loyalty/policy/get", new { }).Ok();
        Assert.Equal(0, initial.Int64Of("revision"));
        await org.Earn(ada, "SO-1", 1000).Problem(HttpStatusCode.UnprocessableEntity, "loyalty_currency_not_earning");

        await org.LoyaltyPolicy();
        await org.Post("/crm/loyalty/policy/set", new { expiry_months = 1, expected_revision = 0 }).Problem(HttpStatusCode.Conflict, "revision_mismatch");
        await org.Post("/crm/loyalty/policy/set", new { expiry_months = 1 }).Problem(HttpStatusCode.BadRequest, "expected_revision_required");
        await org.Post(org.Clerk, "/crm/loyalty/policy/set", new { expiry_months = 1, expected_revision = 1 }).Problem(HttpStatusCode.Forbidden, "forbidden");
        var v1 = await org.Earn(ada, "SO-1", 1000).Ok(HttpStatusCode.Created);
        var v2 = await org.Post("/crm/loyalty/policy/set", new { earn_rates = new[] { new { currency = "EUR", points = 3, per_minor = 100 } }, expected_revision = 1 })
            .Ok();
        Assert.Equal((2L, 12), (v2.Int64Of("revision"), v2.GetProperty("expiry_months").GetInt32()));
        var after = await org.Earn(ada, "SO-2", 1000).Ok(HttpStatusCode.Created);
        Assert.Equal((1L, 10L), (v1.Entry().Int64Of("policy_version"), v1.Entry().Int64Of("points")));
        Assert.Equal((2L, 30L), (after.Entry().Int64Of("policy_version"), after.Entry().Int64Of("points")));

        var first = await org.Post(org.Viewer, "/crm/loyalty/policy/get", new { version = 1 }).Ok();
        Assert.Equal(2, first.GetProperty("earn_rates").GetArrayLength());
        await org.Post(org.Viewer, "/crm/loyalty/policy/get", new { version = 9 }).Problem(HttpStatusCode.NotFound, "not_found");
        await org.Post("/crm/loyalty/policy/set", new { earn_rates = new[] { new { currency = "EURO", points = 1, per_minor = 100 } }, expected_revision = 2 })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/crm/loyalty/policy/set", new { tiers = new[] { new { name = "gold", threshold = 10, earn_multiplier = 0m } }, expected_revision = 2 })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task Roles_and_bad_input_are_refused_with_stable_codes()
    {
        var org = await host.NewOrgAsync("loyr");
        var ada = await org.NewCustomerAsync();
        await org.LoyaltyPolicy();

        await org.Earn(ada, "SO-1", 1000, user: org.Viewer).Problem(HttpStatusCode.Forbidden, "forbidden");
        await org.Post(org.Clerk, "/crm/loyalty/earn", new { customer_guid = ada, reference = "SO-1", points = 500 }).Problem(HttpStatusCode.Forbidden, "forbidden");
        var granted = await org.Post(org.Owner, "/crm/loyalty/earn", new { customer_guid = ada, reference = "SO-1", points = 500, reason = "migration" })
            .Ok(HttpStatusCode.Created);
        Assert.Equal(500, granted.Entry().Int64Of("points"));
        await org.Adjust(ada, 10, user: org.Clerk).Problem(HttpStatusCode.Forbidden, "forbidden");
        await org.Post(org.Owner, "/crm/loyalty/adjust", new { customer_guid = ada, points = 10 }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Adjust(ada, 0).Problem(HttpStatusCode.BadRequest, "validation_failed");
        var debit = await org.Adjust(ada, -200, "duplicate migration row").Ok(HttpStatusCode.Created);
        Assert.Equal((-200L, 300L, "duplicate migration row"), (debit.Entry().Int64Of("points"), debit.Entry().Int64Of("balance_after"), debit.Entry().StringOf("reason")));
        await org.Adjust(ada, -301).Problem(HttpStatusCode.Conflict, "insufficient_points");
        Assert.Single(host.Factory.OutboxEvents("crm", org.Orgcode, "loyalty.adjusted"));
        await org.Post(org.Clerk, "/crm/loyalty/expire", new { customer_guid = ada }).Problem(HttpStatusCode.Forbidden, "forbidden");

        await org.Post(org.Clerk, "/crm/loyalty/earn", new { customer_guid = ada, reference = "SO-2", amount_minor = 100, currency = "EUR", points = 1 })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post(org.Clerk, "/crm/loyalty/earn", new { customer_guid = ada, reference = "SO 2", amount_minor = 100, currency = "EUR" })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post(org.Clerk, "/crm/loyalty/earn", new { customer_guid = ada, reference = "SO-2", amount_minor = 100 })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post(org.Clerk, "/crm/loyalty/earn", new { customer_guid = ada, reference = "SO-2", amount_minor = 100, currency = "EUR", colour = "red" })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post(org.Clerk, "/crm/loyalty/earn", "{\"customer_guid\": \"" + ada + "\", \"reference\": \"SO-2\", \"amount_minor\": 1e400, \"currency\": \"EUR\"}")
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Redeem(ada, "POS-1", -5).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post(org.Clerk, "/crm/loyalty/reverse", new { reference = "SO-1" }).Problem(HttpStatusCode.BadRequest, "validation_failed");

        var nobody = Guid.CreateVersion7().ToString();
        await org.Earn(nobody, "SO-3", 1000).Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        await org.Post(org.Viewer, "/crm/loyalty/balance/get", new { customer_guid = nobody }).Problem(HttpStatusCode.NotFound, "not_found");
        await org.Post(org.Viewer, "/crm/loyalty/entry/list", new { customer_guid = nobody }).Problem(HttpStatusCode.NotFound, "not_found");

        // Another org sees nothing of this one's customer.
        var other = await host.NewOrgAsync("loyx");
        await other.Post(other.Viewer, "/crm/loyalty/balance/get", new { customer_guid = ada }).Problem(HttpStatusCode.NotFound, "not_found");
        await other.Redeem(ada, "POS-9", 1).Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");

        // The minimum redemption.
        await org.LoyaltyPolicy(minimumRedeem: 50, expectedRevision: 1);
        var small = await org.Redeem(ada, "POS-2", 49).Problem(HttpStatusCode.UnprocessableEntity, "below_minimum_redeem");
        Assert.Equal(50, small.Int64Of("minimum_redeem_points"));
    }

    [Fact]
    public async Task UC_CRM_003_sixty_four_concurrent_redemptions_against_a_balance_of_ten_spend_exactly_ten()
    {
        var org = await host.NewOrgAsync("loyc");
        var ada = await org.NewCustomerAsync();
        await org.Adjust(ada, 10, "welcome points").Ok(HttpStatusCode.Created);

        var answers = await Task.WhenAll(Enumerable.Range(0, 64).Select(async i =>
        {
            using var response = await org.Redeem(ada, $"POS-{i}", 1);
            return (response.StatusCode, Code: await response.ProblemCodeAsync());
        }));

        Assert.Equal(10, answers.Count(a => a.StatusCode == HttpStatusCode.Created));
        Assert.Equal(54, answers.Count(a => a.StatusCode == HttpStatusCode.Conflict && a.Code == "insufficient_points"));
        Assert.Equal(0, await org.Points(ada));
        Assert.Equal(10, (await org.Entries(ada, "redeem")).Count);
        Assert.Equal(10, host.Factory.OutboxEvents("crm", org.Orgcode, "loyalty.redeemed").Count);
    }

    [Fact]
    public async Task A_merged_customer_answers_merged_into_and_its_points_move_to_the_survivor_with_the_merge()
    {
        var org = await host.NewOrgAsync("loym");
        await org.LoyaltyPolicy();
        var survivor = await org.NewCustomerAsync();
        var merged = await org.NewCustomerAsync();
        await org.Earn(survivor, "SO-1", 2000).Ok(HttpStatusCode.Created);
        await org.Earn(merged, "SO-2", 3000).Ok(HttpStatusCode.Created);
        await org.Redeem(merged, "POS-1", 5).Ok(HttpStatusCode.Created);

        await org.MergeAsync(survivor, merged);

        var survivorBalance = await org.LoyaltyBalance(survivor);
        Assert.Equal((45L, 50L), (survivorBalance.Int64Of("balance"), survivorBalance.Int64Of("lifetime_earned")));
        var mergedBalance = await org.LoyaltyBalance(merged);
        Assert.Equal((0L, "merged", survivor), (mergedBalance.Int64Of("balance"), mergedBalance.StringOf("status"), mergedBalance.StringOf("merged_into")));
        Assert.Equal("merge_out", (await org.Entries(merged))[0].StringOf("kind"));
        Assert.Equal(("merge_in", 25L), ((await org.Entries(survivor))[0].StringOf("kind"), (await org.Entries(survivor))[0].Int64Of("points")));

        // Writes naming the merged customer name the survivor; what it redeemed and earned follows the points.
        var refused = await org.Redeem(merged, "POS-2", 1).Problem(HttpStatusCode.Conflict, "customer_merged");
        Assert.Equal(survivor, refused.StringOf("merged_into"));
        await org.Earn(merged, "SO-3", 1000).Problem(HttpStatusCode.Conflict, "customer_merged");
        await org.Post(org.Clerk, "/crm/loyalty/restore", new { reference = "POS-1" }).Ok(HttpStatusCode.Created);
        await org.Post(org.Clerk, "/crm/loyalty/reverse", new { reference = "SO-2", return_reference = "RET-1" }).Ok(HttpStatusCode.Created);
        Assert.Equal(20, await org.Points(survivor));
        await org.Redeem(survivor, "POS-3", 20).Ok(HttpStatusCode.Created);
        Assert.Equal(0, await org.Points(survivor));
    }

    [Fact]
    public async Task A_customer_already_merged_answers_customer_merged_on_writes_and_merged_into_on_reads()
    {
        var org = await host.NewOrgAsync("loyq");
        await org.LoyaltyPolicy();
        var survivor = await org.NewCustomerAsync();
        var merged = await org.NewCustomerAsync();
        await org.MergeAsync(survivor, merged);
        await org.Adjust(merged, 5).Problem(HttpStatusCode.Conflict, "customer_merged");
        var read = await org.LoyaltyBalance(merged);
        Assert.Equal(("merged", survivor), (read.StringOf("status"), read.StringOf("merged_into")));
    }

    [Fact]
    public async Task UC_CRM_003_redemptions_racing_a_merge_lose_nothing_and_count_nothing_twice()
    {
        var org = await host.NewOrgAsync("loyz");
        var survivor = await org.NewCustomerAsync();
        var merged = await org.NewCustomerAsync();
        await org.Adjust(survivor, 7).Ok(HttpStatusCode.Created);
        await org.Adjust(merged, 40).Ok(HttpStatusCode.Created);

        var redeems = Enumerable.Range(0, 30).Select(async i =>
        {
            using var response = await org.Redeem(merged, $"POS-{i}", 1);
            return (response.StatusCode, Code: await response.ProblemCodeAsync());
        }).ToList();
        await org.MergeAsync(survivor, merged);
        var answers = await Task.WhenAll(redeems);

        Assert.All(answers, a => Assert.True(a.StatusCode == HttpStatusCode.Created || a.Code == "customer_merged", $"{a.StatusCode} {a.Code}"));
        var spent = answers.Count(a => a.StatusCode == HttpStatusCode.Created);
        Assert.Equal(47 - spent, await org.Points(survivor));
        Assert.Equal(0, await org.Points(merged));
        Assert.Equal(spent, (await org.Entries(merged, "redeem")).Count);
    }

    private const System.Text.Json.JsonValueKind JsonNull = System.Text.Json.JsonValueKind.Null;
}
