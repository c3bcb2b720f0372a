using System.Net;
using System.Text.Json;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;

namespace Retail.Functional.Tests.Ics;

public sealed class WarehouseTests(IcsHost host) : IClassFixture<IcsHost>
{
    private static readonly string[] StandardBins = ["a-01", "a-02", "b-01", "b-02", "p-01", "p-09", "stage-1"];

    private static object Receipt(string facility, string po, params object[] lines) =>
        new { facility_code = facility, reference = new { kind = "po", id = po }, lines };

    [Fact]
    [Trait("UseCase", "UC-ICS-001")]
    public async Task UC_ICS_001_received_goods_pass_qc_are_put_away_and_every_movement_is_on_the_stock_card()
    {
        var org = await host.NewOrgAsync();
        await org.Bins("dc-1", StandardBins);
        await org.Bins("store-1", StandardBins);
        var (tee, other) = (org.Variants[0], org.Variants[1]);
        var receipt = await org.Post("/ics/receive/record", Receipt("dc-1", "PO-1001",
            new { variant_guid = tee, quantity = 10, state = "qc_hold" },
            new { variant_guid = other, quantity = 4, bin_code = "a-02" })).Ok(HttpStatusCode.Created);
        Assert.Equal("received", receipt.GetProperty("status").GetString());
        Assert.Equal(10, (await org.Stock("dc-1", tee)).Qty("qc_hold"));
        Assert.Equal(4, (await org.Stock("dc-1", other)).Qty("available"));
        var receiptGuid = receipt.GetProperty("receipt_guid").GetString();

        // QC in two goes; never beyond what is still on hold for the line, and against the receipt's revision.
        var partly = await org.Post("/ics/qc/complete", new { receipt_guid = receiptGuid, lines = new[] { new { variant_guid = tee, passed = 5, failed = 1 } },
            expected_revision = 1 }).Ok();
        Assert.Equal("partially_qcd", partly.GetProperty("status").GetString());
        await org.Post("/ics/qc/complete", new { receipt_guid = receiptGuid, lines = new[] { new { variant_guid = tee, passed = 5, failed = 0 } }, expected_revision = 2 })
            .Problem(HttpStatusCode.UnprocessableEntity, "quantity_exceeds_open");
        await org.Post("/ics/qc/complete", new { receipt_guid = receiptGuid, lines = new[] { new { variant_guid = tee, passed = 1, failed = 0 } }, expected_revision = 1 })
            .Problem(HttpStatusCode.Conflict, "revision_mismatch");
        await org.Post("/ics/qc/complete", new { receipt_guid = receiptGuid, lines = new[] { new { variant_guid = other, passed = 1, failed = 0 } }, expected_revision = 2 })
            .Problem(HttpStatusCode.UnprocessableEntity, "quantity_exceeds_open");
        await org.Post("/ics/qc/complete", new { receipt_guid = receiptGuid, lines = new[] { new { variant_guid = tee, passed = 1 } } })
            .Problem(HttpStatusCode.BadRequest, "expected_revision_required");
        var done = await org.Post("/ics/qc/complete", new { receipt_guid = receiptGuid, lines = new[] { new { variant_guid = tee, passed = 3, failed = 1 } },
            expected_revision = 2 }).Ok();
        Assert.Equal("complete", done.GetProperty("status").GetString());
        var line = done.GetProperty("lines").EnumerateArray().Single(l => l.GetProperty("variant_guid").GetString() == tee);
        Assert.Equal(8, line.GetProperty("qc_passed").GetInt64());
        Assert.Equal(2, line.GetProperty("qc_failed").GetInt64());
        var afterQc = await org.Stock("dc-1", tee);
        Assert.Equal((8, 2, 0), (afterQc.Qty("available"), afterQc.Qty("damaged"), afterQc.Qty("qc_hold")));

        // Put away what passed into a bin: only unbinned stock can be put away from nowhere; then bin to bin.
        await org.Post("/ics/putaway/record", new { facility_code = "dc-1", variant_guid = tee, quantity = 11, to_bin = "b-01" })
            .Problem(HttpStatusCode.Conflict, "insufficient_stock");
        await org.Post("/ics/putaway/record", new { facility_code = "dc-1", variant_guid = tee, quantity = 8, to_bin = "b-01" }).Ok(HttpStatusCode.Created);
        await org.Post("/ics/putaway/record", new { facility_code = "dc-1", variant_guid = tee, quantity = 3, from_bin = "b-01", to_bin = "b-02" }).Ok(HttpStatusCode.Created);
        await org.Post("/ics/putaway/record", new { facility_code = "dc-1", variant_guid = tee, quantity = 6, from_bin = "b-01", to_bin = "b-02" })
            .Problem(HttpStatusCode.Conflict, "insufficient_stock");
        await org.Post("/ics/putaway/record", new { facility_code = "dc-1", variant_guid = tee, quantity = 1, from_bin = "b-01", to_bin = "b-01" })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");

        var listed = await org.Post("/ics/stock/list", new { facility_code = "dc-1", state = "available" }).Ok();
        var position = listed.GetProperty("items").EnumerateArray().Single(p => p.GetProperty("variant_guid").GetString() == tee);
        Assert.Equal(8, position.Qty("available"));
        Assert.Empty((await org.Post("/ics/stock/list", new { facility_code = "dc-1", state = "qc_hold" }).Ok()).GetProperty("items").EnumerateArray());

        var card = await org.Card("dc-1", tee);
        Assert.Equal(["putaway", "putaway", "qc", "qc", "qc", "qc", "receipt"], card.Select(m => m.GetProperty("reason").GetString()));
        Assert.Equal("b-02", card[0].GetProperty("to_bin").GetString());
        Assert.Equal(receipt.GetProperty("change_guid").GetString(), card[^1].GetProperty("change_guid").GetString());
        Assert.All(card.Skip(2), m => Assert.Equal("PO-1001", m.GetProperty("reference").GetProperty("id").GetString()));
        var paged = await org.Post("/ics/stock/card/list", new { facility_code = "dc-1", variant_guid = tee, limit = 4 }).Ok();
        var rest = await org.Post("/ics/stock/card/list", new { facility_code = "dc-1", variant_guid = tee, limit = 4, next_token = paged.GetProperty("next_token").GetString() }).Ok();
        Assert.Equal(card.Select(m => m.GetProperty("movement_guid").GetString()),
            paged.GetProperty("items").EnumerateArray().Concat(rest.GetProperty("items").EnumerateArray()).Select(m => m.GetProperty("movement_guid").GetString()));

        var reconciled = await org.Reconcile("dc-1", tee);
        Assert.True(reconciled.GetProperty("agrees").GetBoolean());
        Assert.Equal(8, reconciled.GetProperty("rebuilt").Qty("available"));
    }

