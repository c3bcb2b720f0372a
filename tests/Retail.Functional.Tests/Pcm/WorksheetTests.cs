using System.Net;
using Retail.Functional.Tests.Infrastructure;
using static Retail.Functional.Tests.Pcm.BuyingSteps;

namespace Retail.Functional.Tests.Pcm;

/// <summary>Buy-plan worksheets: submit turns the lines into draft POs, one per vendor × ship-to facility, once.</summary>
public sealed class WorksheetTests(PcmHost host) : IClassFixture<PcmHost>
{
    [Fact]
    public async Task Submitting_a_worksheet_makes_one_draft_po_per_vendor_and_facility_once()
    {
        var org = await host.NewOrgAsync();
        var worksheet = await org.WorksheetAsync(
            new(org.Variants[0], "store-1", 10, 1_000),
            new(org.Variants[1], "store-1", 5, 1_100),
            new(org.Variants[2], "store-2", 3, 1_200),
            new(org.Variants[0], "store-1", 7, 900, "globex"),
            new(org.Variants[3], "store-2", 2, 800, "globex"));
        Assert.Equal(("draft", 5), (worksheet.Text("status"), worksheet.GetProperty("lines").GetArrayLength()));
        Assert.Equal(["acme", "acme", "acme", "globex", "globex"],
            worksheet.GetProperty("lines").EnumerateArray().Select(l => l.Text("vendor_code")!).ToArray());

        var change = new { worksheet_guid = worksheet.Text("worksheet_guid"), expected_revision = 1 };
        var submitted = await org.Post(org.Buyer, "/pcm/worksheet/submit", change).Ok();
        Assert.Equal("submitted", submitted.Text("status"));
        var poGuids = submitted.GetProperty("po_guids").EnumerateArray().Select(g => g.GetString()!).ToList();
        Assert.Equal(4, poGuids.Count);

        var pos = new List<(string Vendor, string Facility, long Total, int Lines)>();
        foreach (var guid in poGuids)
        {
            var po = await org.PoAsync(guid);
            Assert.Equal(("draft", worksheet.Text("worksheet_guid"), "EUR", org.Buyer.UserGuid),
                (po.Text("status"), po.Text("worksheet_guid"), po.Text("currency"), po.Text("created_by")));
            pos.Add((po.Text("vendor_code")!, po.Text("ship_to_facility_code")!, po.GetProperty("total_minor").GetInt64(), po.GetProperty("lines").GetArrayLength()));
        }
        Assert.Equal([("acme", "store-1", 15_500L, 2), ("acme", "store-2", 3_600L, 1), ("globex", "store-1", 6_300L, 1), ("globex", "store-2", 1_600L, 1)],
            pos.OrderBy(p => p.Vendor).ThenBy(p => p.Facility).ToArray());

        // Retried: the worksheet moved on, so no second set of POs.
        await org.Post(org.Buyer, "/pcm/worksheet/submit", change).Problem(HttpStatusCode.Conflict, "revision_mismatch");
        await org.Post(org.Buyer, "/pcm/worksheet/submit", new { worksheet_guid = worksheet.Text("worksheet_guid"), expected_revision = 2 })
            .Problem(HttpStatusCode.Conflict, "invalid_transition");
        Assert.Equal(4, (await org.Post("/pcm/po/list", new { status = "draft" }).Ok()).GetProperty("items").GetArrayLength());
        Assert.Single(host.Factory.OutboxEvents("pcm", org.Orgcode, "worksheet.submitted"));
        Assert.Equal(4, host.Factory.OutboxEvents("pcm", org.Orgcode, "po.created").Count);

        var read = await org.Post("/pcm/worksheet/get", new { worksheet_guid = worksheet.Text("worksheet_guid") }).Ok();
        Assert.Equal(poGuids, read.GetProperty("po_guids").EnumerateArray().Select(g => g.GetString()!).ToList());
        var listed = await org.Post("/pcm/worksheet/list", new { status = "submitted" }).Ok();
        Assert.Equal(worksheet.Text("worksheet_guid"), Assert.Single(listed.GetProperty("items").EnumerateArray()).Text("worksheet_guid"));
    }

    [Fact]
    public async Task A_worksheet_refuses_unknown_variants_and_facilities_and_its_submit_refuses_a_vendor_that_is_not_active()
    {
        var org = await host.NewOrgAsync();
        var unknown = await org.Post(org.Buyer, "/pcm/worksheet/create", new
        {
            lines = new[]
            {
                new { variant_guid = org.Variants[0], facility_code = "store-1", quantity = 1, unit_cost_minor = 100 },
                new { variant_guid = Guid.NewGuid().ToString(), facility_code = "store-1", quantity = 1, unit_cost_minor = 100 },
            },
        }).Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        Assert.Equal("lines[1].variant_guid", unknown.Text("field"));
        await org.Post(org.Buyer, "/pcm/worksheet/create", new
        {
            lines = new[] { new { variant_guid = org.Variants[0], facility_code = "nowhere", quantity = 1, unit_cost_minor = 100 } },
        }).Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        await org.Post(org.Buyer, "/pcm/worksheet/create", new
        {
            lines = new[]
            {
                new { variant_guid = org.Variants[0], facility_code = "store-1", quantity = 1, unit_cost_minor = 100, vendor_code = (string?)null },
                new { variant_guid = org.Variants[0], facility_code = "store-1", quantity = 2, unit_cost_minor = 100, vendor_code = (string?)"acme" },
            },
        }).Problem(HttpStatusCode.BadRequest, "validation_failed");

        var pending = await org.WorksheetAsync(new(org.Variants[0], "store-1", 1, 100), new(org.Variants[1], "store-1", 1, 100, "pending-co"));
        await org.Post(org.Buyer, "/pcm/worksheet/submit", new { worksheet_guid = pending.Text("worksheet_guid"), expected_revision = 1 })
            .Problem(HttpStatusCode.UnprocessableEntity, "vendor_not_active");
        var still = await org.Post("/pcm/worksheet/get", new { worksheet_guid = pending.Text("worksheet_guid") }).Ok();
        Assert.Equal(("draft", 0), (still.Text("status"), still.GetProperty("po_guids").GetArrayLength()));
        Assert.Empty((await org.Post("/pcm/po/list", new { }).Ok()).GetProperty("items").EnumerateArray());
    }
}
