using System.Net;
using Retail.Functional.Tests.Scm;

namespace Retail.Functional.Tests.Crm;

/// <summary>UC-CRM-003 beside SCM: order.placed earns the order's points once; return.received reverses the returned share once.</summary>
public sealed class LoyaltyScmTests(CrmScmHost host) : IClassFixture<CrmScmHost>
{
    [Fact]
    public async Task UC_CRM_003_an_order_placed_for_a_customer_earns_once_and_its_return_reverses_the_returned_share_once()
    {
        var (crm, scm) = await host.NewOrgAsync("loys", stock: 10);
        await crm.LoyaltyPolicy();
        var ada = await crm.NewCustomerAsync();
        await scm.Post("/scm/tax/policy/set", new
        {
            jurisdiction = "DE",
            rates = new[] { new { tax_category = "standard", rate_percent = 19m } },
            effective_from = DateTimeOffset.UtcNow.AddHours(-1),
        }).Ok();
        var created = await scm.Post(scm.Clerk, "/scm/order/create", new
        {
            channel_code = "web",
            lines = new[] { new { variant_guid = scm.Variants[0], quantity = 2 } },
            customer = new { customer_guid = ada, email = "ada@example.com", name = "Ada" },
            delivery = new { method = "ship", address = new { name = "Ada", line1 = "Hauptstr. 1", city = "Berlin", postal_code = "10115", country = "DE" } },
        }).Ok(HttpStatusCode.Created);
        var orderGuid = created.StringOf("order_guid");
        Assert.Equal(2380, created.GetProperty("totals").Int64Of("total_minor"));
        var placed = await scm.Post(scm.Clerk, "/scm/order/place", new { order_guid = orderGuid, expected_revision = created.Int64Of("revision") }).Ok();

        // 23.80 EUR placed: 23 points, earned from SCM's event with the order as its reference.
        await Waits.UntilAsync(async () => await crm.Points(ada) == 23, "order.placed earned Ada 23 points");
        var earn = Assert.Single(await crm.Entries(ada, "earn"));
        Assert.Equal((orderGuid, 2380L, "EUR"), (earn.StringOf("reference"), earn.Int64Of("amount_minor"), earn.StringOf("currency")));
        // The subscriber's earn is the order's one earn: the same reference again changes nothing.
        Assert.True((await crm.Earn(ada, orderGuid, 2380).Ok()).GetProperty("replayed").GetBoolean());

        await scm.Post(scm.Clerk, "/scm/order/promise/commit", new { order_guid = orderGuid, expected_revision = placed.Int64Of("revision") }).Ok();
        await scm.Post(scm.Clerk, "/scm/tender/capture", new { order_guid = orderGuid, payment_method_token = "pm_visa_4242" }).Ok(HttpStatusCode.Created);
        var shipment = await scm.ShipAll(await scm.Shipment(orderGuid));
        await scm.Step(shipment, "deliver").Ok();

        // One of the two back: 11.90 of 23.80, so 11 of the 23 points (rounded down) are reversed, once.
        var requested = await scm.Post(scm.Clerk, "/scm/return/request",
            new { order_guid = orderGuid, lines = new[] { new { line_no = 1, quantity = 1 } }, reason = "Does not fit" }).Ok(HttpStatusCode.Created);
        var returnGuid = requested.StringOf("return_guid");
        await scm.Post(scm.Clerk, "/scm/return/receive", new
        {
            return_guid = returnGuid,
            expected_revision = requested.Int64Of("revision"),
            lines = new[] { new { line_no = 1, condition = "resellable" } },
        }).Ok();
        await Waits.UntilAsync(async () => await crm.Points(ada) == 12, "return.received reversed 11 of Ada's points");
        var reversal = Assert.Single(await crm.Entries(ada, "reverse"));
        Assert.Equal((-11L, returnGuid, orderGuid, 1190L), (reversal.Int64Of("points"), reversal.StringOf("reference"), reversal.StringOf("of_reference"),
            reversal.Int64Of("amount_minor")));
        Assert.True((await crm.Post(crm.Clerk, "/crm/loyalty/reverse", new { reference = orderGuid, return_reference = returnGuid, amount_minor = 1190 }).Ok())
            .GetProperty("replayed").GetBoolean());
        Assert.Equal(12, await crm.Points(ada));
        Assert.Single(host.Factory.OutboxEvents("crm", crm.Orgcode, "loyalty.earned"));
        Assert.Single(host.Factory.OutboxEvents("crm", crm.Orgcode, "loyalty.reversed"));
    }
}
