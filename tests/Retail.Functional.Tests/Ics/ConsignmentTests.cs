using System.Net;
using Retail.Functional.Tests.Infrastructure;

namespace Retail.Functional.Tests.Ics;

public sealed class ConsignmentTests(IcsHost host) : IClassFixture<IcsHost>
{
    [Fact]
    [Trait("UseCase", "UC-ICS-005")]
    public async Task UC_ICS_005_vendor_stock_is_received_consumed_and_settled_per_vendor()
    {
        var org = await host.NewOrgAsync();
        var (tee, other) = (org.Variants[0], org.Variants[1]);
        var received = await org.Post("/ics/consignment/receive", new
        {
            facility_code = "store-1", vendor_code = "acme", reference = new { kind = "delivery_note", id = "DN-1" },
            lines = new[] { new { variant_guid = tee, quantity = 10 }, new { variant_guid = other, quantity = 2 } },
        }).Ok(HttpStatusCode.Created);
        Assert.Equal(2, received.GetProperty("ledgers").GetArrayLength());
        await org.Post("/ics/consignment/receive", new
        {
            facility_code = "store-1", vendor_code = "globex", reference = new { kind = "delivery_note", id = "DN-2" },
            lines = new[] { new { variant_guid = tee, quantity = 3 } },
        }).Ok(HttpStatusCode.Created);
        var position = await org.Stock("store-1", tee);
        Assert.Equal((13, 0), (position.Qty("consignment"), position.Qty("available")));

        var consumed = await org.Post("/ics/consignment/consume",
            new { facility_code = "store-1", vendor_code = "acme", variant_guid = tee, quantity = 4, reference = new { kind = "sale", id = "S-1" } }).Ok();
        Assert.Equal((10, 4, 0), (consumed.Qty("received"), consumed.Qty("consumed"), consumed.Qty("settled")));
        Assert.Equal(9, (await org.Stock("store-1", tee)).Qty("consignment"));
        // Acme has 6 left: globex's 3 are not acme's to sell.
        await org.Post("/ics/consignment/consume",
                new { facility_code = "store-1", vendor_code = "acme", variant_guid = tee, quantity = 7, reference = new { kind = "sale", id = "S-2" } })
            .Problem(HttpStatusCode.Conflict, "insufficient_stock");
        await org.Post("/ics/consignment/consume",
                new { facility_code = "store-1", vendor_code = "initech", variant_guid = tee, quantity = 1, reference = new { kind = "sale", id = "S-3" } })
            .Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");

        var settled = await org.Post("/ics/consignment/settle",
            new { facility_code = "store-1", vendor_code = "acme", variant_guid = tee, quantity = 3, reference = new { kind = "settlement", id = "PCM-1" } }).Ok();
        Assert.Equal((4, 3), (settled.Qty("consumed"), settled.Qty("settled")));
        Assert.Equal("PCM-1", settled.GetProperty("last_settlement").GetProperty("id").GetString());
        await org.Post("/ics/consignment/settle",
                new { facility_code = "store-1", vendor_code = "acme", variant_guid = tee, quantity = 2, reference = new { kind = "settlement", id = "PCM-2" } })
            .Problem(HttpStatusCode.UnprocessableEntity, "quantity_exceeds_open");
        await org.Post("/ics/consignment/settle",
                new { facility_code = "store-1", vendor_code = "globex", variant_guid = tee, quantity = 1, reference = new { kind = "settlement", id = "PCM-3" } })
            .Problem(HttpStatusCode.UnprocessableEntity, "quantity_exceeds_open");
        Assert.Equal(9, (await org.Stock("store-1", tee)).Qty("consignment")); // settling moves no stock

        var card = await org.Card("store-1", tee);
        Assert.Equal(["consignment_consume", "consignment_receipt", "consignment_receipt"], card.Select(m => m.GetProperty("reason").GetString()).ToList());
        Assert.True((await org.Reconcile("store-1", tee)).GetProperty("agrees").GetBoolean());
    }

    [Fact]
    public async Task consignment_writes_have_their_effect_once_per_idempotency_key_and_are_checked()
    {
        var org = await host.NewOrgAsync();
        var variant = org.Variants[2];
        var body = new
        {
            facility_code = "dc-1", vendor_code = "acme", reference = new { kind = "delivery_note", id = "DN-9" },
            lines = new[] { new { variant_guid = variant, quantity = 5 } },
        };
        await org.PostWithKey("/ics/consignment/receive", body, "dn-9").Ok(HttpStatusCode.Created);
        await org.PostWithKey("/ics/consignment/receive", body, "dn-9").Ok(HttpStatusCode.Created);
        Assert.Equal(5, (await org.Stock("dc-1", variant)).Qty("consignment"));
        var consume = new { facility_code = "dc-1", vendor_code = "acme", variant_guid = variant, quantity = 2, reference = new { kind = "sale", id = "S-9" } };
        await org.PostWithKey("/ics/consignment/consume", consume, "s-9").Ok();
        var again = await org.PostWithKey("/ics/consignment/consume", consume, "s-9").Ok();
        Assert.Equal(2, again.Qty("consumed"));
        Assert.Equal(3, (await org.Stock("dc-1", variant)).Qty("consignment"));

        await org.Post("/ics/consignment/receive", body with { facility_code = "nowhere" }).Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        await org.Post("/ics/consignment/receive", body with { vendor_code = "Not A Code!" }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/ics/consignment/receive", new { facility_code = "dc-1", vendor_code = "acme", lines = new[] { new { variant_guid = variant, quantity = 1 } } })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/ics/consignment/consume", consume with { quantity = 0 }).Problem(HttpStatusCode.BadRequest, "validation_failed");

        var other = await host.NewOrgAsync();
        await other.Post("/ics/consignment/consume", consume).Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        var viewer = await org.As(host, "viewer");
        await viewer.Post("/ics/consignment/settle", new { facility_code = "dc-1", vendor_code = "acme", variant_guid = variant, quantity = 1,
            reference = new { kind = "settlement", id = "PCM-9" } }).Problem(HttpStatusCode.Forbidden, "forbidden");
    }
}