    [Fact]
    public async Task receiving_needs_an_active_facility_and_known_unretired_variants_and_is_listed_by_reference()
    {
        var org = await host.NewOrgAsync();
        await org.Bins("dc-1", StandardBins);
        await org.Bins("store-1", StandardBins);
        var variant = org.Variants[2];
        var unknown = await org.Post("/ics/receive/record", Receipt("store-1", "PO-7", new { variant_guid = variant, quantity = 1 },
            new { variant_guid = Guid.NewGuid().ToString(), quantity = 1 })).Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        Assert.Equal("lines[1].variant_guid", unknown.GetProperty("field").GetString());
        await org.Post("/ics/receive/record", Receipt("nowhere", "PO-7", new { variant_guid = variant, quantity = 1 }))
            .Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        await org.Post("/ics/receive/record", Receipt("store-1", "PO-7", new { variant_guid = variant, quantity = 1, state = "damaged" }))
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/ics/receive/record", Receipt("store-1", "PO-7", new { variant_guid = variant, quantity = 1 }, new { variant_guid = variant, quantity = 2 }))
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/ics/receive/record", Receipt("store-1", "PO-7")).Problem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.Equal(0, (await org.Stock("store-1", variant)).Qty("available")); // nothing of a refused receipt was applied

        var first = await org.Post("/ics/receive/record", Receipt("store-1", "PO-7", new { variant_guid = variant, quantity = 2 })).Ok(HttpStatusCode.Created);
        Assert.Equal("complete", first.GetProperty("status").GetString());
        await org.Post("/ics/receive/record", Receipt("dc-1", "PO-7", new { variant_guid = variant, quantity = 3 })).Ok(HttpStatusCode.Created);
        await org.Post("/ics/receive/record", Receipt("dc-1", "PO-8", new { variant_guid = variant, quantity = 3 })).Ok(HttpStatusCode.Created);

        Assert.Equal(2, (await org.Post("/ics/receive/list", new { reference = new { kind = "po", id = "PO-7" } }).Ok()).GetProperty("items").GetArrayLength());
        Assert.Equal(2, (await org.Post("/ics/receive/list", new { facility_code = "dc-1" }).Ok()).GetProperty("items").GetArrayLength());
        Assert.Single((await org.Post("/ics/receive/list", new { facility_code = "dc-1", reference = new { kind = "po", id = "PO-7" } }).Ok())
            .GetProperty("items").EnumerateArray());
        var got = await org.Post("/ics/receive/get", new { receipt_guid = first.GetProperty("receipt_guid").GetString() }).Ok();
        Assert.Equal(first.GetProperty("change_guid").GetString(), got.GetProperty("change_guid").GetString());

        var other = await host.NewOrgAsync();
        await other.Post("/ics/receive/get", new { receipt_guid = first.GetProperty("receipt_guid").GetString() }).Problem(HttpStatusCode.NotFound, "not_found");
        Assert.Empty((await other.Post("/ics/receive/list", new { reference = new { kind = "po", id = "PO-7" } }).Ok()).GetProperty("items").EnumerateArray());
        await other.Post("/ics/qc/complete", new { receipt_guid = first.GetProperty("receipt_guid").GetString(),
            lines = new[] { new { variant_guid = variant, passed = 1 } }, expected_revision = 1 }).Problem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task a_commitment_is_picked_packed_and_shipped_out_of_the_facility_in_one_change()
    {
        var org = await host.NewOrgAsync();
        await org.Bins("dc-1", StandardBins);
        await org.Bins("store-1", StandardBins);
        var variant = org.Variants[3];
        await org.Receive("dc-1", variant, 5, binCode: "p-01");
        var hold = await org.Post("/ics/commit/create",
            new { facility_code = "dc-1", variant_guid = variant, quantity = 3, reference = new { kind = "order", id = "SO-1" } }).Ok(HttpStatusCode.Created);
        var holdGuid = hold.GetProperty("hold_guid").GetString();
        Assert.Equal(3, (await org.Stock("dc-1", variant)).Qty("committed"));

        await org.Post("/ics/pick/record", new { facility_code = "dc-1", hold_guid = holdGuid, variant_guid = variant, quantity = 4, from_bin = "p-01", to_bin = "stage-1" })
            .Problem(HttpStatusCode.UnprocessableEntity, "quantity_exceeds_open");
        await org.Post("/ics/pick/record", new { facility_code = "dc-1", hold_guid = holdGuid, variant_guid = variant, quantity = 3, from_bin = "p-09", to_bin = "stage-1" })
            .Problem(HttpStatusCode.Conflict, "insufficient_stock");
        // A bin that does not exist at the facility is no place for stock (the ledger checks every bin a change names).
        await org.Post("/ics/pick/record", new { facility_code = "dc-1", hold_guid = holdGuid, variant_guid = variant, quantity = 3, from_bin = "p-01", to_bin = "p-99" })
            .Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        await org.Post("/ics/receive/record", new
        {
            facility_code = "store-1",
            reference = new { kind = "po", id = "po-nowhere" },
            lines = new[] { new { variant_guid = variant, quantity = 1, bin_code = "z-99" } },
        }).Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        await org.Post("/ics/pick/record", new { facility_code = "store-1", hold_guid = holdGuid, variant_guid = variant, quantity = 3, from_bin = "p-01" })
            .Problem(HttpStatusCode.UnprocessableEntity, "hold_not_committed");
        var picked = await org.Post("/ics/pick/record",
            new { facility_code = "dc-1", hold_guid = holdGuid, variant_guid = variant, quantity = 3, from_bin = "p-01", to_bin = "stage-1" }).Ok(HttpStatusCode.Created);
        var pick = Assert.Single(picked.GetProperty("movements").EnumerateArray());
        Assert.Equal(("committed", "committed"), (pick.GetProperty("from_state").GetString(), pick.GetProperty("to_state").GetString()));
        await org.Post("/ics/pick/record", new { facility_code = "dc-1", variant_guid = variant, quantity = 3, from_bin = "p-01" })
            .Problem(HttpStatusCode.Conflict, "insufficient_stock"); // only 2 left in the bin

        await org.Post("/ics/pack/record", new { facility_code = "dc-1", hold_guid = holdGuid, package_ref = "PKG-1", lines = new[] { new { variant_guid = variant, quantity = 4 } } })
            .Problem(HttpStatusCode.UnprocessableEntity, "quantity_exceeds_open");
        var pack = await org.Post("/ics/pack/record",
            new { facility_code = "dc-1", hold_guid = holdGuid, package_ref = "PKG-1", lines = new[] { new { variant_guid = variant, quantity = 3 } } }).Ok(HttpStatusCode.Created);
        Assert.Equal(holdGuid, pack.GetProperty("hold_guid").GetString());

        await org.Post("/ics/ship/record", new { facility_code = "dc-1", hold_guid = holdGuid, from_bin = "stage-1" })
            .Problem(HttpStatusCode.BadRequest, "expected_revision_required");
        await org.Post("/ics/ship/record", new { facility_code = "dc-1", hold_guid = holdGuid, expected_revision = 9, from_bin = "stage-1" })
            .Problem(HttpStatusCode.Conflict, "revision_mismatch");
        var revision = hold.GetProperty("revision").GetInt64();
        var shipment = await org.Post("/ics/ship/record",
            new { facility_code = "dc-1", hold_guid = holdGuid, expected_revision = revision, from_bin = "stage-1", carrier = "dhl", tracking = "JJD0001" }).Ok(HttpStatusCode.Created);
        Assert.Equal("order", shipment.GetProperty("reference").GetProperty("kind").GetString());
        var position = await org.Stock("dc-1", variant);
        Assert.Equal((0, 2), (position.Qty("committed"), position.Qty("available")));
        var shipped = await org.Post("/ics/hold/get", new { hold_guid = holdGuid }).Ok();
        Assert.Equal("shipped", shipped.GetProperty("status").GetString());
        var card = await org.Card("dc-1", variant);
        Assert.Equal("ship", card[0].GetProperty("reason").GetString());
        Assert.Equal(shipment.GetProperty("change_guid").GetString(), card[0].GetProperty("change_guid").GetString());
        Assert.True(card[0].GetProperty("to_state").ValueKind == JsonValueKind.Null);

        await org.Post("/ics/ship/record", new { facility_code = "dc-1", hold_guid = holdGuid, expected_revision = shipped.GetProperty("revision").GetInt64() })
            .Problem(HttpStatusCode.Conflict, "invalid_transition");
        await org.Post("/ics/pick/record", new { facility_code = "dc-1", hold_guid = holdGuid, variant_guid = variant, quantity = 1, from_bin = "p-01" })
            .Problem(HttpStatusCode.UnprocessableEntity, "hold_not_committed");
        Assert.True((await org.Reconcile("dc-1", variant)).GetProperty("agrees").GetBoolean());
    }

    [Fact]
    public async Task a_reservation_is_not_shipped_and_another_org_cannot_ship_a_commitment()
    {
        var org = await host.NewOrgAsync();
        await org.Bins("dc-1", StandardBins);
        await org.Bins("store-1", StandardBins);
        var variant = org.Variants[4];
        await org.Receive("store-1", variant, 2);
        var reservation = await org.Post("/ics/reservation/create",
            new { facility_code = "store-1", variant_guid = variant, quantity = 1, reference = new { kind = "cart", id = "c-1" }, ttl_seconds = 600 }).Ok(HttpStatusCode.Created);
        await org.Post("/ics/ship/record", new { facility_code = "store-1", hold_guid = reservation.GetProperty("hold_guid").GetString(), expected_revision = 1 })
            .Problem(HttpStatusCode.UnprocessableEntity, "hold_not_committed");
        var commit = await org.Post("/ics/commit/create",
            new { facility_code = "store-1", variant_guid = variant, quantity = 1, reference = new { kind = "order", id = "SO-2" } }).Ok(HttpStatusCode.Created);
        var other = await host.NewOrgAsync();
        await other.Post("/ics/ship/record", new { facility_code = "store-1", hold_guid = commit.GetProperty("hold_guid").GetString(), expected_revision = 1 })
            .Problem(HttpStatusCode.NotFound, "not_found");
        await other.Post("/ics/pack/record", new { facility_code = "store-1", hold_guid = commit.GetProperty("hold_guid").GetString(), package_ref = "x1",
            lines = new[] { new { variant_guid = variant, quantity = 1 } } }).Problem(HttpStatusCode.NotFound, "not_found");
        Assert.Equal(1, (await org.Stock("store-1", variant)).Qty("committed"));
    }
}
