using System.Net;
using System.Text.Json;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;

namespace Retail.Functional.Tests.Pcm;

/// <summary>Receipts against issued POs (UC-PCM-002's receive half) and the procure→receive→stock saga that puts them into ICS.</summary>
public sealed class ReceiptTests(PcmHost host) : IClassFixture<PcmHost>
{
    private static IEnumerable<long> Lines(JsonElement po, string field) => po.GetProperty("lines").EnumerateArray().Select(l => l.GetProperty(field).GetInt64());

    private static IEnumerable<string?> LineStatuses(JsonElement po) => po.GetProperty("lines").EnumerateArray().Select(l => l.Text("status"));

    [Fact]
    public async Task UC_PCM_002_a_partial_receipt_is_stocked_in_ics_and_a_second_receipt_makes_the_po_received()
    {
        var org = await host.NewOrgAsync();
        var po = await org.IssuedPoAsync("acme", "store-1", org.Line(0, 10, 500), org.Line(1, 4, 700));
        var poGuid = po.Text("po_guid")!;

        var first = await org.RecordReceiptAsync(poGuid, ReceivingSteps.Receive(1, 6), ReceivingSteps.Receive(2, 4));
        Assert.Equal(("recorded", "store-1", "DN-1"), (first.Text("status"), first.Text("facility_code"), first.Text("delivery_note")));
        Assert.StartsWith("pcm-receipt:", first.Text("workflow_instance_id"));
        var counted = await org.PoAsync(poGuid);
        Assert.Equal([6L, 4L], Lines(counted, "received"));

        var stocked = await org.SettledReceiptAsync(first.Text("receipt_guid")!);
        Assert.Equal("stocked", stocked.Text("status"));
        Assert.NotNull(stocked.Text("ics_receipt_guid"));
        Assert.NotNull(stocked.Text("stocked_at"));
        Assert.Equal(6, (await org.IcsStockAsync("store-1", org.Variants[0])).Long("available"));
        Assert.Equal(4, (await org.IcsStockAsync("store-1", org.Variants[1])).Long("available"));
        var partial = await org.PoAsync(poGuid);
        Assert.Equal("partially_received", partial.Text("status"));
        Assert.Equal(["partially_received", "received"], LineStatuses(partial));
        Assert.Equal([6L, 4L], Lines(partial, "stocked"));

        // The second receipt names the variant instead of the line number.
        var second = await org.Post(org.Buyer, "/pcm/receipt/record", new { po_number = po.Text("po_number"), lines = new[] { new { variant_guid = org.Variants[0], quantity = 4 } } })
            .Ok(HttpStatusCode.Created);
        Assert.Equal("stocked", (await org.SettledReceiptAsync(second.Text("receipt_guid")!)).Text("status"));
        var received = await org.PoAsync(poGuid);
        Assert.Equal("received", received.Text("status"));
        Assert.Equal(["received", "received"], LineStatuses(received));
        Assert.Equal([10L, 4L], Lines(received, "received"));
        Assert.Equal(10, (await org.IcsStockAsync("store-1", org.Variants[0])).Long("available"));
        Assert.Equal(2, (await org.IcsReceiptsOfAsync(poGuid)).Count);

        var listed = await org.Post("/pcm/receipt/list", new { po_guid = poGuid }).Ok();
        Assert.Equal([second.Text("receipt_guid"), first.Text("receipt_guid")], listed.GetProperty("items").EnumerateArray().Select(r => r.Text("receipt_guid")));
        var byVendor = await org.Post("/pcm/receipt/list", new { vendor_guid = po.Text("vendor_guid"), limit = 1 }).Ok();
        Assert.Equal(second.Text("receipt_guid"), Assert.Single(byVendor.GetProperty("items").EnumerateArray()).Text("receipt_guid"));
        Assert.Equal(2, (await org.Post("/pcm/receipt/list", new { facility_code = "store-1", status = "stocked" }).Ok()).GetProperty("items").GetArrayLength());

        Assert.Equal(2, host.Factory.OutboxEvents("pcm", org.Orgcode, "receipt.recorded").Count);
        Assert.Equal(2, host.Factory.OutboxEvents("pcm", org.Orgcode, "receipt.stocked").Count);
        Assert.Equal(poGuid, Assert.Single(host.Factory.OutboxEvents("pcm", org.Orgcode, "po.received")).Text("po_guid"));

        // A received PO takes no more receipts.
        await org.Post(org.Buyer, "/pcm/receipt/record", ReceivingSteps.ReceiptBody(poGuid, ReceivingSteps.Receive(1, 1)))
            .Problem(HttpStatusCode.UnprocessableEntity, "po_not_receivable");
    }

