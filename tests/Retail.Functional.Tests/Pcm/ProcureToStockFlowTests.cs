using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Pvm;
using static Retail.Functional.Tests.Pcm.BuyingSteps;

namespace Retail.Functional.Tests.Pcm;

/// <summary>
/// The seed's procure → receive → stock flow end to end (playbook D's buy half): NPI → approve → worksheet → PO → approve →
/// issue → partial receipt → stock visible in ICS → second receipt → invoice matched.
/// </summary>
public sealed class ProcureToStockFlowTests(PcmHost host) : IClassFixture<PcmHost>
{
    [Fact]
    public async Task A_new_product_is_bought_received_in_two_deliveries_into_ics_and_its_invoice_matches_the_po_and_the_receipts()
    {
        var org = await host.NewOrgAsync();
        var npi = await org.ApprovedNpiAsync("henley", new NpiVariantSpec("henley-m-red", "m", "red", PvmSteps.Gtin13(730_000_000_001)));
        var variant = Assert.Single(npi.NpiVariantGuids());

        var worksheet = await org.SubmittedWorksheetAsync(new WorksheetLineSpec(variant, "store-1", 20, 1_500));
        var draft = await org.PoAsync(Assert.Single(worksheet.GetProperty("po_guids").EnumerateArray()).GetString()!);
        var po = await org.IssuePoAsync(await org.ApprovePoAsync(draft));
        var poGuid = po.Text("po_guid")!;
        Assert.Equal("issued", po.Text("status"));

        var first = await org.StockedReceiptAsync(poGuid, ReceivingSteps.Receive(1, 8));
        Assert.Equal("stocked", first.Text("status"));
        Assert.Equal(8L, (await org.IcsStockAsync("store-1", variant)).Long("available"));
        var partial = await org.PoAsync(poGuid);
        Assert.Equal(("partially_received", "partially_received", 8L), (partial.Text("status"), partial.PoLine(1).Text("status"), partial.PoLine(1).Long("stocked")));

        await org.StockedReceiptAsync(poGuid, ReceivingSteps.Receive(1, 12));
        Assert.Equal(20L, (await org.IcsStockAsync("store-1", variant)).Long("available"));
        var received = await org.PoAsync(poGuid);
        Assert.Equal(("received", "received", 20L), (received.Text("status"), received.PoLine(1).Text("status"), received.PoLine(1).Long("stocked")));
        Assert.Equal(2, (await org.IcsReceiptsOfAsync(poGuid)).Count);

        var invoice = await org.InvoiceAsync(received, "INV-HENLEY-1", 20, 1_500);
        Assert.Equal(("matched", 30_000L), (invoice.Text("status"), invoice.Long("total_minor")));
        Assert.Equal(20L, (await org.PoAsync(poGuid)).PoLine(1).Long("invoiced"));
        Assert.Single(host.Factory.OutboxEvents("pcm", org.Orgcode, "invoice.matched"));
    }
}
