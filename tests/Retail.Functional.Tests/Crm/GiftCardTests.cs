using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Retail.Crm.Customers;
using Retail.Crm.Merge;
using Retail.Functional.Tests.Infrastructure;
using Retail.Shared.Records;

namespace Retail.Functional.Tests.Crm;

/// <summary>UC-CRM-004 over HTTP: gift cards issued with a code shown once, redeemed in part, never below zero, once per reference.</summary>
public sealed class GiftCardTests(CrmHost host) : IClassFixture<CrmHost>
{
    [Fact]
    public async Task UC_CRM_004_an_admin_issues_a_card_whose_code_is_shown_once_and_a_clerk_redeems_part_of_it()
    {
        var org = await host.NewOrgAsync("gc");
        var issued = await org.IssueAsync(amount: 5000, reference: "promo-1");
        var code = issued.Str("code");
        Assert.Matches("^[2-9A-HJ-NP-Z]{4}(-[2-9A-HJ-NP-Z]{4}){3}$", code);
        var card = issued.GetProperty("giftcard");
        var guid = card.Str("giftcard_guid");
        Assert.Equal((5000L, 5000L, "EUR", "active"), (card.Minor("initial_balance_minor"), card.Minor("balance_minor"), card.Str("currency"), card.Str("status")));
        Assert.Equal(code[^4..], card.Str("code_last4"));
        Assert.False(card.TryGetProperty("code_hash", out _));

        // Balance by code: any spelling of the code, nothing about an owner.
        var balance = await org.Balance(code.Replace("-", "", StringComparison.Ordinal).ToLowerInvariant(), org.Viewer).Ok();
        Assert.Equal((5000L, "EUR", "active", false), (balance.Minor("balance_minor"), balance.Str("currency"), balance.Str("status"), balance.GetProperty("expired").GetBoolean()));
        Assert.False(balance.TryGetProperty("customer_guid", out _));

        var redeemed = await org.Redeem(code, 1200, "order-1").Ok();
        Assert.Equal((1200L, 3800L, "redeem", false), (redeemed.Minor("amount_minor"), redeemed.Minor("balance_after_minor"), redeemed.Str("kind"),
            redeemed.GetProperty("replayed").GetBoolean()));
        await org.Redeem(code, 800, "order-2").Ok();
        Assert.Equal(3000, await org.BalanceOf(code));

        // get, list and the ledger never show the code (nor its hash).
        var got = await org.Card(guid);
        Assert.Equal((3000L, 3L), (got.Minor("balance_minor"), got.Minor("revision")));
        var listed = await org.Post(org.Viewer, "/crm/giftcard/list", new { status = "active" }).Ok();
        Assert.Equal(guid, Assert.Single(listed.GetProperty("items").EnumerateArray()).Str("giftcard_guid"));
        var ledger = await org.Post(org.Viewer, "/crm/giftcard/entry/list", new { giftcard_guid = guid }).Ok();
        Assert.Equal(["issue", "redeem", "redeem"], ledger.GetProperty("items").EnumerateArray().Select(e => e.Str("kind")));
        Assert.Equal([5000L, 3800L, 3000L], ledger.GetProperty("items").EnumerateArray().Select(e => e.Minor("balance_after_minor")));
        foreach (var shown in new[] { got, listed, ledger })
        {
            Assert.DoesNotContain(code[..4], shown.GetRawText(), StringComparison.Ordinal);
            Assert.DoesNotContain("code_hash", shown.GetRawText(), StringComparison.Ordinal);
        }

        // The events say what happened, never the code.
        var issuedEvent = Assert.Single(host.Factory.OutboxEvents("crm", org.Orgcode, "giftcard.issued"));
        Assert.DoesNotContain(code[..4], issuedEvent.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain(code[5..9], issuedEvent.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(2, host.Factory.OutboxEvents("crm", org.Orgcode, "giftcard.redeemed").Count);
    }

    [Fact]
    public async Task UC_CRM_004_the_same_issue_reference_answers_the_same_card_without_its_code()
    {
        var org = await host.NewOrgAsync("gc");
        var first = await org.IssueAsync(amount: 2500, reference: "gift-42");
        var again = await org.Post("/crm/giftcard/issue", new { currency = "eur", initial_balance_minor = 2500, reference = "gift-42" }).Ok();
        Assert.True(again.GetProperty("replayed").GetBoolean());
        Assert.Equal(JsonValueKind.Null, again.GetProperty("code").ValueKind);
        Assert.Equal(first.GetProperty("giftcard").Str("giftcard_guid"), again.GetProperty("giftcard").Str("giftcard_guid"));
        await org.Post("/crm/giftcard/issue", new { currency = "EUR", initial_balance_minor = 9999, reference = "gift-42" })
            .Problem(HttpStatusCode.Conflict, "reference_reused");
        var all = await org.Post(org.Viewer, "/crm/giftcard/list", new { }).Ok();
        Assert.Single(all.GetProperty("items").EnumerateArray());
        Assert.Single(host.Factory.OutboxEvents("crm", org.Orgcode, "giftcard.issued"));
    }

    [Fact]
    public async Task UC_CRM_004_redeeming_past_zero_is_409_insufficient_balance_with_the_balance_and_spends_nothing()
    {
        var org = await host.NewOrgAsync("gc");
        var code = (await org.IssueAsync(amount: 1000)).Str("code");
        await org.Redeem(code, 600).Ok();
        var refused = await org.Redeem(code, 401).Problem(HttpStatusCode.Conflict, "insufficient_balance");
        Assert.Equal((400L, "EUR"), (refused.Minor("balance_minor"), refused.Str("currency")));
        Assert.Equal(400, await org.BalanceOf(code));
        var exact = await org.Redeem(code, 400).Ok();
        Assert.Equal(0, exact.Minor("balance_after_minor"));
        await org.Redeem(code, 1).Problem(HttpStatusCode.Conflict, "insufficient_balance");
        await org.Redeem(code, 1, currency: "USD").Problem(HttpStatusCode.UnprocessableEntity, "currency_mismatch");
    }

    [Fact]
    public async Task UC_CRM_004_an_expired_card_is_422_giftcard_expired_and_a_blocked_one_422_giftcard_blocked()
    {
        var org = await host.NewOrgAsync("gc");
        var expiring = (await org.IssueAsync(amount: 1000, expiresAt: DateTimeOffset.UtcNow.AddSeconds(1.5))).Str("code");
        await Task.Delay(TimeSpan.FromSeconds(2));
        var expired = await org.Redeem(expiring, 100).Problem(HttpStatusCode.UnprocessableEntity, "giftcard_expired");
        Assert.True(expired.TryGetProperty("expired_at", out _));
        var balance = await org.Balance(expiring).Ok();
        Assert.True(balance.GetProperty("expired").GetBoolean());
        Assert.Equal(1000, balance.Minor("balance_minor"));
        await org.Post("/crm/giftcard/issue", new { currency = "EUR", initial_balance_minor = 1, expires_at = DateTimeOffset.UtcNow.AddMinutes(-1), reference = "past" })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");

        var issued = await org.IssueAsync(amount: 1000);
        var code = issued.Str("code");
        var guid = issued.GetProperty("giftcard").Str("giftcard_guid");
        await org.Post(org.Clerk, "/crm/giftcard/status/set", new { giftcard_guid = guid, status = "blocked", expected_revision = 1 })
            .Problem(HttpStatusCode.Forbidden, "forbidden");
        await org.Post("/crm/giftcard/status/set", new { giftcard_guid = guid, status = "blocked" })
            .Problem(HttpStatusCode.BadRequest, "expected_revision_required");
        var blocked = await org.Post("/crm/giftcard/status/set", new { giftcard_guid = guid, status = "blocked", reason = "reported stolen", expected_revision = 1 }).Ok();
        Assert.Equal(("blocked", "reported stolen"), (blocked.Str("status"), blocked.Str("blocked_reason")));
        await org.Redeem(code, 100).Problem(HttpStatusCode.UnprocessableEntity, "giftcard_blocked");
        await org.Post("/crm/giftcard/status/set", new { giftcard_guid = guid, status = "blocked", expected_revision = 2 })
            .Problem(HttpStatusCode.Conflict, "invalid_transition");
        await org.Post("/crm/giftcard/status/set", new { giftcard_guid = guid, status = "active", expected_revision = 1 })
            .Problem(HttpStatusCode.Conflict, "revision_mismatch");
        await org.Post("/crm/giftcard/status/set", new { giftcard_guid = guid, status = "active", expected_revision = 2 }).Ok();
        Assert.Equal(900, (await org.Redeem(code, 100).Ok()).Minor("balance_after_minor"));
        Assert.Equal(2, host.Factory.OutboxEvents("crm", org.Orgcode, "giftcard.status_changed").Count);
    }

    [Fact]
    public async Task UC_CRM_004_the_same_reference_answers_the_first_redemption_and_spends_once()
    {
        var org = await host.NewOrgAsync("gc");
        var code = (await org.IssueAsync(amount: 1000)).Str("code");
        var first = await org.Redeem(code, 300, "order-7").Ok();
        var again = await org.Redeem(code, 300, "order-7").Ok();
        Assert.Equal(first.Str("entry_guid"), again.Str("entry_guid"));
        Assert.Equal(700, again.Minor("balance_after_minor"));
        Assert.True(again.GetProperty("replayed").GetBoolean());
        Assert.Equal(700, await org.BalanceOf(code));
        await org.Redeem(code, 301, "order-7").Problem(HttpStatusCode.Conflict, "reference_reused");

        // The contract's Idempotency-Key replays the first answer too.
        var body = new { code, amount_minor = 100, currency = "EUR", reference = "order-8" };
        var keyed = await org.PostKeyed(org.Clerk, "/crm/giftcard/redeem", body, "redeem-8").Ok();
        var replayed = await org.PostKeyed(org.Clerk, "/crm/giftcard/redeem", body, "redeem-8").Ok();
        Assert.Equal(keyed.Str("entry_guid"), replayed.Str("entry_guid"));
        Assert.Equal(600, await org.BalanceOf(code));
        Assert.Equal(2, host.Factory.OutboxEvents("crm", org.Orgcode, "giftcard.redeemed").Count);
    }

    [Fact]
    public async Task UC_CRM_004_64_concurrent_redemptions_against_a_balance_that_covers_10_spend_exactly_10()
    {
        var org = await host.NewOrgAsync("gc");
        var issued = await org.IssueAsync(amount: 1000);
        var code = issued.Str("code");
        var answers = await Task.WhenAll(Enumerable.Range(0, 64).Select(async i =>
        {
            using var response = await org.Redeem(code, 100, $"race-{i}");
            return (response.StatusCode, Code: await response.ProblemCodeAsync());
        }));
        Assert.Equal(10, answers.Count(a => a.StatusCode == HttpStatusCode.OK));
        Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.OK), a => Assert.Equal((HttpStatusCode.Conflict, "insufficient_balance"), a));
        Assert.Equal(0, await org.BalanceOf(code));
        var ledger = await org.Post(org.Viewer, "/crm/giftcard/entry/list", new { giftcard_guid = issued.GetProperty("giftcard").Str("giftcard_guid") }).Ok();
        var redemptions = ledger.GetProperty("items").EnumerateArray().Where(e => e.Str("kind") == "redeem").ToList();
        Assert.Equal(10, redemptions.Count);
        Assert.Equal(1000, redemptions.Sum(e => e.Minor("amount_minor")));
        Assert.Equal(10, host.Factory.OutboxEvents("crm", org.Orgcode, "giftcard.redeemed").Count);
    }

