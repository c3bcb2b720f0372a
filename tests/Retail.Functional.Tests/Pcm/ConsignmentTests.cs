using System.Net;
using Retail.Functional.Tests.Infrastructure;

namespace Retail.Functional.Tests.Pcm;

/// <summary>Consignment settlement: consumed consignment stock in ICS settled there and owed to the vendor as a payable.</summary>
public sealed class ConsignmentTests(PcmHost host) : IClassFixture<PcmHost>
{
    private static Task Consume(PcmOrg org, string variantGuid, long quantity) =>
        org.Post("/ics/consignment/consume", new
        {
            facility_code = "store-1",
            vendor_code = "acme",
            variant_guid = variantGuid,
            quantity,
            reference = new { kind = "sale", id = $"s-{Guid.NewGuid():N}" },
        }).Ok();

    [Fact]
    public async Task Consumed_consignment_stock_is_settled_once_into_a_payable_and_settling_again_finds_nothing()
    {
        var org = await host.NewOrgAsync();
        await org.Post("/ics/consignment/receive", new
        {
            facility_code = "store-1",
            vendor_code = "acme",
            lines = new[] { new { variant_guid = org.Variants[0], quantity = 10 }, new { variant_guid = org.Variants[1], quantity = 5 } },
            reference = new { kind = "delivery", id = "cn-1" },
        }).Ok(HttpStatusCode.Created);
        await Consume(org, org.Variants[0], 4);
        await Consume(org, org.Variants[1], 1);

        var settle = new
        {
            vendor_code = "acme",
            facility_code = "store-1",
            unit_costs = new[] { new { variant_guid = org.Variants[0], unit_cost_minor = 250L }, new { variant_guid = org.Variants[1], unit_cost_minor = 400L } },
            currency = "EUR",
        };
        await org.Post(org.Buyer, "/pcm/consignment/settle", settle).Problem(HttpStatusCode.Forbidden, "forbidden");
        var settled = await org.Post("/pcm/consignment/settle", settle).Ok(HttpStatusCode.Created);

        Assert.Equal(("payable", "EUR", 1_400L), (settled.Text("status"), settled.Text("currency"), settled.GetProperty("total_minor").GetInt64()));
        var lines = settled.GetProperty("lines").EnumerateArray().ToDictionary(l => l.Text("variant_guid")!);
        Assert.Equal((4L, 1_000L), (lines[org.Variants[0]].GetProperty("quantity").GetInt64(), lines[org.Variants[0]].GetProperty("amount_minor").GetInt64()));
        Assert.Equal((1L, 400L), (lines[org.Variants[1]].GetProperty("quantity").GetInt64(), lines[org.Variants[1]].GetProperty("amount_minor").GetInt64()));
        var ledgers = await org.Post("/ics/consignment/ledger/list", new { facility_code = "store-1", vendor_code = "acme" }).Ok();
        Assert.All(ledgers.GetProperty("items").EnumerateArray(), l => Assert.Equal(l.GetProperty("consumed").GetInt64(), l.GetProperty("settled").GetInt64()));
        Assert.Single(host.Factory.OutboxEvents("pcm", org.Orgcode, "consignment.settled"));

        await org.Post("/pcm/consignment/settle", settle).Problem(HttpStatusCode.UnprocessableEntity, "nothing_to_settle");

        // Consumed again, without a cost given: none known (no PO of the variant) is 422; with an issued PO, its line cost.
        await Consume(org, org.Variants[0], 2);
        await org.Post("/pcm/consignment/settle", new { vendor_code = "acme", facility_code = "store-1" })
            .Problem(HttpStatusCode.UnprocessableEntity, "unit_cost_required");
        await org.IssuedPoAsync("acme", "store-1", org.Line(0, 1, 300));
        var fromPo = await org.Post("/pcm/consignment/settle", new { vendor_code = "acme", facility_code = "store-1", variant_guids = new[] { org.Variants[0] } })
            .Ok(HttpStatusCode.Created);
        var line = Assert.Single(fromPo.GetProperty("lines").EnumerateArray());
        Assert.Equal((2L, 300L, "purchase_order"), (line.GetProperty("quantity").GetInt64(), line.GetProperty("unit_cost_minor").GetInt64(), line.Text("cost_source")));

        var got = await org.Post("/pcm/consignment/get", new { settlement_guid = settled.Text("settlement_guid") }).Ok();
        Assert.Equal(1_400L, got.GetProperty("total_minor").GetInt64());
        var listed = await org.Post("/pcm/consignment/list", new { vendor_guid = settled.Text("vendor_guid"), status = "payable" }).Ok();
        Assert.Equal([fromPo.Text("settlement_guid"), settled.Text("settlement_guid")], listed.GetProperty("items").EnumerateArray().Select(s => s.Text("settlement_guid")));
        await org.Post("/pcm/consignment/settle", new { vendor_code = "globex", facility_code = "store-1" })
            .Problem(HttpStatusCode.UnprocessableEntity, "nothing_to_settle");
        await org.Post("/pcm/consignment/settle", new { vendor_code = "nobody", facility_code = "store-1" })
            .Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
    }
}
