using System.Net;
using System.Text.Json;
using Retail.Functional.Tests.Infrastructure;

namespace Retail.Functional.Tests.Pcm;

public sealed class VendorPerformanceTests(PcmHost host) : IClassFixture<PcmHost>
{
    [Fact]
    public async Task A_vendors_performance_follows_its_receipts_and_invoices()
    {
        var org = await host.NewOrgAsync();
        var (po, _) = await org.StockedPoAsync("acme", quantity: 10, received: 10, unitCostMinor: 1_000);
        await org.InvoiceAsync(po, "INV-P1", 10, 1_010);

        JsonElement acme = default;
        await Waits.UntilAsync(async () =>
        {
            var page = await org.Post("/pcm/vendor/performance/list", new { vendor_code = "acme" }).Ok();
            var items = page.GetProperty("items").EnumerateArray().ToList();
            if (items.Count == 0)
            {
                return false;
            }
            acme = items.Single();
            return acme.Long("pos_completed") == 1 && acme.Long("receipts_stocked") == 1 && acme.Long("invoices_matched") == 1;
        }, "acme's performance counts the PO, its receipt and its invoice");
        Assert.Equal((1m, 1m, 1m, 100L, 10L), (acme.GetProperty("on_time_rate").GetDecimal(), acme.GetProperty("fill_rate").GetDecimal(),
            acme.GetProperty("price_variance_percent").GetDecimal(), acme.Long("price_variance_minor"), acme.Long("units_stocked")));
        Assert.Equal(po.Text("vendor_guid"), acme.Text("vendor_guid"));

        var globex = await org.Post("/pcm/vendor/performance/list", new { vendor_code = "globex" }).Ok();
        Assert.Empty(globex.GetProperty("items").EnumerateArray());
        await org.Post("/pcm/vendor/performance/list", new { limit = 0 }).Problem(HttpStatusCode.BadRequest, "validation_failed");
    }
}
