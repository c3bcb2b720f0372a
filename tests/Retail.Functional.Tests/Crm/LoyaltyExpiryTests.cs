using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Retail.Functional.Tests.Ofm;

namespace Retail.Functional.Tests.Crm;

/// <summary>UC-CRM-003: earned points expire after the policy's months, first earned first, by the explicit call and by the sweep.</summary>
public sealed class LoyaltyExpiryTests
{
    [Fact]
    public async Task UC_CRM_003_points_expire_first_in_first_out_by_the_expire_call_and_by_the_sweep()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var factory = CrmHost.Start(s => s.AddSingleton<TimeProvider>(clock));
        // The sweep's first tick comes only with the last step, so it never races the explicit calls before it.
        factory.Settings["Crm:Loyalty:ExpirySweepInterval"] = "40.00:00:00";
        using var @operator = factory.CreateOperatorClient();
        var org = await CrmHost.NewOrgAsync(factory, @operator, "loye");
        await org.LoyaltyPolicy(expiryMonths: 1);
        var ada = await org.NewCustomerAsync();
        var bob = await org.NewCustomerAsync();
        await org.Earn(ada, "SO-1", 9_900).Ok(HttpStatusCode.Created);
        await org.Earn(bob, "SO-2", 2_000).Ok(HttpStatusCode.Created);

        // Twenty days on (sessions have lapsed: the operator acts from here), Ada earns 50 more and redeems 30: they
        // come out of the first earn (99 points, short of silver), so 69 of it are left to expire.
        clock.Advance(TimeSpan.FromDays(20));
        await Post(@operator, org, "/crm/loyalty/earn", new { customer_guid = ada, reference = "SO-3", amount_minor = 5_000, currency = "EUR" })
            .Ok(HttpStatusCode.Created);
        var redeemed = await Post(@operator, org, "/crm/loyalty/redeem", new { customer_guid = ada, reference = "POS-1", points = 30 }).Ok(HttpStatusCode.Created);
        Assert.Equal(30, Assert.Single(redeemed.Entry().GetProperty("buckets").EnumerateArray()).Int64Of("points"));
        var early = await Post(@operator, org, "/crm/loyalty/expire", new { customer_guid = ada }).Ok();
        Assert.Equal(0, early.Int64Of("points"));

        // Past the first earn's month: the explicit call for the org expires what is left of both first earns.
        clock.Advance(TimeSpan.FromDays(12));
        var expired = await Post(@operator, org, "/crm/loyalty/expire", new { }).Ok();
        Assert.Equal((2, 89L), (expired.GetProperty("customers").GetInt32(), expired.Int64Of("points")));
        Assert.Equal(50, await Balance(@operator, org, ada));
        Assert.Equal(0, await Balance(@operator, org, bob));
        var entry = (await Post(@operator, org, "/crm/loyalty/entry/list", new { customer_guid = ada, kind = "expire" }).Ok()).GetProperty("items")[0];
        Assert.Equal((-69L, 50L), (entry.Int64Of("points"), entry.Int64Of("balance_after")));
        Assert.Equal(0, (await Post(@operator, org, "/crm/loyalty/expire", new { }).Ok()).Int64Of("points"));

        // A month later the sweep takes the rest on its own.
        clock.Advance(TimeSpan.FromDays(31));
        await Waits.UntilAsync(async () => await Balance(@operator, org, ada) == 0, "the sweep expired Ada's last earn");
        var expiries = (await Post(@operator, org, "/crm/loyalty/entry/list", new { customer_guid = ada, kind = "expire" }).Ok()).GetProperty("items");
        Assert.Equal([-50L, -69L], expiries.EnumerateArray().Select(e => e.Int64Of("points")));
        // (The outbox keeps delivered events for a while only, and a month has passed: the latest is still there.)
        Assert.Equal(-50, factory.OutboxEvents("crm", org.Orgcode, "loyalty.expired")[^1].Int64Of("points"));
    }

    private static Task<HttpResponseMessage> Post(HttpClient client, CrmOrg org, string path, object body) =>
        client.PostJsonAsync(path, body, OfmSteps.Org(org.Orgcode));

    private static async Task<long> Balance(HttpClient client, CrmOrg org, string customer) =>
        (await Post(client, org, "/crm/loyalty/balance/get", new { customer_guid = customer }).Ok()).Int64Of("balance");
}
