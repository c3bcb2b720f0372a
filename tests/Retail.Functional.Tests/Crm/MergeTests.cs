using System.Net;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Scm;

namespace Retail.Functional.Tests.Crm;

/// <summary>UC-CRM-002 over HTTP, the merge half: a survivor keeps and gains, the other answers merged_into, and the failure paths.</summary>
public sealed class MergeTests(CrmHost host) : IClassFixture<CrmHost>
{
    [Fact]
    public async Task UC_CRM_002_a_merge_gives_the_survivor_what_it_lacks_and_the_merged_customer_answers_merged_into()
    {
        var org = await host.NewOrgAsync();
        var survivor = await org.NewCustomer("ada@example.com", addresses: [MergeSteps.Address("N1 9GU")], externalIds: new { shopify = "1" });
        var merged = await org.NewCustomer("ada.l@example.com", "+44 20 7946 0958", given: "Adah",
            addresses: [MergeSteps.Address("n1-9gu", line1: "1 main st"), MergeSteps.Address("LS1 1AA", "5 High St", "Leeds")],
            externalIds: new { shopify = "2", pos = "9" });
        var (s, m) = (survivor.CustomerGuid(), merged.CustomerGuid());
        var pair = await org.PairOf(survivor, merged);
        Assert.Equal(["similar_name_same_postcode"], pair.Reasons());

        var request = new { survivor_guid = s, merged_guid = m, expected_survivor_revision = 1, expected_merged_revision = 1, reason = "one person, two sign-ups" };
        await org.Post(org.Viewer, "/crm/customer/merge", request).Problem(HttpStatusCode.Forbidden, "forbidden");
        await org.Post(org.Clerk, "/crm/customer/merge", request).Problem(HttpStatusCode.Forbidden, "forbidden");

        var result = await org.Post(org.Owner, "/crm/customer/merge", request).Ok();
        var merge = result.GetProperty("merge");
        var kept = result.GetProperty("survivor");
        var gone = result.GetProperty("merged");
        Assert.Equal((s, m, org.Owner.UserGuid, "one person, two sign-ups", 1), (merge.Text("survivor_guid"), merge.Text("merged_guid"), merge.Text("merged_by"),
            merge.Text("reason"), merge.GetProperty("attempts").GetInt32()));
        Assert.Equal(["phone", "addresses", "external_ids"], merge.GetProperty("gained").EnumerateArray().Select(g => g.GetString()));
        Assert.Equal(("ada@example.com", "+442079460958", "Ada", 2L), (kept.Text("email"), kept.Text("phone"), kept.Text("given_name"),
            kept.GetProperty("revision").GetInt64()));
        Assert.Equal(["N1 9GU", "LS1 1AA"], kept.GetProperty("addresses").EnumerateArray().Select(a => a.Text("postcode")));
        Assert.Equal(("1", "9"), (kept.GetProperty("external_ids").Text("shopify"), kept.GetProperty("external_ids").Text("pos")));
        Assert.Equal(("merged", s, 2L), (gone.Text("status"), gone.Text("merged_into"), gone.GetProperty("revision").GetInt64()));
        Assert.NotNull(gone.Text("merged_at"));

        // Reads answer the merged record with merged_into; its phone went to the survivor in the same transaction.
        var read = await org.Post(org.Viewer, "/crm/customer/get", new { customer_guid = m }).Ok();
        Assert.Equal(("merged", s), (read.Text("status"), read.Text("merged_into")));
        Assert.Equal(s, (await org.Post(org.Viewer, "/crm/customer/get", new { phone = "+442079460958" }).Ok()).CustomerGuid());
        await org.Post(org.Viewer, "/crm/customer/get", new { email = "ada.l@example.com" }).Problem(HttpStatusCode.NotFound, "not_found");

        // Writes naming it, a merge again, or a merge into it: 409 customer_merged naming the survivor.
        var again = await org.Post(org.Owner, "/crm/customer/merge", new { survivor_guid = s, merged_guid = m, reason = "again" })
            .Problem(HttpStatusCode.Conflict, "customer_merged");
        Assert.Equal(s, again.Text("merged_into"));
        Assert.Equal(s, (await org.Post(org.Owner, "/crm/customer/merge", new { survivor_guid = m, merged_guid = s, reason = "backwards" })
            .Problem(HttpStatusCode.Conflict, "customer_merged")).Text("merged_into"));
        Assert.Equal(s, (await org.Post(org.Clerk, "/crm/customer/update", new { customer_guid = m, expected_revision = 2, given_name = "X" })
            .Problem(HttpStatusCode.Conflict, "customer_merged")).Text("merged_into"));

        // The merge is listed by either side, newest first, with its event; the pair is gone from the candidates.
        var bySurvivor = (await org.Post(org.Viewer, "/crm/customer/merge/list", new { survivor_guid = s }).Ok()).Items();
        Assert.Equal(merge.Text("merge_guid"), Assert.Single(bySurvivor).Text("merge_guid"));
        Assert.Equal(merge.Text("merge_guid"), Assert.Single((await org.Post(org.Viewer, "/crm/customer/merge/list", new { merged_guid = m }).Ok()).Items())
            .Text("merge_guid"));
        Assert.Empty((await org.Post(org.Viewer, "/crm/customer/merge/list", new { merged_guid = s }).Ok()).Items());
        var merged_event = Assert.Single(host.Factory.OutboxEvents("crm", org.Orgcode, "customer.merged"));
        Assert.Equal((s, m, merge.Text("merge_guid")), (merged_event.Text("survivor_guid"), merged_event.Text("merged_guid"), merged_event.Text("merge_guid")));
        Assert.Equal("merged", (await org.PairOf(survivor, merged, "merged")).Text("status"));
        Assert.Empty((await org.Pairs(s)).Items());

        // History on both customers: the merge is revision 2 of each.
        var survivorHistory = await host.Factory.CustomerHistory(org, s);
        var mergedHistory = await host.Factory.CustomerHistory(org, m);
        Assert.Equal([1L, 2L], survivorHistory.Select(h => h.Revision));
        Assert.Contains("phone", survivorHistory[1].Changed);
        Assert.Equal(("status_changed", org.Owner.UserGuid), (mergedHistory[1].Op, mergedHistory[1].PrincipalId));
        Assert.Contains("merged_into", mergedHistory[1].Changed);
    }

