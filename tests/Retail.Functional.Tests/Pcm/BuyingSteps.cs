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

    /// <summary>A proposed variant of an NPI: its code, size and colour (options of the org's <c>apparel</c> OGM), and an optional GTIN-13.</summary>
    public sealed record NpiVariantSpec(string VariantCode, string Size, string Colour, string? Gtin13 = null);

    /// <summary>The body of <c>/npi/create</c>: a style <paramref name="styleCode"/> from <paramref name="vendorCode"/> on the org's brand, category,
    /// manufacturer and OGM (read from the style <c>tee</c>).</summary>
    public static async Task<object> NpiBodyAsync(this PcmOrg org, string styleCode, IEnumerable<NpiVariantSpec> variants, string vendorCode = "acme",
        string brandCode = "northwind")
    {
        var tee = await org.Post("/pvm/style/get", new { style_guid = org.StyleGuid }).Ok();
        return new
        {
            vendor_code = vendorCode,
            unit_cost_minor = 1_200,
            target_price_minor = 2_999,
            style = new
            {
                style_code = styleCode,
                name = $"Proposed {styleCode}",
                description = "A new product from the vendor's line sheet",
                brand_code = brandCode,
                category_code = "shirts",
                manufacturer_code = "mill",
                ogm_guid = tee.Text("ogm_guid"),
                compliance = new { country_of_origin = "PT", hs_code = "610910" },
            },
            variants = variants.Select(v => new
            {
                variant_code = v.VariantCode,
                options = new[] { new { option_group_code = "size", option_code = v.Size }, new { option_group_code = "colour", option_code = v.Colour } },
                barcodes = v.Gtin13 is null ? null : new[] { new { barcode = v.Gtin13, primary = true } },
            }).ToArray(),
        };
    }

    /// <summary>An NPI created and submitted by the buyer.</summary>
    public static async Task<JsonElement> SubmittedNpiAsync(this PcmOrg org, string styleCode, params NpiVariantSpec[] variants)
    {
        var draft = await org.Post(org.Buyer, "/pcm/npi/create", await org.NpiBodyAsync(styleCode, variants)).Ok(HttpStatusCode.Created);
        return await org.Post(org.Buyer, "/pcm/npi/submit", new { npi_guid = draft.Text("npi_guid"), expected_revision = draft.Revision() }).Ok();
    }

    /// <summary>An NPI created and submitted by the buyer and approved by the second admin: its style and variants are active in PVM.</summary>
    public static async Task<JsonElement> ApprovedNpiAsync(this PcmOrg org, string styleCode, params NpiVariantSpec[] variants)
    {
        var submitted = await org.SubmittedNpiAsync(styleCode, variants);
        return await org.Post(org.Approver, "/pcm/npi/approve", new { npi_guid = submitted.Text("npi_guid"), expected_revision = submitted.Revision() }).Ok();
    }

    /// <summary>The PVM variant guids an approved NPI created, in its order.</summary>
    public static IReadOnlyList<string> NpiVariantGuids(this JsonElement npi) =>
        npi.GetProperty("variants").EnumerateArray().Select(v => v.Text("variant_guid")!).ToList();

    /// <summary>A worksheet line: a variant for a facility, optionally from a named vendor (default: the style's primary vendor).</summary>
    public sealed record WorksheetLineSpec(string VariantGuid, string FacilityCode, long Quantity, long UnitCostMinor = 1_000, string? VendorCode = null);

    public static Task<JsonElement> WorksheetAsync(this PcmOrg org, params WorksheetLineSpec[] lines) =>
        org.Post(org.Buyer, "/pcm/worksheet/create", new
        {
            name = "Spring buy",
            lines = lines.Select(l => new
            {
                variant_guid = l.VariantGuid,
                facility_code = l.FacilityCode,
                quantity = l.Quantity,
                unit_cost_minor = l.UnitCostMinor,
                vendor_code = l.VendorCode,
            }).ToArray(),
        }).Ok(HttpStatusCode.Created);

    /// <summary>A worksheet created and submitted by the buyer: <c>po_guids</c> names its draft POs.</summary>
    public static async Task<JsonElement> SubmittedWorksheetAsync(this PcmOrg org, params WorksheetLineSpec[] lines)
    {
        var worksheet = await org.WorksheetAsync(lines);
        return await org.Post(org.Buyer, "/pcm/worksheet/submit",
            new { worksheet_guid = worksheet.Text("worksheet_guid"), expected_revision = worksheet.Revision() }).Ok();
    }
}