    [Fact]
    public async Task UC_CRM_004_a_restore_gives_a_redemption_back_once_and_never_more_than_it_took()
    {
        var org = await host.NewOrgAsync("gc");
        var code = (await org.IssueAsync(amount: 1000)).Str("code");
        await org.Redeem(code, 400, "order-1").Ok();
        var restored = await org.Post(org.Clerk, "/crm/giftcard/restore", new { redeem_reference = "order-1" }).Ok();
        Assert.Equal(("restore", 400L, 1000L), (restored.Str("kind"), restored.Minor("amount_minor"), restored.Minor("balance_after_minor")));
        var again = await org.Post(org.Clerk, "/crm/giftcard/restore", new { redeem_reference = "order-1" }).Ok();
        Assert.True(again.GetProperty("replayed").GetBoolean());
        Assert.Equal(restored.Str("entry_guid"), again.Str("entry_guid"));
        await org.Post(org.Clerk, "/crm/giftcard/restore", new { redeem_reference = "order-1", reference = "another" })
            .Problem(HttpStatusCode.Conflict, "restore_exceeds_redemption");
        Assert.Equal(1000, await org.BalanceOf(code));

        // Refunds in parts, each under its own reference, up to what the redemption took.
        await org.Redeem(code, 500, "order-2").Ok();
        await org.Post(org.Clerk, "/crm/giftcard/restore", new { redeem_reference = "order-2", amount_minor = 200, reference = "refund-a" }).Ok();
        await org.Post(org.Clerk, "/crm/giftcard/restore", new { redeem_reference = "order-2", amount_minor = 300, reference = "refund-b" }).Ok();
        var over = await org.Post(org.Clerk, "/crm/giftcard/restore", new { redeem_reference = "order-2", amount_minor = 1, reference = "refund-c" })
            .Problem(HttpStatusCode.Conflict, "restore_exceeds_redemption");
        Assert.Equal(0, over.Minor("restorable_minor"));
        Assert.Equal(1000, await org.BalanceOf(code));
        await org.Post(org.Clerk, "/crm/giftcard/restore", new { redeem_reference = "no-such-order" }).Problem(HttpStatusCode.NotFound, "not_found");
        Assert.Equal(3, host.Factory.OutboxEvents("crm", org.Orgcode, "giftcard.restored").Count);
    }

