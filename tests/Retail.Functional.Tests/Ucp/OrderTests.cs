using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Scm;

namespace Retail.Functional.Tests.Ucp;

/// <summary>One host with SCM and UCP: orders created through SCM, linked to a platform as a completed checkout links them.</summary>
public sealed class UcpOrderHost() : ServiceHost([.. ScmHost.Modules, "crm", "ucp"])
{
    public Task<ScmOrg> NewOrgAsync() => ScmHost.NewOrgAsync(Factory, Operator, "ucpo");
}

/// <summary>UCP REST GET /orders/{id}: the platform reads its own orders in the spec's order shape, nobody else's.</summary>
public sealed class OrderTests(UcpOrderHost host) : IClassFixture<UcpOrderHost>
{
    private async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(UcpPlatform platform, string orderGuid)
    {
        using var client = platform.Client(host.Factory);
        using var response = await client.GetAsync("/ucp/orders/" + orderGuid);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    [Fact]
    public async Task the_platform_reads_its_own_order_in_the_spec_shape_and_another_platform_gets_404()
    {
        var org = await host.NewOrgAsync();
        var platform = await UcpSteps.RegisterPlatformAsync(org.Owner.Client, org.Orgcode);
        var other = await UcpSteps.RegisterPlatformAsync(org.Owner.Client, org.Orgcode, "Other platform");
        await org.TaxPolicy();
        var order = await org.NewOrder(OrderSteps.Line(org.Variants[0], 2), OrderSteps.Line(org.Variants[1], 1));
        var orderGuid = order.GetProperty("order_guid").GetString()!;
        await host.Factory.LinkOrderAsync(org.Orgcode, orderGuid, platform.PlatformGuid);

        var (status, body) = await GetAsync(platform, orderGuid);
        Assert.Equal(HttpStatusCode.OK, status);
        UcpSchemas.AssertValid(body, UcpSchemas.Order);
        Assert.Equal(orderGuid, body.GetProperty("id").GetString());
        Assert.Equal("EUR", body.GetProperty("currency").GetString());
        var lines = body.GetProperty("line_items").EnumerateArray().ToList();
        Assert.Equal(2, lines.Count);
        Assert.Equal(org.Variants[0], lines[0].GetProperty("item").GetProperty("id").GetString());
        Assert.Equal(2, lines[0].GetProperty("quantity").GetProperty("total").GetInt64());
        Assert.Equal(1000, lines[0].GetProperty("item").GetProperty("price").GetInt64());
        var total = body.GetProperty("totals").EnumerateArray().Single(t => t.GetProperty("type").GetString() == "total");
        Assert.Equal(order.GetProperty("totals").GetProperty("total_minor").GetInt64(), total.GetProperty("amount").GetInt64());

        var (otherStatus, refused) = await GetAsync(other, orderGuid);
        Assert.Equal(HttpStatusCode.NotFound, otherStatus);
        UcpSchemas.AssertValid(refused, UcpSchemas.Error);
    }
}