    [Fact]
    public async Task A_receipt_beyond_the_over_receipt_tolerance_is_422_over_receipt_naming_the_line_and_within_it_passes()
    {
        var org = await host.NewOrgAsync();
        var po = await org.IssuedPoAsync("acme", "store-1", org.Line(0, 10), org.Line(1, 5));
        var poGuid = po.Text("po_guid")!;

        var over = await org.Post(org.Buyer, "/pcm/receipt/record", ReceivingSteps.ReceiptBody(poGuid, ReceivingSteps.Receive(1, 11), ReceivingSteps.Receive(2, 5)))
            .Problem(HttpStatusCode.UnprocessableEntity, "over_receipt");
        var line = Assert.Single(over.GetProperty("lines").EnumerateArray());
        Assert.Equal((1, 10L, 11L, 10L), (line.GetProperty("po_line_no").GetInt32(), line.Long("ordered"), line.Long("asked"), line.Long("allowed")));
        Assert.Equal([0L, 0L], Lines(await org.PoAsync(poGuid), "received"));

        await org.PolicyAsync(new { over_receipt_tolerance_percent = 10 });
        await org.StockedReceiptAsync(poGuid, ReceivingSteps.Receive(1, 11));
        await org.Post(org.Buyer, "/pcm/receipt/record", ReceivingSteps.ReceiptBody(poGuid, ReceivingSteps.Receive(1, 1)))
            .Problem(HttpStatusCode.UnprocessableEntity, "over_receipt");
        Assert.Equal(11, (await org.IcsStockAsync("store-1", org.Variants[0])).Long("available"));

        await org.Post(org.Buyer, "/pcm/receipt/record", ReceivingSteps.ReceiptBody(poGuid, ReceivingSteps.Receive(7, 1)))
            .Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        await org.Post(org.Buyer, "/pcm/receipt/record", ReceivingSteps.ReceiptBody(poGuid, ReceivingSteps.Receive(2, 0)))
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post(org.Buyer, "/pcm/receipt/record", new { po_guid = poGuid, po_number = po.Text("po_number"), lines = new[] { new { po_line_no = 2, quantity = 1 } } })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post(org.Buyer, "/pcm/receipt/record", new { po_guid = Guid.NewGuid(), lines = new[] { new { po_line_no = 2, quantity = 1 } } })
            .Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        var draft = await org.DraftPoAsync("acme", "store-1", org.Line(2, 3));
        await org.Post(org.Buyer, "/pcm/receipt/record", ReceivingSteps.ReceiptBody(draft.Text("po_guid")!, ReceivingSteps.Receive(1, 1)))
            .Problem(HttpStatusCode.UnprocessableEntity, "po_not_receivable");
    }

