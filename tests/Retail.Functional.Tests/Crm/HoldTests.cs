using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Retail.Crm.Fraud;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Scm;
using Retail.Scm.Orders;
using Retail.Shared.Records;

namespace Retail.Functional.Tests.Crm;

/// <summary>UC-CRM-005 with SCM: a fraud hold blocks order placement for the customer (SCM's own projection of CRM's holds).</summary>
public sealed class HoldTests(CrmScmHost host) : IClassFixture<CrmScmHost>
{
    [Fact]
    public async Task UC_CRM_005_a_held_customers_order_is_refused_until_an_admin_releases_the_hold()
    {
        var (crm, scm) = await host.NewOrgAsync();
        await scm.TaxPolicy();
        var customer = await host.Factory.SeedFraudCustomerAsync(crm.Orgcode, "buyer@yopmail.com");
        var named = new { customer_guid = customer, email = "buyer@yopmail.com", name = "Buyer" };
        var order = await scm.CreateOrder([OrderSteps.Line(scm.Variants[0], 1)], customer: named).Ok(HttpStatusCode.Created);
        var anonymous = await scm.NewOrder(OrderSteps.Line(scm.Variants[1], 1));

        var hold = await crm.AssessedToHold(customer);
        var holdGuid = hold.GetProperty("hold_guid").GetString();
        await Waits.UntilAsync(async () => await InForceInScmAsync(crm.Orgcode, customer) == holdGuid, "SCM learned of the hold");

        var refused = await scm.Step("/scm/order/place", order).Problem(HttpStatusCode.Conflict, "customer_on_hold");
        Assert.Equal(holdGuid, refused.GetProperty("hold_guid").GetString());
        Assert.Equal(order.Revision(), (await scm.Post(scm.Clerk, "/scm/order/get", new { order_guid = order.Guid() }).Ok()).Revision());
        await scm.Placed(anonymous); // an order that names no held customer is not affected

        var open = Assert.Single(await crm.Holds(customer, "open"));
        await crm.Resolve(open, "release", "customer verified by phone").Ok();
        await Waits.UntilAsync(async () => await InForceInScmAsync(crm.Orgcode, customer) is null, "SCM learned of the release");

        var placed = await scm.Placed(order);
        Assert.Equal("placed", placed.GetProperty("status").GetString());

        // SCM's order.placed reaches CRM's projection: the customer's first order is now a signal.
        await Waits.UntilAsync(async () => await OrdersPlacedAsync(crm.Orgcode, customer) == 1, "CRM counted the placed order");
        var after = await crm.Assessed(customer);
        Assert.Equal(1, after.GetProperty("signals").GetProperty("orders_placed").GetInt64());
        Assert.Equal(placed.GetProperty("totals").GetProperty("total_minor").GetInt64(),
            after.GetProperty("signals").GetProperty("first_order_value_minor").GetInt64());
    }

    private async Task<string?> InForceInScmAsync(string orgcode, string customer)
    {
        using var scope = host.Factory.Services.CreateScope();
        return (await scope.ServiceProvider.GetRequiredService<RecordStore<CustomerHoldProjection>>().GetAsync(orgcode, customer))?.Record.InForce;
    }

    private async Task<long> OrdersPlacedAsync(string orgcode, string customer)
    {
        using var scope = host.Factory.Services.CreateScope();
        return (await scope.ServiceProvider.GetRequiredService<RecordStore<CustomerOrderHistory>>().GetAsync(orgcode, customer))?.Record.OrdersPlaced ?? 0;
    }
}