    [Fact]
    public async Task An_unknown_code_is_404_without_saying_why_and_repeated_guesses_are_429_even_for_a_right_code()
    {
        var org = await host.NewOrgAsync("gc");
        var code = (await org.IssueAsync(amount: 1000)).Str("code");
        var unknown = await org.Redeem("2222-2222-2222-2222", 100, user: org.Approver).Problem(HttpStatusCode.NotFound, "not_found");
        Assert.Equal("No gift card matches this code.", unknown.Str("detail"));
        // The approver has guessed once; nine more unknown codes fill the window (10).
        for (var i = 0; i < 9; i++)
        {
            await org.Balance($"2222-2222-2222-{"ABCDEFGHJ"[i]}AAA", org.Approver).Problem(HttpStatusCode.NotFound, "not_found");
        }
        using var limited = await org.Balance(code, org.Approver);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("rate_limited", await limited.ProblemCodeAsync());
        Assert.NotNull(limited.Headers.RetryAfter?.Delta);
        await org.Redeem(code, 100, user: org.Approver).Problem(HttpStatusCode.TooManyRequests, "rate_limited");

        // Another caller is not held up by the approver's guesses.
        Assert.Equal(1000, await org.BalanceOf(code));
    }

    [Fact]
    public async Task Roles_and_bad_input_are_refused_before_anything_is_spent()
    {
        var org = await host.NewOrgAsync("gc");
        var code = (await org.IssueAsync(amount: 1000)).Str("code");
        await org.Post(org.Clerk, "/crm/giftcard/issue", new { currency = "EUR", initial_balance_minor = 100, reference = "r" })
            .Problem(HttpStatusCode.Forbidden, "forbidden");
        await org.Redeem(code, 100, user: org.Viewer).Problem(HttpStatusCode.Forbidden, "forbidden");
        await org.Post(org.Viewer, "/crm/giftcard/restore", new { redeem_reference = "x" }).Problem(HttpStatusCode.Forbidden, "forbidden");
        await org.Post("/crm/giftcard/issue", new { currency = "EURO", initial_balance_minor = 100, reference = "r" })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/crm/giftcard/issue", new { currency = "EUR", initial_balance_minor = 0, reference = "r" })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/crm/giftcard/issue", new { currency = "EUR", initial_balance_minor = 100, reference = "r", code = "AAAA" })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/crm/giftcard/issue", "{\"currency\": \"EUR\", \"initial_balance_minor\": 99999999999999999999999, \"reference\": \"r\"}")
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Redeem("not-a-code", 100).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Redeem(code, -5).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/crm/giftcard/issue", new { currency = "EUR", initial_balance_minor = 100, reference = "r", customer_guid = Guid.CreateVersion7().ToString() })
            .Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        await org.Post(org.Viewer, "/crm/giftcard/get", new { giftcard_guid = Guid.CreateVersion7().ToString() }).Problem(HttpStatusCode.NotFound, "not_found");
        Assert.Equal(1000, await org.BalanceOf(code));

