using System.Net;
using System.Text.Json;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;

namespace Retail.Functional.Tests.Pcm;

/// <summary>
/// Payables steps other areas reuse: an issued PO with goods received and stocked (through <see cref="ReceivingSteps"/>),
/// invoices matched by the buyer, RTVs. Each answers the record's JSON as the API did.
/// </summary>
public static class PayablesSteps
{
    /// <summary>An issued PO of one line (variant 0 of the org's tee, <paramref name="quantity"/> at <paramref name="unitCostMinor"/>) to <paramref name="vendorCode"/> for store-1, with <paramref name="received"/> of it received and stocked.</summary>
    public static async Task<(JsonElement Po, JsonElement Receipt)> StockedPoAsync(this PcmOrg org, string vendorCode, long quantity, long received,
        long unitCostMinor = 1_000, int variant = 0)
    {
        var po = await org.IssuedPoAsync(vendorCode, "store-1", org.Line(variant, quantity, unitCostMinor));
        var receipt = await org.StockedReceiptAsync(po.Text("po_guid")!, ReceivingSteps.Receive(1, received));
        return (await org.PoAsync(po.Text("po_guid")!), receipt);
    }

    /// <summary>The buyer's <c>/invoice/match</c> call for one line of <paramref name="po"/> (currency EUR), as sent.</summary>
    public static Task<HttpResponseMessage> MatchInvoice(this PcmOrg org, JsonElement po, string number, long quantity, long unitCostMinor,
        int lineNo = 1, string? vendorCode = null, string currency = "EUR", long? taxMinor = null, TestUser? by = null) =>
        org.Post(by ?? org.Buyer, "/pcm/invoice/match", new
        {
            vendor_invoice_number = number,
            po_guid = po.Text("po_guid"),
            vendor_code = vendorCode ?? po.Text("vendor_code"),
            currency,
            invoice_date = "2026-12-01",
            lines = new[] { new { po_line_no = lineNo, quantity, unit_cost_minor = unitCostMinor } },
            tax_minor = taxMinor,
        });

    /// <summary>An invoice matched by the buyer (matched or exception).</summary>
    public static Task<JsonElement> InvoiceAsync(this PcmOrg org, JsonElement po, string number, long quantity, long unitCostMinor) =>
        org.MatchInvoice(po, number, quantity, unitCostMinor).Ok(HttpStatusCode.Created);

    /// <summary>The buyer's <c>/rtv/create</c> call for one line of <paramref name="receipt"/>.</summary>
    public static Task<HttpResponseMessage> CreateRtv(this PcmOrg org, string vendorCode, JsonElement receipt, long quantity, int lineNo = 1) =>
        org.Post(org.Buyer, "/pcm/rtv/create", new
        {
            vendor_code = vendorCode,
            lines = new[] { new { receipt_guid = receipt.Text("receipt_guid"), po_line_no = lineNo, quantity, reason = "damaged in transit" } },
        });

    /// <summary>ICS's balance of a variant at store-1.</summary>
    public static Task<JsonElement> StockAsync(this PcmOrg org, string variantGuid) => org.IcsStockAsync("store-1", variantGuid);
}
