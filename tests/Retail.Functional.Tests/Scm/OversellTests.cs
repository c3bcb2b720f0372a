using System.Net;
using Retail.Functional.Tests.Ics;
using Retail.Functional.Tests.Infrastructure;

namespace Retail.Functional.Tests.Scm;

/// <summary>Orders cannot oversell: concurrent placing of more orders than there is stock holds exactly the stock.</summary>
public sealed class OversellTests(ScmHost host) : IClassFixture<ScmHost>
{
    [Fact]
    public async Task UC_SCM_001_64_concurrent_orders_for_the_last_10_units_place_exactly_10_and_ics_holds_exactly_10()
    {
        var org = await host.NewOrgAsync(stock: 10);
        await org.TaxPolicy();
        var a = org.Variants[0];
        var orders = new List<System.Text.Json.JsonElement>();
        for (var i = 0; i < 64; i += 16)
        {
            orders.AddRange(await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => org.NewOrder(OrderSteps.Line(a, 1)))));
        }

        var responses = await Task.WhenAll(orders.Select(o => org.Step("/scm/order/place", o)));

        Assert.Equal(10, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(54, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.OK))
        {
            Assert.Equal("insufficient_stock", await refused.ProblemCodeAsync());
        }
        Assert.Equal((0, 10, 0, 0), await org.StockOf(a));
        var (rebuilt, stored, agrees) = await host.Factory.ReconcileAsync(org.Orgcode, "store-1", a);
        Assert.True(agrees);
        Assert.Equal((0, 10), (rebuilt.Available, rebuilt.Reserved));
        Assert.Equal(10, stored!.Reserved);
        Assert.Equal(10, await org.Inventory.ActiveClaimAsync("store-1", [a], a));
        var placed = await org.Post("/scm/order/list", new { status = "placed", limit = 100 }).Ok();
        Assert.Equal(10, placed.GetProperty("items").GetArrayLength());
        Assert.Equal(54, (await org.Post("/scm/order/list", new { status = "created", limit = 100 }).Ok()).GetProperty("items").GetArrayLength());
    }
}
