namespace Retail.Pvm.Identifiers;

/// <summary>
/// GS1 barcodes: GTIN-8, GTIN-12 (UPC-A), GTIN-13 (EAN) and GTIN-14 carry a mod-10 check digit (weights 3 and 1 from
/// the right); internal codes carry none.
/// </summary>
public static class Gtin
{
    /// <summary>The symbology a GTIN's length implies; null for a length no GTIN has.</summary>
    public static BarcodeSymbology? SymbologyOf(string digits) => digits.Length switch
    {
        8 => BarcodeSymbology.Gtin8,
        12 => BarcodeSymbology.Gtin12,
        13 => BarcodeSymbology.Gtin13,
        14 => BarcodeSymbology.Gtin14,
        _ => null,
    };

    public static int LengthOf(BarcodeSymbology symbology) => symbology switch
    {
        BarcodeSymbology.Gtin8 => 8,
        BarcodeSymbology.Gtin12 => 12,
        BarcodeSymbology.Gtin13 => 13,
        BarcodeSymbology.Gtin14 => 14,
        _ => 0,
    };

    /// <summary>
    /// The symbology a barcode given without one has: a GTIN when it is all digits of a GTIN's length, otherwise an
    /// internal code (letters, or a digit count no GTIN has).
    /// </summary>
    public static BarcodeSymbology Infer(string value) =>
        value.Length > 0 && value.All(char.IsAsciiDigit) && SymbologyOf(value) is { } gtin ? gtin : BarcodeSymbology.Internal;

    /// <summary>The check digit of the payload (the GTIN without its last digit).</summary>
    public static int CheckDigitOf(ReadOnlySpan<char> payload)
    {
        var sum = 0;
        for (var i = 0; i < payload.Length; i++)
        {
            var digit = payload[payload.Length - 1 - i] - '0';
            sum += i % 2 == 0 ? digit * 3 : digit;
        }
        return (10 - sum % 10) % 10;
    }

    /// <summary>
    /// Null when <paramref name="value"/> is a well-formed barcode of <paramref name="symbology"/>; otherwise why not, for
    /// the 400 (a wrong check digit names the digit it should be).
    /// </summary>
    public static string? Problem(string value, BarcodeSymbology symbology)
    {
        if (symbology == BarcodeSymbology.Internal)
        {
            return value.Length is >= 1 and <= 48 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_')
                ? null
                : "an internal barcode is 1 to 48 letters, digits, '-', '.' or '_'";
        }
        var length = LengthOf(symbology);
        if (value.Length != length || !value.All(char.IsAsciiDigit))
        {
            return $"a {Retail.Shared.Json.SnakeCase.Name(symbology)} barcode is {length} digits";
        }
        var expected = CheckDigitOf(value.AsSpan(0, length - 1));
        return value[^1] - '0' == expected ? null : $"wrong check digit {value[^1]}: it should be {expected}";
    }
}
