using System.Net;
using Retail.Functional.Tests.Infrastructure;

namespace Retail.Functional.Tests.Scm;

/// <summary>EDI documents: record inbound and outbound, move their status, list them.</summary>
public sealed class EdiTests(ScmHost host) : IClassFixture<ScmHost>
{
    private const string Po850 = "ISA*00*          *00*          *ZZ*ACME           *ZZ*STORE          *261202*0400*U*00401*000000001*0*P*>~\nBEG*00*SA*PO-1001**20261202~\nPO1*1*2*EA*10.00**UP*800000000000~\nSE*4*0001~";

    [Fact]
    public async Task Documents_are_recorded_move_through_their_status_and_are_listed_by_type_direction_status_and_reference()
    {
        var org = await host.NewOrgAsync(stock: 0);
        var order = await host.PlacedOrderAsync(org);
        var inbound = await org.Post(org.Clerk, "/scm/edi/record",
            new { document_type = "850", direction = "inbound", partner_code = "acme", po_number = "PO-1001", control_number = "000000001", payload = Po850 })
            .Ok(HttpStatusCode.Created);
        Assert.Equal("received", inbound.Str("status"));
        Assert.Equal(Po850, inbound.Str("payload"));
        var outbound = await org.Post(org.Clerk, "/scm/edi/record",
            new { document_type = "855", direction = "outbound", partner_code = "ACME", order_guid = order.OrderGuid, payload = "BAK*00*AC*PO-1001*20261202~" })
            .Ok(HttpStatusCode.Created);
        Assert.Equal(("sent", "acme"), (outbound.Str("status"), outbound.Str("partner_code")));

        var acknowledged = await org.Post(org.Clerk, "/scm/edi/status/set",
            new { edi_guid = inbound.Str("edi_guid"), expected_revision = 1, status = "acknowledged" }).Ok();
        var processed = await org.Post(org.Clerk, "/scm/edi/status/set",
            new { edi_guid = inbound.Str("edi_guid"), expected_revision = acknowledged.Revision(), status = "processed" }).Ok();
        Assert.Equal("processed", processed.Str("status"));
        await org.Post(org.Clerk, "/scm/edi/status/set", new { edi_guid = inbound.Str("edi_guid"), expected_revision = processed.Revision(), status = "failed", error = "x" })
            .Problem(HttpStatusCode.Conflict, "invalid_transition");
        await org.Post(org.Clerk, "/scm/edi/status/set", new { edi_guid = outbound.Str("edi_guid"), expected_revision = 1, status = "failed" })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        var failed = await org.Post(org.Clerk, "/scm/edi/status/set",
            new { edi_guid = outbound.Str("edi_guid"), expected_revision = 1, status = "failed", error = "Partner rejected: unknown item" }).Ok();
        Assert.Equal(("failed", "Partner rejected: unknown item"), (failed.Str("status"), failed.Str("error")));
        await org.Post(org.Clerk, "/scm/edi/status/set", new { edi_guid = outbound.Str("edi_guid"), expected_revision = 1, status = "processed" })
            .Problem(HttpStatusCode.Conflict, "revision_mismatch");

        async Task<IReadOnlyList<string>> Listed(object filter) =>
            (await org.Post("/scm/edi/list", filter).Ok()).GetProperty("items").EnumerateArray().Select(d => d.Str("edi_guid")).ToList();
        Assert.Equal([inbound.Str("edi_guid")], await Listed(new { document_type = "850" }));
        Assert.Equal([outbound.Str("edi_guid")], await Listed(new { direction = "outbound" }));
        Assert.Equal([inbound.Str("edi_guid")], await Listed(new { status = "processed" }));
        Assert.Equal([outbound.Str("edi_guid")], await Listed(new { reference = order.OrderGuid }));
        Assert.Equal([inbound.Str("edi_guid")], await Listed(new { reference = "PO-1001", direction = "inbound" }));
        Assert.Empty(await Listed(new { document_type = "810" }));
        Assert.Equal(outbound.Str("edi_guid"), (await org.Post("/scm/edi/get", new { edi_guid = outbound.Str("edi_guid") }).Ok()).Str("edi_guid"));
        Assert.Equal(2, host.Factory.OutboxEvents("scm", org.Orgcode, "edi.recorded").Count);
    }

    [Fact]
    public async Task A_document_of_an_unknown_type_an_unknown_order_or_an_oversized_payload_is_refused()
    {
        var org = await host.NewOrgAsync(stock: 0);
        await org.Post(org.Clerk, "/scm/edi/record", new { document_type = "997", direction = "inbound", partner_code = "acme", payload = "x" })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post(org.Clerk, "/scm/edi/record",
                new { document_type = "856", direction = "outbound", partner_code = "acme", order_guid = Guid.CreateVersion7().ToString(), payload = "x" })
            .Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        await org.Post(org.Clerk, "/scm/edi/record",
                new { document_type = "810", direction = "outbound", partner_code = "acme", payload = new string('A', 65_537) })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post(org.Clerk, "/scm/edi/get", new { edi_guid = Guid.CreateVersion7().ToString() }).Problem(HttpStatusCode.NotFound, "not_found");
    }
}
