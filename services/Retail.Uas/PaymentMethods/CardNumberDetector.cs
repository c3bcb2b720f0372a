namespace Retail.Uas.PaymentMethods;

/// <summary>
/// Finds what looks like a primary account number: 13–19 digits, optionally grouped by spaces or dashes, that
/// pass the Luhn check. UAS stores provider tokens only; a card number anywhere in the request is refused.
/// </summary>
public static class CardNumberDetector
{
    public static bool ContainsCardNumber(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }
        var digits = new List<int>(19);
        for (var i = 0; i <= text.Length; i++)
        {
            var c = i < text.Length ? text[i] : '\0';
            if (char.IsAsciiDigit(c))
            {
                digits.Add(c - '0');
                continue;
            }
            var separatorInsideRun = (c is ' ' or '-') && digits.Count > 0 && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1]);
            if (separatorInsideRun)
            {
                continue;
            }
            if (IsCardLike(digits))
            {
                return true;
            }
            digits.Clear();
        }
        return false;
    }

    public static bool IsCardLike(IReadOnlyList<int> digits) => digits.Count is >= 13 and <= 19 && PassesLuhn(digits);

    public static bool PassesLuhn(IReadOnlyList<int> digits)
    {
        var sum = 0;
        for (var i = 0; i < digits.Count; i++)
        {
            var d = digits[digits.Count - 1 - i];
            if (i % 2 == 1)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }
            sum += d;
        }
        return sum % 10 == 0;
    }
}
