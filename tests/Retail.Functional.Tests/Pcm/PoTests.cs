using System.Net;
using System.Text.Json;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;

namespace Retail.Functional.Tests.Pcm;

/// <summary>UC-PCM-002's create → approve → issue half: purchase orders over HTTP.</summary>
public sealed class PoTests(PcmHost host) : IClassFixture<PcmHost>
{
    [Fact]
    public async Task A_buyer_creates_a_po_with_the_vendors_terms_an_admin_approves_it_and_issuing_sends_an_edi_850()
    {
        var org = await host.NewOrgAsync();
        var draft = await org.DraftPoAsync("acme", "store-1", org.Line(0, 10, 1_250), org.Line(1, 4, 999));
        Assert.Equal(("draft", "EUR", 16_496L, "acme"), (draft.Text("status"), draft.Text("currency"), draft.GetProperty("total_minor").GetInt64(),
            draft.Text("vendor_code")));
        Assert.StartsWith("PO-", draft.Text("po_number"));
        var terms = draft.GetProperty("terms");
        Assert.Equal(("net 30", 7), (terms.Text("payment_terms"), terms.GetProperty("lead_time_days").GetInt32()));
        Assert.Equal(DateOnly.FromDateTime(DateTime.UtcNow).AddDays(7), DateOnly.Parse(terms.Text("expected_at")!));
        Assert.Equal((1, 10L, 0L, "open"), (draft.PoLine(1).GetProperty("line_no").GetInt32(), draft.PoLine(1).GetProperty("quantity").GetInt64(),
            draft.PoLine(1).GetProperty("received").GetInt64(), draft.PoLine(1).Text("status")));
        Assert.False(draft.TryGetProperty("edi_documents", out _));

        // Issuing a draft is not a transition; approval needs the current revision.
        await org.Post(org.Buyer, "/pcm/po/issue", new { po_guid = draft.Text("po_guid"), expected_revision = 1 })
            .Problem(HttpStatusCode.Conflict, "invalid_transition");
        await org.Post(org.Approver, "/pcm/po/approve", new { po_guid = draft.Text("po_guid") }).Problem(HttpStatusCode.BadRequest, "expected_revision_required");
        var approved = await org.ApprovePoAsync(draft);
        Assert.Equal(("approved", org.Approver.UserGuid), (approved.Text("status"), approved.Text("approved_by")));

        var issued = await org.IssuePoAsync(approved);
        Assert.Equal("issued", issued.Text("status"));
        var read = await org.PoAsync(draft.Text("po_guid")!);
        Assert.Equal(("issued", 3L), (read.Text("status"), read.Revision()));
        var edi = Assert.Single(read.GetProperty("edi_documents").EnumerateArray());
        Assert.Equal(("850", "outbound", read.Text("edi_document_guid"), read.Text("po_guid")),
            (edi.Text("doc_type"), edi.Text("direction"), edi.Text("edi_guid"), edi.Text("po_guid")));
        var content = edi.Text("content")!;
        Assert.Contains("ST*850*0001~", content);
        Assert.Contains($"BEG*00*SA*{draft.Text("po_number")}**", content);
        Assert.Contains("CUR*BY*EUR~", content);
        Assert.Contains($"PO1*1*10*EA*12.50**VP*tee-s-red*BP*{org.Variants[0]}~", content);
        Assert.Contains($"PO1*2*4*EA*9.99**VP*tee-s-blue*BP*{org.Variants[1]}~", content);
        Assert.Contains("CTT*2*14~", content);
        Assert.Contains("AMT*TT*164.96~", content);

        var created = host.Factory.OutboxEvents("pcm", org.Orgcode, "po.created");
        Assert.Contains(created, e => e.GetProperty("po_guid").GetString() == draft.Text("po_guid"));
        Assert.Single(host.Factory.OutboxEvents("pcm", org.Orgcode, "po.approved"));
        var issuedEvent = Assert.Single(host.Factory.OutboxEvents("pcm", org.Orgcode, "po.issued"));
        Assert.Equal((read.Text("edi_document_guid"), 3L), (issuedEvent.Text("edi_document_guid"), issuedEvent.GetProperty("revision").GetInt64()));

        // Issued twice: the second is refused and no second 850 is written.
        await org.Post(org.Buyer, "/pcm/po/issue", new { po_guid = draft.Text("po_guid"), expected_revision = 3 })
            .Problem(HttpStatusCode.Conflict, "invalid_transition");
        Assert.Single((await org.PoAsync(draft.Text("po_guid")!)).GetProperty("edi_documents").EnumerateArray());
    }

