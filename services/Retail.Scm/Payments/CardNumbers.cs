namespace Retail.Scm.Payments;

/// <summary>
/// What looks like a primary account number: 13–19 digits, optionally grouped by spaces or dashes, that pass the Luhn
/// check (the rule UAS applies to payment methods). SCM takes tokens only; a card number in a tender is refused.
/// </summary>
public static class CardNumbers
{
    public static bool AnyIn(params string?[] texts) => texts.Any(Contains);

    public static bool Contains(string? text)
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
            if ((c is ' ' or '-') && digits.Count > 0 && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1]))
            {
                continue;
            }
            if (digits.Count is >= 13 and <= 19 && PassesLuhn(digits))
            {
                return true;
            }
            digits.Clear();
        }
        return false;
    }

    public static bool PassesLuhn(IReadOnlyList<int> digits)
    {
        var sum = 0;
        for (var i = 0; i < digits.Count; i++)
        {
            var d = digits[digits.Count - 1 - i];
            if (i % 2 == 1)
            {
                d = d * 2 > 9 ? (d * 2) - 9 : d * 2;
            }
            sum += d;
        }
        return sum % 10 == 0;
    }
}