    [Fact]
    public async Task Eight_concurrent_receipts_of_three_against_an_open_ten_accept_exactly_three()
    {
        var org = await host.NewOrgAsync();
        var poGuid = (await org.IssuedPoAsync("acme", "store-1", org.Line(0, 10))).Text("po_guid")!;

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            using var response = await org.Post(org.Buyer, "/pcm/receipt/record", ReceivingSteps.ReceiptBody(poGuid, ReceivingSteps.Receive(1, 3)));
            return (response.StatusCode, await response.ProblemCodeAsync());
        }));

        Assert.Equal(3, answers.Count(a => a.StatusCode == HttpStatusCode.Created));
        Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.Created), a => Assert.Equal((HttpStatusCode.UnprocessableEntity, "over_receipt"), a));
        Assert.Equal(9, (await org.PoAsync(poGuid)).PoLine(1).Long("received"));
        var receipts = (await org.Post("/pcm/receipt/list", new { po_guid = poGuid }).Ok()).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(3, receipts.Count);
        foreach (var receipt in receipts)
        {
            await org.SettledReceiptAsync(receipt.Text("receipt_guid")!);
        }
        Assert.Equal(9, (await org.IcsStockAsync("store-1", org.Variants[0])).Long("available"));
    }

    [Fact]
    public async Task A_receipt_lands_in_qc_hold_when_the_policy_says_so_unless_its_line_says_available()
    {
        var org = await host.NewOrgAsync();
        await org.PolicyAsync(new { receive_into = "qc_hold" });
        var poGuid = (await org.IssuedPoAsync("acme", "store-2", org.Line(0, 5), org.Line(1, 5))).Text("po_guid")!;

        var stocked = await org.StockedReceiptAsync(poGuid, ReceivingSteps.Receive(1, 5), ReceivingSteps.Receive(2, 5, into: "available"));

        Assert.Equal(["qc_hold", "available"], stocked.GetProperty("lines").EnumerateArray().Select(l => l.Text("into")));
        var held = await org.IcsStockAsync("store-2", org.Variants[0]);
        Assert.Equal((5L, 0L), (held.Long("qc_hold"), held.Long("available")));
        var available = await org.IcsStockAsync("store-2", org.Variants[1]);
        Assert.Equal((0L, 5L), (available.Long("qc_hold"), available.Long("available")));
    }

    [Fact]
    public async Task A_line_naming_a_bin_is_put_away_into_it_after_it_is_received()
    {
        var org = await host.NewOrgAsync();
        await org.IcsBinAsync("store-1", "a-01");
        var poGuid = (await org.IssuedPoAsync("acme", "store-1", org.Line(0, 8))).Text("po_guid")!;

        var stocked = await org.StockedReceiptAsync(poGuid, ReceivingSteps.Receive(1, 8, binCode: "A-01"));

        Assert.Equal("a-01", stocked.GetProperty("lines")[0].Text("bin_code"));
        Assert.False(stocked.TryGetProperty("putaway_failures", out var failures) && failures.ValueKind == JsonValueKind.Array);
        var card = await org.Post("/ics/stock/card/list", new { facility_code = "store-1", variant_guid = org.Variants[0] }).Ok();
        var putaway = Assert.Single(card.GetProperty("items").EnumerateArray(), m => m.Text("reason") == "putaway");
        Assert.Equal(("a-01", 8L), (putaway.Text("to_bin"), putaway.Long("quantity")));
        Assert.Equal(8, (await org.IcsStockAsync("store-1", org.Variants[0])).Long("available"));
    }

    [Fact]
    public async Task A_receipt_ics_refuses_is_failed_and_gives_its_quantity_back_to_the_po()
    {
        var org = await host.NewOrgAsync();
        var poGuid = (await org.IssuedPoAsync("acme", "store-1", org.Line(0, 6))).Text("po_guid")!;

        // Into qc_hold with a bin that does not exist: ICS refuses the receipt (422 unknown_reference).
        var recorded = await org.RecordReceiptAsync(poGuid, ReceivingSteps.Receive(1, 6, into: "qc_hold", binCode: "nowhere"));
        Assert.Equal(6, (await org.PoAsync(poGuid)).PoLine(1).Long("received"));
        var failed = await org.SettledReceiptAsync(recorded.Text("receipt_guid")!);

        Assert.Equal(("failed", "unknown_reference"), (failed.Text("status"), failed.Text("failure_code")));
        var po = await org.PoAsync(poGuid);
        Assert.Equal((0L, 0L, "issued"), (po.PoLine(1).Long("received"), po.PoLine(1).Long("stocked"), po.Text("status")));
        var stock = await org.IcsStockAsync("store-1", org.Variants[0]);
        Assert.Equal((0L, 0L), (stock.Long("available"), stock.Long("qc_hold")));
        Assert.Empty(await org.IcsReceiptsOfAsync(poGuid));
        Assert.Single(host.Factory.OutboxEvents("pcm", org.Orgcode, "receipt.failed"));
        var inbox = await org.Post(org.Buyer, "/pcm/inbox/list", new { subject_entity = "receipt", subject_key = recorded.Text("receipt_guid") }).Ok();
        Assert.Equal(org.Buyer.UserGuid, Assert.Single(inbox.GetProperty("items").EnumerateArray()).GetProperty("assignee").Text("id"));

        // The quantity given back can be received again.
        await org.StockedReceiptAsync(poGuid, ReceivingSteps.Receive(1, 6));
        Assert.Equal(6, (await org.IcsStockAsync("store-1", org.Variants[0])).Long("available"));
    }

    [Fact]
    public async Task A_repeated_receipt_with_the_same_idempotency_key_is_replayed_and_counted_once()
    {
        var org = await host.NewOrgAsync();
        var poGuid = (await org.IssuedPoAsync("acme", "store-1", org.Line(0, 10))).Text("po_guid")!;
        var headers = OfmSteps.Org(org.Orgcode, ("Idempotency-Key", $"rcv-{Guid.NewGuid():N}"));

        var first = await org.Buyer.Client.PostJsonAsync("/pcm/receipt/record", ReceivingSteps.ReceiptBody(poGuid, ReceivingSteps.Receive(1, 4)), headers).Ok(HttpStatusCode.Created);
        using var again = await org.Buyer.Client.PostJsonAsync("/pcm/receipt/record", ReceivingSteps.ReceiptBody(poGuid, ReceivingSteps.Receive(1, 4)), headers);

        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(first.Text("receipt_guid"), (await again.JsonAsync()).Text("receipt_guid"));
        await org.SettledReceiptAsync(first.Text("receipt_guid")!);
        Assert.Equal(4, (await org.PoAsync(poGuid)).PoLine(1).Long("received"));
        Assert.Equal(4, (await org.IcsStockAsync("store-1", org.Variants[0])).Long("available"));
        await org.Post("/pcm/receipt/get", new { receipt_guid = Guid.NewGuid() }).Problem(HttpStatusCode.NotFound, "not_found");
    }
}