    [Fact]
    public async Task Above_the_threshold_the_creator_is_refused_same_actor_and_a_member_is_forbidden_at_or_below_any_member_approves()
    {
        var org = await host.NewOrgAsync();
        await org.Post("/pcm/policy/set", new { approval_thresholds_minor = new Dictionary<string, long> { ["EUR"] = 100_000 } }).Ok();

        var big = await org.Post("/pcm/po/create", new
        {
            vendor_code = "acme",
            ship_to_facility_code = "store-1",
            lines = new[] { new { variant_guid = org.Variants[0], quantity = 100, unit_cost_minor = 1_001 } },
        }).Ok(HttpStatusCode.Created);
        Assert.Equal(100_100L, big.GetProperty("total_minor").GetInt64());
        var change = new { po_guid = big.Text("po_guid"), expected_revision = 1 };
        await org.Post("/pcm/po/approve", change).Problem(HttpStatusCode.Forbidden, "same_actor");
        await org.Post(org.Buyer, "/pcm/po/approve", change).Problem(HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal("approved", (await org.Post(org.Approver, "/pcm/po/approve", change).Ok()).Text("status"));

        // A buyer's PO above the threshold: the buyer is its creator (same_actor before the role).
        var buyers = await org.DraftPoAsync("acme", "store-2", org.Line(1, 200, 1_000));
        await org.Post(org.Buyer, "/pcm/po/approve", new { po_guid = buyers.Text("po_guid"), expected_revision = 1 })
            .Problem(HttpStatusCode.Forbidden, "same_actor");

        // Exactly at the threshold: the member who created it may approve it.
        var small = await org.DraftPoAsync("acme", "store-1", org.Line(2, 100, 1_000));
        Assert.Equal(100_000L, small.GetProperty("total_minor").GetInt64());
        var approved = await org.Post(org.Buyer, "/pcm/po/approve", new { po_guid = small.Text("po_guid"), expected_revision = 1 }).Ok();
        Assert.Equal(("approved", org.Buyer.UserGuid), (approved.Text("status"), approved.Text("approved_by")));
    }

    [Fact]
    public async Task A_po_is_refused_for_an_unknown_or_pending_vendor_an_unknown_variant_or_facility_and_a_taken_number()
    {
        var org = await host.NewOrgAsync();
        object Po(string? vendor = "acme", string facility = "store-1", string? variant = null, long quantity = 1, string? number = null,
            string? vendorGuid = null) => new
        {
            vendor_code = vendor,
            vendor_guid = vendorGuid,
            ship_to_facility_code = facility,
            po_number = number,
            lines = new[]
            {
                new { variant_guid = org.Variants[0], quantity = 1L, unit_cost_minor = 100L },
                new { variant_guid = variant ?? org.Variants[1], quantity, unit_cost_minor = 100L },
            },
        };

        var pending = await org.Post(org.Buyer, "/pcm/po/create", Po(vendor: "pending-co")).Problem(HttpStatusCode.UnprocessableEntity, "vendor_not_active");
        Assert.Contains("pending", pending.GetProperty("detail").GetString());
        await org.Post(org.Buyer, "/pcm/po/create", Po(vendor: "nobody")).Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        await org.Post(org.Buyer, "/pcm/po/create", Po(vendor: null, vendorGuid: Guid.NewGuid().ToString()))
            .Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        var unknownVariant = await org.Post(org.Buyer, "/pcm/po/create", Po(variant: Guid.NewGuid().ToString()))
            .Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        Assert.Equal("lines[1].variant_guid", unknownVariant.GetProperty("field").GetString());
        await org.Post(org.Buyer, "/pcm/po/create", Po(facility: "nowhere")).Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        await org.Post(org.Buyer, "/pcm/po/create", Po(variant: org.Variants[0])).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post(org.Buyer, "/pcm/po/create", Po(quantity: 0)).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post(org.Buyer, "/pcm/po/create", Po(vendor: null)).Problem(HttpStatusCode.BadRequest, "validation_failed");

        await org.Post(org.Buyer, "/pcm/po/create", Po(number: "PO-42")).Ok(HttpStatusCode.Created);
        await org.Post(org.Buyer, "/pcm/po/create", Po(number: "PO-42")).Problem(HttpStatusCode.Conflict, "duplicate");
        var viewer = host.Factory.NewUser("viewer");
        await org.Owner.Join(org.Orgcode, viewer, "viewer");
        await org.Post(viewer, "/pcm/po/create", Po()).Problem(HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task A_draft_is_cancelled_an_issued_po_is_closed_short_and_lists_filter_by_status_vendor_and_facility_newest_first()
    {
        var org = await host.NewOrgAsync();
        var cancelled = await org.DraftPoAsync("acme", "store-1", org.Line(0, 5));
        var cancel = await org.Post(org.Buyer, "/pcm/po/cancel", new { po_guid = cancelled.Text("po_guid"), expected_revision = 1, note = "duplicate order" }).Ok();
        Assert.Equal(("cancelled", "cancelled", "duplicate order"), (cancel.Text("status"), cancel.PoLine(1).Text("status"), cancel.Text("status_reason")));

        var issued = await org.IssuedPoAsync("globex", "store-2", org.Line(1, 5), org.Line(2, 7));
        await org.Post(org.Buyer, "/pcm/po/cancel", new { po_guid = issued.Text("po_guid"), expected_revision = issued.Revision() })
            .Problem(HttpStatusCode.Conflict, "invalid_transition");
        var closed = await org.Post(org.Buyer, "/pcm/po/close", new { po_guid = issued.Text("po_guid"), expected_revision = issued.Revision() }).Ok();
        Assert.Equal(("closed", "closed", "closed"), (closed.Text("status"), closed.PoLine(1).Text("status"), closed.PoLine(2).Text("status")));
        Assert.Single(host.Factory.OutboxEvents("pcm", org.Orgcode, "po.closed"));
        Assert.Single(host.Factory.OutboxEvents("pcm", org.Orgcode, "po.cancelled"));

        var draft1 = await org.DraftPoAsync("acme", "store-1", org.Line(3, 1));
        var draft2 = await org.DraftPoAsync("acme", "store-2", org.Line(4, 1));
        static IEnumerable<string> Guids(JsonElement page) => page.GetProperty("items").EnumerateArray().Select(p => p.Text("po_guid")!);

        Assert.Equal([draft2.Text("po_guid")!, draft1.Text("po_guid")!, issued.Text("po_guid")!, cancelled.Text("po_guid")!],
            Guids(await org.Post("/pcm/po/list", new { }).Ok()).ToArray());
        Assert.Equal([draft2.Text("po_guid")!, draft1.Text("po_guid")!], Guids(await org.Post("/pcm/po/list", new { status = "draft" }).Ok()).ToArray());
        Assert.Equal([draft2.Text("po_guid")!, draft1.Text("po_guid")!, cancelled.Text("po_guid")!],
            Guids(await org.Post("/pcm/po/list", new { vendor_code = "acme" }).Ok()).ToArray());
        Assert.Equal([issued.Text("po_guid")!], Guids(await org.Post("/pcm/po/list", new { ship_to_facility_code = "store-2", status = "closed" }).Ok()).ToArray());
        Assert.Equal([draft2.Text("po_guid")!],
            Guids(await org.Post("/pcm/po/list", new { vendor_code = "acme", ship_to_facility_code = "store-2" }).Ok()).ToArray());
        var first = await org.Post("/pcm/po/list", new { limit = 1 }).Ok();
        var second = await org.Post("/pcm/po/list", new { limit = 1, next_token = first.Text("next_token") }).Ok();
        Assert.Equal([draft1.Text("po_guid")!], Guids(second).ToArray());
        await org.Post("/pcm/po/list", new { vendor_code = "nobody" }).Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        await org.Post("/pcm/po/get", new { po_guid = Guid.NewGuid().ToString() }).Problem(HttpStatusCode.NotFound, "not_found");
    }
}
