using System.Net;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Pvm;
using static Retail.Functional.Tests.Pcm.BuyingSteps;

namespace Retail.Functional.Tests.Pcm;

/// <summary>The buy half of the seed's flow: NPI → approve → worksheet → POs → approve → issue.</summary>
public sealed class BuyingFlowTests(PcmHost host) : IClassFixture<PcmHost>
{
    [Fact]
    public async Task An_approved_npis_variants_are_planned_on_a_worksheet_whose_pos_are_approved_and_issued_to_the_npis_vendor()
    {
        var org = await host.NewOrgAsync();
        var npi = await org.ApprovedNpiAsync("polo", new NpiVariantSpec("polo-m-red", "m", "red", PvmSteps.Gtin13(720_000_000_001)),
            new NpiVariantSpec("polo-l-blue", "l", "blue", PvmSteps.Gtin13(720_000_000_002)));
        var variants = npi.NpiVariantGuids();

        // No vendor on the lines: the new style's primary vendor is the NPI's (acme).
        var worksheet = await org.SubmittedWorksheetAsync(
            new WorksheetLineSpec(variants[0], "store-1", 24, 1_200),
            new WorksheetLineSpec(variants[1], "store-1", 12, 1_200),
            new WorksheetLineSpec(variants[0], "store-2", 6, 1_200));
        var poGuids = worksheet.GetProperty("po_guids").EnumerateArray().Select(g => g.GetString()!).ToList();
        Assert.Equal(2, poGuids.Count);

        foreach (var guid in poGuids)
        {
            var draft = await org.PoAsync(guid);
            Assert.Equal(("acme", "draft"), (draft.Text("vendor_code"), draft.Text("status")));
            var issued = await org.IssuePoAsync(await org.ApprovePoAsync(draft));
            Assert.Equal("issued", issued.Text("status"));
            var edi = Assert.Single((await org.PoAsync(guid)).GetProperty("edi_documents").EnumerateArray());
            Assert.Contains("VP*polo-m-red*", edi.Text("content"));
        }
        var list = await org.Post("/pcm/po/list", new { status = "issued", vendor_code = "acme" }).Ok();
        Assert.Equal(poGuids.OrderDescending(), list.GetProperty("items").EnumerateArray().Select(p => p.Text("po_guid")!));
        var store1 = Assert.Single((await org.Post("/pcm/po/list", new { ship_to_facility_code = "store-1" }).Ok()).GetProperty("items").EnumerateArray());
        Assert.Equal((36L, 43_200L), (store1.GetProperty("lines").EnumerateArray().Sum(l => l.GetProperty("quantity").GetInt64()),
            store1.GetProperty("total_minor").GetInt64()));
    }
}
