using System.Net;
using System.Text.Json;
using Retail.Functional.Tests.Infrastructure;

namespace Retail.Functional.Tests.Pcm;

/// <summary>One PO line as the steps write it: a variant, a quantity and a unit cost in minor units.</summary>
public sealed record PoLineSpec(string VariantGuid, long Quantity, long UnitCostMinor);

/// <summary>
/// Buying steps other areas reuse: POs in each state (created by <see cref="PcmOrg.Buyer"/>, approved by
/// <see cref="PcmOrg.Approver"/>, issued by the buyer), NPIs and worksheets. Each answers the record's JSON as the API did.
/// </summary>
public static class BuyingSteps
{
    /// <summary>A PO line of variant <paramref name="index"/> of the org's six <c>tee</c> variants.</summary>
    public static PoLineSpec Line(this PcmOrg org, int index, long quantity, long unitCostMinor = 1_000) =>
        new(org.Variants[index], quantity, unitCostMinor);

    /// <summary>A draft PO by the buyer (currency and terms from the vendor's PVM terms).</summary>
    public static Task<JsonElement> DraftPoAsync(this PcmOrg org, string vendorCode, string facilityCode, params PoLineSpec[] lines) =>
        org.Post(org.Buyer, "/pcm/po/create", new
        {
            vendor_code = vendorCode,
            ship_to_facility_code = facilityCode,
            lines = lines.Select(l => new { variant_guid = l.VariantGuid, quantity = l.Quantity, unit_cost_minor = l.UnitCostMinor }).ToArray(),
        }).Ok(HttpStatusCode.Created);

    /// <summary>A draft PO by the buyer, approved by the second admin.</summary>
    public static async Task<JsonElement> ApprovedPoAsync(this PcmOrg org, string vendorCode, string facilityCode, params PoLineSpec[] lines)
    {
        var draft = await org.DraftPoAsync(vendorCode, facilityCode, lines);
        return await org.ApprovePoAsync(draft);
    }

    /// <summary>
    /// A PO issued to the vendor (created by the buyer, approved by the second admin, issued by the buyer): ready for
    /// receipts. Its EDI 850 is in <c>edi_documents</c>.
    /// </summary>
    public static async Task<JsonElement> IssuedPoAsync(this PcmOrg org, string vendorCode, string facilityCode, params PoLineSpec[] lines)
    {
        var approved = await org.ApprovedPoAsync(vendorCode, facilityCode, lines);
        return await org.IssuePoAsync(approved);
    }

    /// <summary>Approves a PO by the second admin (allowed at any total: an admin who did not create it).</summary>
    public static Task<JsonElement> ApprovePoAsync(this PcmOrg org, JsonElement po) =>
        org.Post(org.Approver, "/pcm/po/approve", new { po_guid = po.Text("po_guid"), expected_revision = po.Revision() }).Ok();

    public static Task<JsonElement> IssuePoAsync(this PcmOrg org, JsonElement po) =>
        org.Post(org.Buyer, "/pcm/po/issue", new { po_guid = po.Text("po_guid"), expected_revision = po.Revision() }).Ok();

    /// <summary>The PO as <c>/po/get</c> answers it now (lines with their running totals, EDI documents).</summary>
    public static Task<JsonElement> PoAsync(this PcmOrg org, string poGuid) => org.Post("/pcm/po/get", new { po_guid = poGuid }).Ok();

    /// <summary>The PO's line with this number.</summary>
    public static JsonElement PoLine(this JsonElement po, int lineNo) =>
        po.GetProperty("lines").EnumerateArray().Single(l => l.GetProperty("line_no").GetInt32() == lineNo);
}
