using System.Net;
using System.Text.Json;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;

namespace Retail.Functional.Tests.Pcm;

/// <summary>One receipt line as the steps write it: a PO line, a quantity, optionally where it lands (available, qc_hold) and a bin.</summary>
public sealed record ReceiptLineSpec(int PoLineNo, long Quantity, string? Into = null, string? BinCode = null);

/// <summary>
/// Receiving steps other areas reuse: receipts recorded by <see cref="PcmOrg.Buyer"/>, waiting for the procure→receive→stock
/// saga, and reading what ICS holds afterwards.
/// </summary>
public static class ReceivingSteps
{
    public static ReceiptLineSpec Receive(int poLineNo, long quantity, string? into = null, string? binCode = null) => new(poLineNo, quantity, into, binCode);

    /// <summary>The body of /receipt/record against a PO.</summary>
    public static object ReceiptBody(string poGuid, params ReceiptLineSpec[] lines) => new
    {
        po_guid = poGuid,
        lines = lines.Select(l => new { po_line_no = l.PoLineNo, quantity = l.Quantity, into = l.Into, bin_code = l.BinCode }).ToArray(),
        delivery_note = "DN-1",
    };

    /// <summary>The buyer records a receipt (201); answers the receipt as recorded (status <c>recorded</c>).</summary>
    public static Task<JsonElement> RecordReceiptAsync(this PcmOrg org, string poGuid, params ReceiptLineSpec[] lines) =>
        org.Post(org.Buyer, "/pcm/receipt/record", ReceiptBody(poGuid, lines)).Ok(HttpStatusCode.Created);

    /// <summary>Waits until the saga has stocked or failed the receipt (at most <paramref name="timeout"/>, else the usual patience); answers it then.</summary>
    public static async Task<JsonElement> SettledReceiptAsync(this PcmOrg org, string receiptGuid, TimeSpan? timeout = null)
    {
        JsonElement receipt = default;
        await Waits.UntilAsync(async () =>
        {
            receipt = await org.Post("/pcm/receipt/get", new { receipt_guid = receiptGuid }).Ok();
            return receipt.Text("status") is "stocked" or "failed";
        }, $"receipt {receiptGuid} is stocked or failed", timeout);
        return receipt;
    }

    /// <summary>Records a receipt and waits until it is stocked.</summary>
    public static async Task<JsonElement> StockedReceiptAsync(this PcmOrg org, string poGuid, params ReceiptLineSpec[] lines)
    {
        var recorded = await org.RecordReceiptAsync(poGuid, lines);
        var settled = await org.SettledReceiptAsync(recorded.Text("receipt_guid")!);
        Assert.True(settled.Text("status") == "stocked", $"receipt not stocked: {settled}");
        return settled;
    }

    /// <summary>ICS's balance of a variant at a facility (<c>/ics/stock/get</c>): available, qc_hold, …</summary>
    public static Task<JsonElement> IcsStockAsync(this PcmOrg org, string facilityCode, string variantGuid) =>
        org.Post("/ics/stock/get", new { facility_code = facilityCode, variant_guid = variantGuid }).Ok();

    /// <summary>ICS's receipts of a PO (<c>/ics/receive/list</c> by reference <c>{kind: po, id: po_guid}</c>).</summary>
    public static async Task<IReadOnlyList<JsonElement>> IcsReceiptsOfAsync(this PcmOrg org, string poGuid)
    {
        var page = await org.Post("/ics/receive/list", new { reference = new { kind = "po", id = poGuid }, limit = 500 }).Ok();
        return [.. page.GetProperty("items").EnumerateArray()];
    }

    /// <summary>An active bin (kind pick) at a facility in ICS.</summary>
    public static Task<JsonElement> IcsBinAsync(this PcmOrg org, string facilityCode, string binCode) =>
        org.Post("/ics/bin/create", new { facility_code = facilityCode, bin_code = binCode, kind = "pick" }).Ok(HttpStatusCode.Created);

    /// <summary>Sets the procurement policy (owner), answering it.</summary>
    public static async Task<JsonElement> PolicyAsync(this PcmOrg org, object changes)
    {
        var current = await org.Post("/pcm/policy/get", new { }).Ok();
        var body = JsonSerializer.SerializeToNode(changes)!.AsObject();
        body["expected_revision"] = current.Revision();
        return await org.Post("/pcm/policy/set", body).Ok();
    }

    public static long Long(this JsonElement json, string name) => json.GetProperty(name).GetInt64();
}
