using System.Net;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Scm;

namespace Retail.Functional.Tests.Crm;

/// <summary>UC-CRM-002 over HTTP, the dedupe half: candidate pairs with reasons and scores, kept as customers change, dismissed for good.</summary>
public sealed class DedupeTests(CrmHost host) : IClassFixture<CrmHost>
{
    [Fact]
    public async Task UC_CRM_002_email_variants_shared_external_ids_and_similar_names_at_one_postcode_are_proposed_by_score_with_their_reasons()
    {
        var org = await host.NewOrgAsync();
        var ada = await org.NewCustomer("ada.lovelace+shop@gmail.com", addresses: [MergeSteps.Address("SW1A 1AA")]);
        var gmail = await org.NewCustomer("AdaLovelace@googlemail.com", given: "A.");
        var typo = await org.NewCustomer("a.lovelance@example.com", family: "Lovelance", addresses: [MergeSteps.Address("sw1a-1aa", line1: "Flat 2, 1 Main St")]);
        var babbage = await org.NewCustomer("charles@example.com", given: "Charles", family: "Babbage", addresses: [MergeSteps.Address("SW1A 1AA")]);
        var grace = await org.NewCustomer("grace@example.com", given: "Grace", family: "Hopper", externalIds: new { shopify = "g-77" });
        var amazing = await org.NewCustomer("g.hopper@example.org", given: "Amazing", family: "Grace", externalIds: new { shopify = "g-77" });

        var email = await org.PairOf(ada, gmail);
        var name = await org.PairOf(ada, typo);
        var externalId = await org.PairOf(grace, amazing);
        Assert.Equal(["same_email"], email.Reasons());
        Assert.Equal(0.9, email.PairScore());
        Assert.Equal(["same_external_id"], externalId.Reasons());
        Assert.Equal(0.8, externalId.PairScore());
        Assert.Equal(["similar_name_same_postcode"], name.Reasons());
        Assert.InRange(name.PairScore(), 0.6, 0.75);
        Assert.InRange(name.GetProperty("name_similarity").GetDouble(), 0.9, 1.0);

        // Highest score first; nobody else is proposed (Babbage shares the postcode, not the name).
        var all = (await org.Pairs()).Items();
        Assert.Equal([email.Text("pair_guid"), externalId.Text("pair_guid"), name.Text("pair_guid")], all.Select(p => p.Text("pair_guid")));
        Assert.Empty((await org.Pairs(babbage.CustomerGuid())).Items());
        Assert.All(all, p => Assert.True(string.CompareOrdinal(p.Text("customer_guid_a"), p.Text("customer_guid_b")) < 0));

        // One customer's pairs, a page at a time, still by score.
        var first = await org.Pairs(ada.CustomerGuid(), limit: 1);
        Assert.Equal(email.Text("pair_guid"), Assert.Single(first.Items()).Text("pair_guid"));
        var token = first.Text("next_token");
        Assert.NotNull(token);
        var second = await org.Pairs(ada.CustomerGuid(), limit: 1, nextToken: token);
        Assert.Equal(name.Text("pair_guid"), Assert.Single(second.Items()).Text("pair_guid"));
        Assert.Null(second.Text("next_token"));
        await org.Post(org.Viewer, "/crm/customer/dedupe/list", new { customer_guid = typo.CustomerGuid(), limit = 1, next_token = token })
            .Problem(HttpStatusCode.BadRequest, "invalid_next_token");
        await org.Post(org.Viewer, "/crm/customer/dedupe/list", new { customer_guid = "not-a-guid" }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post(org.Viewer, "/crm/customer/dedupe/list", new { limit = 0 }).Problem(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task UC_CRM_002_the_same_phone_in_another_format_is_a_duplicate_not_a_candidate()
    {
        var org = await host.NewOrgAsync();
        var first = await org.NewCustomer("ada@example.com", "+44 20 7946 0958");
        Assert.Equal("+442079460958", first.Text("phone"));
        await org.Post(org.Clerk, "/crm/customer/create", new { email = "ada2@example.com", phone = "020 7946 0958", default_region = "GB" })
            .Problem(HttpStatusCode.Conflict, "duplicate");
        Assert.Empty((await org.Pairs(first.CustomerGuid())).Items());
    }

    [Fact]
    public async Task UC_CRM_002_a_pair_follows_its_customers_and_a_dismissed_pair_stays_dismissed()
    {
        var org = await host.NewOrgAsync();
        var ada = await org.NewCustomer("ada@example.com", addresses: [MergeSteps.Address("N1 9GU")]);
        var other = await org.NewCustomer("someone@example.com", given: "Bob", family: "Smith");
        Assert.Empty((await org.Pairs(ada.CustomerGuid())).Items());

        // One side changes into a variant of the other's e-mail: a candidate appears.
        await org.Post(org.Clerk, "/crm/customer/update",
            new { customer_guid = other.CustomerGuid(), expected_revision = 1, email = "Ada+news@example.com" }).Ok();
        var pair = await org.PairOf(ada, other);
        Assert.Equal(["same_email"], pair.Reasons());
        Assert.Equal((1L, 2L), Revisions(pair, ada, other));

        // It changes back: the pair is cleared, and comes back when it matches again.
        await org.Post(org.Clerk, "/crm/customer/update", new { customer_guid = other.CustomerGuid(), expected_revision = 2, email = "bob@example.com" }).Ok();
        var cleared = await org.PairOf(ada, other, "cleared");
        Assert.Empty(cleared.Reasons());
        Assert.Empty((await org.Pairs(ada.CustomerGuid())).Items());
        await org.Post(org.Clerk, "/crm/customer/update", new { customer_guid = other.CustomerGuid(), expected_revision = 3, email = "ada+again@example.com" }).Ok();
        pair = await org.PairOf(ada, other);
        var guid = pair.Text("pair_guid");
        var revision = pair.GetProperty("revision").GetInt64();

        await org.Post(org.Viewer, "/crm/customer/dedupe/dismiss", new { pair_guid = guid, expected_revision = revision, reason = "twins" })
            .Problem(HttpStatusCode.Forbidden, "forbidden");
        await org.Post(org.Clerk, "/crm/customer/dedupe/dismiss", new { pair_guid = guid, reason = "twins" })
            .Problem(HttpStatusCode.BadRequest, "expected_revision_required");
        await org.Post(org.Clerk, "/crm/customer/dedupe/dismiss", new { pair_guid = guid, expected_revision = revision + 5, reason = "twins" })
            .Problem(HttpStatusCode.Conflict, "revision_mismatch");
        await org.Post(org.Clerk, "/crm/customer/dedupe/dismiss", new { pair_guid = Guid.NewGuid().ToString(), expected_revision = 1 })
            .Problem(HttpStatusCode.NotFound, "not_found");
        var dismissed = await org.Post(org.Clerk, "/crm/customer/dedupe/dismiss", new { pair_guid = guid, expected_revision = revision, reason = "twins" }).Ok();
        Assert.Equal(("dismissed", org.Clerk.UserGuid, "twins"), (dismissed.Text("status"), dismissed.Text("dismissed_by"), dismissed.Text("dismiss_reason")));
        await org.Post(org.Clerk, "/crm/customer/dedupe/dismiss", new { pair_guid = guid, expected_revision = revision + 1 })
            .Problem(HttpStatusCode.Conflict, "invalid_transition");
        Assert.Empty((await org.Pairs(ada.CustomerGuid())).Items());

        // Matching for one more reason after another change: re-scored, still dismissed, not proposed again.
        await org.Post(org.Clerk, "/crm/customer/update", new
        {
            customer_guid = other.CustomerGuid(), expected_revision = 4, given_name = "Ada", family_name = "Lovelace", addresses = new[] { MergeSteps.Address("N1 9GU") },
        }).Ok();
        await Waits.UntilAsync(async () => (await org.Pairs(ada.CustomerGuid(), "dismissed")).Items() is [var p] && p.Reasons().Count == 2,
            "the dismissed pair is re-scored");
        var rescored = await org.PairOf(ada, other, "dismissed");
        Assert.Equal(["same_email", "similar_name_same_postcode"], rescored.Reasons());
        Assert.True(rescored.PairScore() > pair.PairScore());
        Assert.Empty((await org.Pairs(ada.CustomerGuid())).Items());
    }

    private static (long, long) Revisions(System.Text.Json.JsonElement pair, System.Text.Json.JsonElement one, System.Text.Json.JsonElement other)
    {
        var a = pair.GetProperty("revision_a").GetInt64();
        var b = pair.GetProperty("revision_b").GetInt64();
        return pair.Text("customer_guid_a") == one.CustomerGuid() ? (a, b) : (b, a);
    }
}
