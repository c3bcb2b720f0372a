using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;

namespace Retail.Pcm.Buying;

public enum EdiDirection
{
    Outbound,
    Inbound,
}

/// <summary>
/// An EDI document exchanged with a vendor: the X12 850 (purchase order) PCM sends when a PO is issued, created in the
/// transaction of the issue. Read through <c>/po/get</c> (<see cref="PurchaseOrder.EdiDocuments"/>).
/// </summary>
public sealed record EdiDocument : Record
{
    public required string EdiGuid { get; init; }

    /// <summary>The X12 transaction set: <c>850</c>.</summary>
    public required string DocType { get; init; }

    public required EdiDirection Direction { get; init; }

    public required string PoGuid { get; init; }

    public required string PoNumber { get; init; }

    public required string VendorGuid { get; init; }

    public required string VendorCode { get; init; }

    /// <summary>The interchange control number (ISA13/IEA02), nine digits.</summary>
    public required string ControlNumber { get; init; }

    /// <summary>The X12 text, one segment a line, each ending in <c>~</c>.</summary>
    public required string Content { get; init; }

    [JsonIgnore]
    public override string Key => EdiGuid;

    public static RecordType<EdiDocument> Type { get; } = new RecordType<EdiDocument>("edi_document")
        .IndexBy("po_guid")
        .IndexBy("vendor_guid");
}

/// <summary>Builds the X12 004010 850 of a PO (pure: the same PO, time and control number give the same text).</summary>
public static class Edi850
{
    /// <summary>A nine-digit interchange control number from the PO's guid (stable for a PO, so a re-sent 850 keeps it).</summary>
    public static string ControlNumberOf(string poGuid)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(poGuid));
        var value = BitConverter.ToUInt32(hash, 0) % 1_000_000_000u;
        return value.ToString("D9", CultureInfo.InvariantCulture);
    }

    /// <summary>Digits after the decimal point of a currency's minor unit (ISO 4217; 2 unless known otherwise).</summary>
    public static int MinorDigits(string currency) => currency.ToUpperInvariant() switch
    {
        "JPY" or "KRW" or "ISK" or "CLP" or "VND" or "UGX" or "XAF" or "XOF" or "XPF" or "PYG" or "RWF" or "KMF" or "GNF" or "DJF" or "BIF" or "VUV" => 0,
        "BHD" or "KWD" or "OMR" or "JOD" or "TND" or "IQD" or "LYD" => 3,
        _ => 2,
    };

    /// <summary>Minor units as a decimal amount of the currency (<c>1250</c> EUR → <c>12.50</c>).</summary>
    public static string Amount(long minor, string currency)
    {
        var digits = MinorDigits(currency);
        var value = minor / (decimal)Math.Pow(10, digits);
        return value.ToString("F" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }

    /// <param name="senderId">The buying org (ISA06/GS02).</param>
    /// <param name="variantCodes">Variant guid → code, for the vendor part number; a line without one sends its guid.</param>
    public static string Build(PurchaseOrder po, string senderId, DateTimeOffset at, string controlNumber,
        IReadOnlyDictionary<string, string>? variantCodes = null)
    {
        var sender = Element(senderId).ToUpperInvariant();
        var receiver = Element(po.VendorCode).ToUpperInvariant();
        var group = int.Parse(controlNumber, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);
        var head = new List<string>
        {
            $"ISA*00*{"",-10}*00*{"",-10}*ZZ*{Pad(sender, 15)}*ZZ*{Pad(receiver, 15)}*{at:yyMMdd}*{at:HHmm}*U*00401*{controlNumber}*0*P*>",
            $"GS*PO*{sender}*{receiver}*{at:yyyyMMdd}*{at:HHmm}*{group}*X*004010",
        };
        var body = new List<string>
        {
            "ST*850*0001",
            $"BEG*00*SA*{Element(po.PoNumber)}**{po.CreatedAt.UtcDateTime:yyyyMMdd}",
            $"CUR*BY*{po.Currency}",
        };
        if (po.Terms?.PaymentTerms is { } payment)
        {
            // ITD12: the terms as text (elements 03 to 11 left empty).
            body.Add($"ITD*01*3{new string('*', 10)}{Element(payment)}");
        }
        if (po.Terms?.ExpectedAt is { } expected)
        {
            body.Add($"DTM*002*{expected:yyyyMMdd}");
        }
        body.Add($"N1*ST**92*{Element(po.ShipToFacilityCode)}");
        body.Add($"N1*VN**92*{Element(po.VendorCode)}");
        foreach (var line in po.Lines)
        {
            var part = variantCodes is not null && variantCodes.TryGetValue(line.VariantGuid, out var code) ? $"VP*{Element(code)}*" : "";
            body.Add($"PO1*{line.LineNo}*{line.Quantity}*EA*{Amount(line.UnitCostMinor, po.Currency)}**{part}BP*{line.VariantGuid}");
        }
        body.Add($"CTT*{po.Lines.Count}*{po.Lines.Sum(l => l.Quantity)}");
        body.Add($"AMT*TT*{Amount(po.TotalMinor, po.Currency)}");
        body.Add($"SE*{body.Count + 1}*0001");
        var tail = new List<string> { $"GE*1*{group}", $"IEA*1*{controlNumber}" };
        var text = new StringBuilder();
        foreach (var segment in head.Concat(body).Concat(tail))
        {
            text.Append(segment).Append("~\n");
        }
        return text.ToString();
    }

    /// <summary>An element's text without X12's delimiters (<c>* ~ &gt;</c>) or line breaks.</summary>
    public static string Element(string text) =>
        new(text.Select(c => c is '*' or '~' or '>' or '\r' or '\n' ? ' ' : c).ToArray());

    private static string Pad(string text, int width) => text.Length >= width ? text[..width] : text.PadRight(width);
}
