using System.Net;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Scm;

namespace Retail.Functional.Tests.Crm;

/// <summary>UC-CRM-002 with the real loyalty ledger: redemptions racing <c>/customer/merge</c> lose nothing.</summary>
public sealed class MergeLoyaltyTests(CrmHost host) : IClassFixture<CrmHost>
{
    [Fact]
    public async Task UC_CRM_002_redemptions_racing_a_merge_lose_nothing_and_the_merge_moves_what_is_left()
    {
        var org = await host.NewOrgAsync("mloy");
        await org.LoyaltyPolicy();
        var survivor = (await org.NewCustomer("keep@example.com")).CustomerGuid();
        var merged = (await org.NewCustomer("gone@example.com")).CustomerGuid();
        await org.Earn(survivor, "SO-1", 2_000).Ok(HttpStatusCode.Created);
        await org.Earn(merged, "SO-2", 9_000).Ok(HttpStatusCode.Created);
        var (before, mergedBefore) = (await org.Points(survivor), await org.Points(merged));
        Assert.True(mergedBefore >= 60);

        var redemptions = Enumerable.Range(0, 20).Select(i => org.Redeem(merged, $"POS-{i}", 3)).ToList();
        var merge = MergeAsClientDoes(org, survivor, merged);
        var answers = await Task.WhenAll(redemptions);
        var result = await merge;

        var spent = answers.Count(a => a.StatusCode == HttpStatusCode.Created);
        foreach (var refused in answers.Where(a => a.StatusCode != HttpStatusCode.Created))
        {
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            Assert.Contains(await refused.ProblemCodeAsync(), new[] { "customer_merged", "loyalty_contended" });
        }
        var moved = result.GetProperty("merge").GetProperty("moved").GetProperty("loyalty").GetProperty("points").GetInt64();
        Assert.Equal(mergedBefore - 3 * spent, moved);
        Assert.Equal(before + moved, await org.Points(survivor));
        Assert.Equal(0, await org.Points(merged));
        var late = await org.Redeem(merged, "POS-late", 1).Problem(HttpStatusCode.Conflict, "customer_merged");
        Assert.Equal(survivor, late.Text("merged_into"));
    }

    /// <summary>A merge that keeps losing to the redemptions answers 409 revision_mismatch; a client tries again.</summary>
    private static async Task<System.Text.Json.JsonElement> MergeAsClientDoes(CrmOrg org, string survivor, string merged)
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            using var response = await org.Post("/crm/customer/merge", new { survivor_guid = survivor, merged_guid = merged, reason = "race" });
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return await response.JsonAsync();
            }
            Assert.Equal("revision_mismatch", await response.ProblemCodeAsync());
        }
        Assert.Fail("the merge kept losing to the redemptions");
        return default;
    }
}