        // Another org's clerk neither finds the card by code nor reads it.
        var other = await host.NewOrgAsync("gc");
        await other.Redeem(code, 100).Problem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Cards_are_listed_by_owner_and_status_and_a_merge_moves_the_merged_customers_cards_to_the_survivor()
    {
        var org = await host.NewOrgAsync("gc");
        var survivor = await host.Factory.SeedCustomerAsync(org.Orgcode);
        var duplicate = await host.Factory.SeedCustomerAsync(org.Orgcode);
        var owned = await org.IssueAsync(amount: 700, customerGuid: duplicate);
        Assert.Equal(duplicate, owned.GetProperty("giftcard").Str("customer_guid"));
        var blocked = await org.IssueAsync(amount: 300, customerGuid: duplicate);
        await org.Post("/crm/giftcard/status/set", new { giftcard_guid = blocked.GetProperty("giftcard").Str("giftcard_guid"), status = "blocked", expected_revision = 1 }).Ok();
        await org.IssueAsync(amount: 100);
        var ofDuplicate = await org.Post(org.Viewer, "/crm/giftcard/list", new { customer_guid = duplicate }).Ok();
        Assert.Equal(2, ofDuplicate.GetProperty("items").GetArrayLength());
        var activeOfDuplicate = await org.Post(org.Viewer, "/crm/giftcard/list", new { customer_guid = duplicate, status = "active" }).Ok();
        Assert.Equal(owned.GetProperty("giftcard").Str("giftcard_guid"), Assert.Single(activeOfDuplicate.GetProperty("items").EnumerateArray()).Str("giftcard_guid"));

        // What the merge does with gift cards: stage the re-pointing into its one batch, then commit.
        using (var scope = host.Factory.Services.CreateScope())
        {
            var customers = scope.ServiceProvider.GetRequiredService<RecordStore<Customer>>();
            var participant = Assert.Single(scope.ServiceProvider.GetServices<ICustomerMergeParticipant>(), p => p.Name == "giftcards");
            var batch = new RecordBatch();
            var moved = await participant.StageAsync(org.Orgcode, (await customers.GetAsync(org.Orgcode, survivor))!.Record,
                (await customers.GetAsync(org.Orgcode, duplicate))!.Record, batch, CancellationToken.None);
            Assert.NotNull(moved);
            Assert.True((await batch.CommitAsync()).Succeeded);
        }
        Assert.Empty((await org.Post(org.Viewer, "/crm/giftcard/list", new { customer_guid = duplicate }).Ok()).GetProperty("items").EnumerateArray());
        var ofSurvivor = await org.Post(org.Viewer, "/crm/giftcard/list", new { customer_guid = survivor }).Ok();
        Assert.Equal(2, ofSurvivor.GetProperty("items").GetArrayLength());
        Assert.Equal(700, (await org.Card(owned.GetProperty("giftcard").Str("giftcard_guid"))).Minor("balance_minor"));

        // A card cannot be issued to a merged customer: the answer names the survivor.
        var merged = await host.Factory.SeedCustomerAsync(org.Orgcode, mergedInto: survivor);
        var refused = await org.Post("/crm/giftcard/issue", new { currency = "EUR", initial_balance_minor = 100, reference = "to-merged", customer_guid = merged })
            .Problem(HttpStatusCode.Conflict, "customer_merged");
        Assert.Equal(survivor, refused.Str("merged_into"));
    }
}