    [Fact]
    public async Task UC_CRM_002_a_merge_is_refused_for_the_same_customer_an_unknown_one_a_stale_revision_and_bad_input()
    {
        var org = await host.NewOrgAsync();
        var a = (await org.NewCustomer("a@example.com")).CustomerGuid();
        var b = (await org.NewCustomer("b@example.com")).CustomerGuid();

        await org.Post("/crm/customer/merge", new { survivor_guid = a, merged_guid = a.ToUpperInvariant(), reason = "x" })
            .Problem(HttpStatusCode.UnprocessableEntity, "merge_same_customer");
        var unknown = await org.Post("/crm/customer/merge", new { survivor_guid = a, merged_guid = Guid.NewGuid().ToString(), reason = "x" })
            .Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        Assert.Equal("merged_guid", unknown.Text("field"));
        var stale = await org.Post("/crm/customer/merge", new { survivor_guid = a, merged_guid = b, expected_merged_revision = 3, reason = "x" })
            .Problem(HttpStatusCode.Conflict, "revision_mismatch");
        Assert.Equal(1, stale.GetProperty("current_revision").GetInt64());
        await org.Post("/crm/customer/merge", new { survivor_guid = a, merged_guid = b }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/crm/customer/merge", new { survivor_guid = a, merged_guid = "b", reason = "x" }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/crm/customer/merge", new { survivor_guid = a, merged_guid = b, reason = "x", extra = 1 })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.Equal("active", (await org.Post("/crm/customer/get", new { customer_guid = b }).Ok()).Text("status"));
        Assert.Empty((await org.Post("/crm/customer/merge/list", new { }).Ok()).Items());
    }

    [Fact]
    public async Task UC_CRM_002_two_merges_of_one_customer_at_once_one_wins_and_the_other_is_told_it_was_merged()
    {
        var org = await host.NewOrgAsync();
        var one = (await org.NewCustomer("one@example.com")).CustomerGuid();
        var two = (await org.NewCustomer("two@example.com")).CustomerGuid();
        var gone = (await org.NewCustomer("gone@example.com", "+44 20 7946 0001")).CustomerGuid();

        var answers = await Task.WhenAll(
            org.Post(org.Owner, "/crm/customer/merge", new { survivor_guid = one, merged_guid = gone, reason = "race" }),
            org.Post(org.Approver, "/crm/customer/merge", new { survivor_guid = two, merged_guid = gone, reason = "race" }));
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], answers.Select(a => a.StatusCode).Order());
        var loser = answers.Single(a => a.StatusCode == HttpStatusCode.Conflict);
        Assert.Equal("customer_merged", await loser.ProblemCodeAsync());
        var winner = (await answers.Single(a => a.StatusCode == HttpStatusCode.OK).JsonAsync()).GetProperty("survivor").CustomerGuid();
        var read = await org.Post("/crm/customer/get", new { customer_guid = gone }).Ok();
        Assert.Equal(winner, read.Text("merged_into"));
        Assert.Equal(winner, (await org.Post("/crm/customer/get", new { phone = "+442079460001" }).Ok()).CustomerGuid());
        Assert.Single((await org.Post("/crm/customer/merge/list", new { merged_guid = gone }).Ok()).Items());
    }
}
