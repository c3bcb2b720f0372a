using System.Net;
using Retail.Functional.Tests.Infrastructure;

namespace Retail.Functional.Tests.Scm;

/// <summary>UC-SCM-002's substitution over HTTP: a line's variant replaced by one of PVM's alternatives, never dearer.</summary>
public sealed class SubstitutionTests(ScmHost host) : IClassFixture<ScmHost>
{
    [Fact]
    public async Task UC_SCM_002_a_substitute_must_be_an_active_alternative_at_no_higher_price_and_moves_the_commitment()
    {
        var org = await host.NewOrgAsync(stock: 10);
        // Variant i costs 1000 + 100 × i: 5 is dearer than 0, 0 cheaper than 5.
        await org.Post("/pvm/alternative/add", new { from_variant_guid = org.Variants[0], to_variant_guid = org.Variants[5], rank = 1 }).Ok(HttpStatusCode.Created);
        await org.Post("/pvm/alternative/add", new { from_variant_guid = org.Variants[5], to_variant_guid = org.Variants[0], rank = 1 }).Ok(HttpStatusCode.Created);
        var cheap = await host.Factory.CommittedOrderAsync(org, [(0, 2)]);
        var dear = await host.Factory.CommittedOrderAsync(org, [(5, 2)]);

        var order = await host.Factory.OrderAsync(org, cheap);
        await org.Post(org.Clerk, "/scm/fulfillment/shipment/substitution/apply",
                new { order_guid = cheap, expected_revision = order.Revision, line_no = 1, variant_guid = org.Variants[5] })
            .Problem(HttpStatusCode.UnprocessableEntity, "substitute_price_higher");
        await org.Post(org.Clerk, "/scm/fulfillment/shipment/substitution/apply",
                new { order_guid = cheap, expected_revision = order.Revision, line_no = 1, variant_guid = org.Variants[3] })
            .Problem(HttpStatusCode.UnprocessableEntity, "not_an_alternative");
        Assert.Equal((8, 2), await org.StockOf(0));

        order = await host.Factory.OrderAsync(org, dear);
        var substituted = await org.Post(org.Clerk, "/scm/fulfillment/shipment/substitution/apply",
            new { order_guid = dear, expected_revision = order.Revision, line_no = 1, variant_guid = org.Variants[0] }).Ok();
        var line = substituted.GetProperty("lines")[0];
        Assert.Equal((org.Variants[0], org.Variants[5]), (line.Text("variant_guid"), line.Text("substituted_from")));
        Assert.Equal(1500, line.GetProperty("unit_minor").GetInt64()); // the line keeps its price
        Assert.Equal((6, 4), await org.StockOf(0));
        Assert.Equal((10, 0), await org.StockOf(5));

        // A line on an open shipment is not substituted; the substitute ships as the line.
        var shipment = await org.Shipment(dear);
        Assert.Equal(org.Variants[0], shipment.GetProperty("lines")[0].Text("variant_guid"));
        await org.Post(org.Clerk, "/scm/fulfillment/shipment/substitution/apply",
                new { order_guid = dear, expected_revision = substituted.Revision(), line_no = 1, variant_guid = org.Variants[5] })
            .Problem(HttpStatusCode.UnprocessableEntity, "line_not_substitutable");
        await org.ShipAll(shipment);
        Assert.Equal((6, 2), await org.StockOf(0));
    }
}
